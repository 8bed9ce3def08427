namespace Concentrator.Interop.Tests.Lab;

// For scenarios where the gateway initiates to the strongSwan peer in the road namespace.
internal sealed partial class RoadWarriorLab
{
    /// <summary>The road warrior's (here: the responding strongSwan site's) network namespace.</summary>
    public string RoadNamespace => _road;
}
