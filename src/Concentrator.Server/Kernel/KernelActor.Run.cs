using Concentrator.Kernel;

namespace Concentrator.Server.Kernel;

// The kernel calls of each command. They run outside the actor's thread: they read only the command and the
// kernel, never actor state, and return the answer as a message.
public sealed partial class KernelActor
{
    private async Task<object> Run(IKernelCommand command)
    {
        switch (command)
        {
            case InstallChild c:
                return await InstallAsync(c).ConfigureAwait(false);
            case RemoveChild c:
                return await RemoveAsync(c).ConfigureAwait(false);
            case AddRoute c:
                await _kernel.AddRouteAsync(c.Route).ConfigureAwait(false);
                return new KernelDone(c.CorrelationId);
            case AddAddress c:
                await _kernel.AddAddressAsync(c.Address).ConfigureAwait(false);
                return new KernelDone(c.CorrelationId);
            case DeleteAddress c:
                await IgnoreGone(_kernel.DeleteAddressAsync(c.Address)).ConfigureAwait(false);
                return new KernelDone(c.CorrelationId);
            case DeleteRoute c:
                await IgnoreGone(_kernel.DeleteRouteAsync(c.Route)).ConfigureAwait(false);
                return new KernelDone(c.CorrelationId);
            case EnsureInterface c:
                if (await _kernel.FindInterfaceByIfIdAsync(c.Request.IfId).ConfigureAwait(false) is { } existing)
                {
                    return new InterfaceReady(c.CorrelationId, existing.Index, existing.Name, Managed: false);
                }

                var index = await _kernel.CreateInterfaceAsync(c.Request).ConfigureAwait(false);
                try
                {
                    InterfaceSysctls.Apply(_kernel, c.Request.Name);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // A device without its settings would drop or misroute clients' traffic: take it back and fail.
                    await IgnoreGone(_kernel.DeleteInterfaceAsync(index)).ConfigureAwait(false);
                    throw new KernelException(0, $"cannot apply the device settings of {c.Request.Name}: {e.Message}", "sysctl");
                }

                return new InterfaceReady(c.CorrelationId, index, c.Request.Name, Managed: true);
            case DeleteInterface c:
                await IgnoreGone(_kernel.DeleteInterfaceAsync(c.Index)).ConfigureAwait(false);
                return new KernelDone(c.CorrelationId);
            default:
                return new KernelFailed(command.CorrelationId, Errnos.EINVAL, null, $"unknown kernel command {command.GetType().Name}");
        }
    }

    private async Task<object> InstallAsync(InstallChild c)
    {
        var sas = new List<SaId>(c.Sas.Count);
        var policies = new List<PolicyId>(c.Policies.Count);
        var step = "";
        try
        {
            foreach (var sa in c.Sas)
            {
                step = $"add SA {Name(sa.Request.Id)}";
                await _kernel.AddSaAsync(sa.Request).ConfigureAwait(false);

                sas.Add(sa.Request.Id);
            }

            foreach (var policy in c.Policies)
            {
                step = $"{(c.ReplacePolicies ? "update" : "add")} policy {Name(policy.Id)}";
                await _kernel.AddPolicyAsync(policy, c.ReplacePolicies).ConfigureAwait(false);
                if (!c.ReplacePolicies)
                {
                    policies.Add(policy.Id);
                }
            }

            return new KernelDone(c.CorrelationId);
        }
        catch (Exception e)
        {
            // All or nothing: take back what this command installed, newest first.
            policies.Reverse();
            sas.Reverse();
            var (rollback, _) = await RemoveAllAsync(sas, policies).ConfigureAwait(false);
            // The text names the CHILD SA's states and the step that failed (state or policy selector), so that an
            // EEXIST can be traced to what is already in the kernel (ip xfrm state/policy).
            var failed = Failure(c, e, "");
            var call = failed.Operation.Length == 0 ? "" : $" ({failed.Operation})";
            return failed with { Operation = $"{Describe(c)}: {step}{call}", RollbackErrors = rollback };
        }
    }

    private async Task<object> RemoveAsync(RemoveChild c)
    {
        var (errors, errno) = await RemoveAllAsync(c.Sas, c.Policies).ConfigureAwait(false);
        return errors.Count == 0
            ? new KernelDone(c.CorrelationId)
            : new KernelFailed(c.CorrelationId, errno, errors[0], Describe(c)) { RollbackErrors = errors };
    }

    // Policies before states: a policy whose state is gone would drop (or, on input, refuse) the traffic.
    // Every step is tried even after one fails, so as little as possible is left behind.
    private async Task<(List<string> Errors, int FirstErrno)> RemoveAllAsync(IReadOnlyList<SaId> sas, IReadOnlyList<PolicyId> policies)
    {
        var errors = new List<string>();
        var firstErrno = 0;
        var steps = policies.Select(p => (Func<ValueTask>)(() => _kernel.DeletePolicyAsync(p)))
            .Zip(policies.Select(p => $"delete policy {Name(p)}"))
            .Concat(sas.Select(sa => (Func<ValueTask>)(() => _kernel.DeleteSaAsync(sa)))
                .Zip(sas.Select(sa => $"delete SA {Name(sa)}")));
        foreach (var (step, operation) in steps)
        {
            try
            {
                await IgnoreGone(step()).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                var errno = e is KernelException k ? k.Errno : 0;
                firstErrno = errors.Count == 0 ? errno : firstErrno;
                errors.Add($"{operation}: {(e is KernelException ke ? KernelException.Describe(ke.Errno, ke.ExtAck) : e.Message)}");
            }
        }

        return (errors, firstErrno);
    }

    private static async Task IgnoreGone(ValueTask call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (KernelException e) when (e.Errno is Errnos.ESRCH or Errnos.ENOENT or Errnos.ENODEV or Errnos.EADDRNOTAVAIL)
        {
            // Already gone (expired, flushed, or removed by the operator): what we wanted.
        }
    }
}
