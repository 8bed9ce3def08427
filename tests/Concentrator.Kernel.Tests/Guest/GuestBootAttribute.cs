namespace Concentrator.Kernel.Tests.Guest;

/// <summary>
/// Puts a Ring=Guest test class into a guest boot of its own, named <see cref="Name"/>: the default boot (no
/// <see cref="GuestTestRunner.BootVariable"/>) leaves it out, a boot started with <c>CONCENTRATOR_GUEST_BOOT=Name</c>
/// runs only the classes with this name. For scenarios that must not share the guest's two vCPUs with the others
/// (under TCG a second Host starting beside them pushes their kernel installs past the gateway's timeouts).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class GuestBootAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
