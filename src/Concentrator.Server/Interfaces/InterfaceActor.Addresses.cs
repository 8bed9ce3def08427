using Concentrator.Kernel;
using Concentrator.Server.Config;
using Concentrator.Server.Kernel;
using Concentrator.Server.Logging;

namespace Concentrator.Server.Interfaces;

// The connections' interface-ip on ipsecN: the device carries the union of the addresses its connections name, each
// one added when the first connection naming it is attached and removed when the last one goes (or with the device).
public sealed partial class InterfaceActor
{
    private readonly HashSet<InterfaceAddress> _addressed = [];

    /// <summary>Brings the device's addresses in line with the attached connections (after an attach, update or
    /// detach). A failure is logged and leaves the address out; the next change tries it again.</summary>
    private void SyncAddresses()
    {
        if (!_setting.IsEnabled || _index is not { } index)
        {
            return;
        }

        var wanted = _connections.Values.Select(c => c.InterfaceIp).OfType<InterfaceAddress>().ToHashSet();
        var name = _setting.InterfaceName ?? "";
        foreach (var address in wanted.Where(a => !_addressed.Contains(a)).ToList())
        {
            _addressed.Add(address);
            var request = new AddressRequest(address.Address, address.PrefixLength, index);
            Send(id => new AddAddress(id, request), reply =>
            {
                switch (reply)
                {
                    case KernelFailed { Errno: Errnos.EEXIST }:
                        // Left on an adopted device by our previous run (or the operator's): ours from now on.
                        _log.AddressAdded(address, name, "already there");
                        break;
                    case KernelFailed f:
                        _addressed.Remove(address);
                        _log.AddressFailed(address, name, f.ToString());
                        break;
                    default:
                        _log.AddressAdded(address, name, "added");
                        break;
                }
            });
        }

        foreach (var address in _addressed.Where(a => !wanted.Contains(a)).ToList())
        {
            _addressed.Remove(address);
            var request = new AddressRequest(address.Address, address.PrefixLength, index);
            Send(id => new DeleteAddress(id, request), reply =>
            {
                if (reply is KernelFailed f)
                {
                    _log.AddressDeleteFailed(address, name, f.ToString());
                }
                else
                {
                    _log.AddressRemoved(address, name);
                }
            });
        }
    }
}
