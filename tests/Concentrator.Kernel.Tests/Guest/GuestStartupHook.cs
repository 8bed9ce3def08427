// The .NET host calls StartupHook.Initialize() of every assembly named in DOTNET_STARTUP_HOOKS before Main.
// That is how the guest runs this test assembly without vstest: `DOTNET_STARTUP_HOOKS=<this dll> dotnet
// exec <this dll>` (Main itself is the empty one Microsoft.NET.Test.Sdk generates). The runtime looks the
// type up by this exact name outside any namespace, hence the suppression.
#pragma warning disable CA1050 // Declare types in namespaces
internal static class StartupHook
#pragma warning restore CA1050
{
    public static void Initialize() => Concentrator.Kernel.Tests.Guest.GuestTestRunner.RunIfAsked();
}
