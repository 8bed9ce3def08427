using Concentrator.Ike.Auth.Certificates;

namespace Concentrator.Ike.Auth.Eap;

/// <summary>An EAP method that checks a client certificate (EAP-TLS) and may hold its round for online revocation
/// information, as the pubkey path holds IKE_AUTH: the IKE SA hands it the node's cache and, once the host fetched what a
/// <see cref="EapStep.Pending"/> of a <see cref="RevocationFetchRequest"/> asked for, resumes it.</summary>
public interface IRevocationWaiter
{
    void UseRevocation(RevocationCache cache);

    /// <summary>The step after the fetches ended: the held one, a failure, or another <see cref="EapStep.Pending"/>.</summary>
    EapStep RevocationFetched();
}
