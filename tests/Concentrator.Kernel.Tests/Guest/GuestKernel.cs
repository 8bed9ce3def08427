namespace Concentrator.Kernel.Tests.Guest;

/// <summary>
/// The guest ring: tests that need a kernel with XFRM interfaces and ESP, which the machines here lack, carry
/// <c>[Trait(GuestKernel.Ring, GuestKernel.Guest)]</c> and run only inside the QEMU guest that
/// <c>scripts/guest-kernel/run-in-guest.sh</c> boots. <see cref="GuestRingTests"/> (a normal host test) boots
/// that guest and runs them there with <c>dotnet vstest --TestCaseFilter:Ring=Guest</c>; the host run
/// excludes them with <c>dotnet test --filter "Ring!=Guest"</c>. A guest test started on the host anyway
/// fails loudly (see <see cref="Require"/>): it is never skipped silently, because xunit 2 cannot skip at
/// run time and a passing no-op would claim a proof that was not made.
/// </summary>
internal static class GuestKernel
{
    public const string Ring = "Ring";
    public const string Guest = "Guest";

    /// <summary>Host-side tests that boot the guest; they belong to the host run, this trait only lets them be picked alone.</summary>
    public const string GuestRunner = "GuestRunner";

    /// <summary>Set to 1 by the guest's init (guest-stage2.sh) for every command it runs.</summary>
    public const string EnvironmentVariable = "CONCENTRATOR_GUEST";

    public static bool IsInside => Environment.GetEnvironmentVariable(EnvironmentVariable) == "1";

    /// <summary>Called by every guest test class's constructor.</summary>
    public static void Require()
    {
        if (!IsInside)
        {
            throw new InvalidOperationException(
                $"This test needs the guest kernel ({EnvironmentVariable}=1 is not set). It runs inside the QEMU guest " +
                "through GuestRingTests; exclude it from host runs with --filter \"Ring!=Guest\".");
        }
    }
}
