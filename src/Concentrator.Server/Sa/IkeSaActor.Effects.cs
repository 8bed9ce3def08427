using Concentrator.Server.Logging;
using Microsoft.Extensions.Logging;
using Akka.Actor;
using Akka.Event;
using Concentrator.Ike.Sa;
using Concentrator.Server.Kernel;
using Concentrator.Server.Network;

namespace Concentrator.Server.Sa;

// The one place where the session's decisions become messages, timers and log lines.
public sealed partial class IkeSaActor
{
    // Whether the kernel actor and the identity registry must hear of this actor's stop (see ReportStopped).
    private bool _installedChild;
    private bool _claimedIdentity;

    /// <summary>Carries out <paramref name="effects"/> in order; <paramref name="arrival"/> is the socket of the
    /// datagram that caused them, if any.</summary>
    private void Execute(IReadOnlyList<IkeSaEffect> effects, IActorRef? arrival = null)
    {
        foreach (IkeSaEffect effect in effects)
        {
            switch (effect)
            {
                case IkeSaEffect.Send send:
                    IActorRef socket = send.ViaArrivalSocket ? arrival! : _socket;
                    foreach (byte[] datagram in send.Datagrams)
                    {
                        socket.Tell(new SendIke(send.Local, send.Remote, datagram));
                    }

                    break;
                case IkeSaEffect.Redirected redirected:
                    if (_log.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information))
                    {
                        _log.ClientRedirected(redirected.Sa, redirected.Identity, redirected.Gateway.ToString(),
                            redirected.InIkeAuth ? "in IKE_AUTH (RFC 5685 §6)" : "in an INFORMATIONAL (RFC 5685 §5, drain --established)");
                    }

                    break;
                case IkeSaEffect.UseArrivalSocket:
                    _socket = arrival!;
                    break;
                case IkeSaEffect.Arm arm:
                    Timers.StartSingleTimer(TimerKey(arm.Timer), new Tick(arm.Timer, arm.Token), arm.Due);
                    break;
                case IkeSaEffect.Cancel cancel:
                    Timers.Cancel(cancel.Timer);
                    break;
                case IkeSaEffect.Install install:
                    if (!TryInstall(install))
                    {
                        return;
                    }

                    break;
                case IkeSaEffect.Remove remove:
                    CountBeforeRemoval(remove.Child);
                    ReadBeforeRemoval(remove.Child);
                    _kernel.Tell(ChildSaKernelRequests.Remove(remove.Child, remove.Reqid, remove.CorrelationId));
                    break;
                case IkeSaEffect.RemoveAll all:
                    CountAllBeforeRemoval();
                    // Sent on the way out: nobody is left to hear the answer, and the kernel actor logs a failure itself.
                    _kernel.Tell(new RemoveOwnedBy(all.CorrelationId, Self), ActorRefs.Nobody);
                    _installedChild = false; // said already: ReportStopped need not say it again
                    break;
                case IkeSaEffect.ReleaseChildSpi child:
                    _env.ChildSpis?.Release(child.Spi);
                    break;
                case IkeSaEffect.ReleaseIkeSpi ike:
                    // The old SA of an IKE SA rekey retires: the new one has taken over.
                    _env.Metrics?.IkeRekeyed();
                    _spis?.Release(ike.Spi);
                    if (_log.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Information))
                    {
                        _log.IkeSaRetired(Sa.RemoteIdentity?.ToString() ?? "?", Sa.RemoteEndpoint.ToString(), $"{ike.Spi:x16}", $"{Sa.InitiatorSpi:x16}",
                            $"{Sa.ResponderSpi:x16}", _session.IkeRekeysByUs, _session.IkeRekeyCollisions);
                    }
                    break;
                case IkeSaEffect.ClaimIdentity claim:
                    _env.Identities!.Tell(new ClaimIdentity(claim.Identity, claim.InitialContact) { ClaimantReportsStop = true });
                    _claimedIdentity = true;
                    break;
                case IkeSaEffect.Established established:
                    LogEstablished();
                    CheckAssignedAddress();
                    StartAccounting();
                    _env.Observer?.Tell(new IkeSaEstablished(established.ResponderSpi, established.RemoteIdentity));
                    break;
                case IkeSaEffect.Ending ending:
                    _env.Observer?.Tell(new IkeSaEnding(ending.ResponderSpi));
                    break;
                case IkeSaEffect.HandOver handOver:
                    HandOver(handOver.Outbound);
                    break;
                case IkeSaEffect.Unstash:
                    _stash?.UnstashAll();
                    break;
                case IkeSaEffect.Stop:
                    StopWhenRead();
                    break;
                case IkeSaEffect.RelayEap relay:
                    RelayEap(relay.Request);
                    break;
                case IkeSaEffect.Log log:
                    Log(log);
                    break;
            }
        }
    }

    /// <summary>Tells the kernel actor to install a CHILD SA; an algorithm without a kernel name fails the install
    /// at once (and the effects after it are the session's to redo).</summary>
    private bool TryInstall(IkeSaEffect.Install install)
    {
        InstallChild request;
        try
        {
            request = ChildSaKernelRequests.Install(install.Child, install.CorrelationId, install.Reqid, _settings.IfId, _settings.ChildLifetime)
                with { ReplacePolicies = ReplacesPolicies(install), OwnerReportsStop = true };
        }
        catch (NotSupportedException e)
        {
            Execute(_session.OnInstallRejected(install.Child, e.Message));
            return false;
        }

        _kernel.Tell(request);
        _installedChild = true;
        return true;
    }

    private void Log(IkeSaEffect.Log log)
    {
        var level = log.Level switch
        {
            IkeSaLogLevel.Debug => Microsoft.Extensions.Logging.LogLevel.Debug,
            IkeSaLogLevel.Info => Microsoft.Extensions.Logging.LogLevel.Information,
            IkeSaLogLevel.Warning => Microsoft.Extensions.Logging.LogLevel.Warning,
            _ => Microsoft.Extensions.Logging.LogLevel.Error,
        };
        _log.SessionEvent(level, log.Text, log.Exception);
    }

    /// <summary>The timer's key boxed once for all SAs: a running timer keeps its key (issue 13).</summary>
    private static object TimerKey(IkeSaTimer timer) => (int)timer < TimerKeys.Length ? TimerKeys[(int)timer] : timer;

    private static readonly object[] TimerKeys = [.. Enumerable.Range(0, 32).Select(i => (object)(IkeSaTimer)i)];
}
