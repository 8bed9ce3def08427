namespace Concentrator.Kernel.Netlink;

public sealed partial class NetlinkKernelIpsec
{
    /// <summary>
    /// Start-up reconciliation: deletes the policies and SAs a previous run of this concentrator left, as
    /// <paramref name="ownership"/> defines them (a policy: a template reqid in our range or an if_id we own;
    /// an SA: reqid in our range), and leaves everything else alone. XFRM_MSG_FLUSHPOLICY/FLUSHSA cannot
    /// filter, so this walks dumps and deletes one by one (batched). Policies go before SAs so no packet
    /// matches a policy whose SA is already gone. xfrm interfaces are kept: they are adopted
    /// (<see cref="FindInterfaceByIfIdAsync"/>), not recreated. Returns how many objects it removed; objects
    /// that vanished meanwhile (ENOENT/ESRCH) are not counted.
    /// </summary>
    public async ValueTask<int> FlushOwnedAsync(KernelOwnership ownership, CancellationToken cancellationToken = default)
    {
        var policies = (await ListPoliciesAsync(cancellationToken).ConfigureAwait(false))
            .Where(p => ownership.OwnsIfId(p.Id.IfId) || p.Templates.Any(t => ownership.OwnsReqid(t.Reqid)))
            .Select(p => DeletePolicyByIndex(p, cancellationToken))
            .ToList();
        int removed = await DeleteAll(policies, Errnos.ENOENT, cancellationToken).ConfigureAwait(false);

        // Larval SAs from an ACQUIRE have SPI 0 and cannot be deleted by id; they expire by themselves.
        var states = (await ListSasAsync(cancellationToken).ConfigureAwait(false))
            .Where(s => ownership.OwnsReqid(s.Reqid) && s.Id.Spi != 0)
            .Select(s => DeleteSa(s.Id, cancellationToken))
            .ToList();
        removed += await DeleteAll(states, Errnos.ESRCH, cancellationToken).ConfigureAwait(false);
        return removed;
    }

    /// <summary>By the index the dump reported: exactly the object we judged, whatever its selector looks like.</summary>
    private static NetlinkRequest DeletePolicyByIndex(XfrmPolicyInfo p, CancellationToken ct) =>
        new("XFRM_MSG_DELPOLICY", (dst, seq) => XfrmMessages.WriteDeletePolicyByIndex(dst, seq, p.Index, p.Id.Direction, p.Id.Mark, p.Id.IfId), ct)
        {
            MaxLength = XfrmMessages.MaxPolicyIdLength,
            ConflictKey = p.Id,
            Recovery = new NetlinkRecovery.Resend(AlreadyDone: GoneEnoent),
        };

    /// <summary>Alias of <see cref="FlushOwnedAsync"/> under the name operators look for.</summary>
    public ValueTask<int> ReconcileAsync(KernelOwnership ownership, CancellationToken cancellationToken = default) =>
        FlushOwnedAsync(ownership, cancellationToken);

    private async ValueTask<int> DeleteAll(List<NetlinkRequest> requests, int gone, CancellationToken cancellationToken)
    {
        foreach (var r in requests)
        {
            await XfrmWriter.EnqueueAsync(r).ConfigureAwait(false);
        }

        int removed = 0;
        foreach (var r in requests)
        {
            try
            {
                await r.Completion.ConfigureAwait(false);
                removed++;
            }
            catch (KernelException e) when (e.Errno == gone)
            {
                // Someone else (the kernel's own expiry, another tool) removed it first.
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return removed;
    }
}
