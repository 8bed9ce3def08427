namespace Concentrator.Host.Cli;

/// <summary>The exit codes (sysexits.h), which systemd and scripts see.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>EX_USAGE: the command line was wrong.</summary>
    public const int Usage = 64;

    /// <summary>EX_UNAVAILABLE: the configuration is valid but the concentrator cannot start (a port is taken, the
    /// kernel refused, …).</summary>
    public const int Unavailable = 69;

    /// <summary>EX_SOFTWARE: the concentrator stopped serving without being asked to (its actor system ended).</summary>
    public const int Software = 70;

    /// <summary>EX_CONFIG: the configuration is invalid.</summary>
    public const int Config = 78;
}
