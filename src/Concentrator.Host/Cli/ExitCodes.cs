namespace Concentrator.Host.Cli;

/// <summary>The exit codes (sysexits.h), which systemd and scripts see.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>EX_USAGE: the command line was wrong.</summary>
    public const int Usage = 64;

    /// <summary>EX_UNAVAILABLE: the configuration is valid but the concentrator cannot start (a port is taken, the
    /// kernel refused, …); for a management verb: no concentrator is running (no socket, nobody listening).</summary>
    public const int Unavailable = 69;

    /// <summary>EX_DATAERR: the input of a converting verb (import-libreswan) held nothing it could convert.</summary>
    public const int DataError = 65;

    /// <summary>EX_NOINPUT: what a management verb named (an IKE SA id) does not exist.</summary>
    public const int NotFound = 66;

    /// <summary>EX_SOFTWARE: the concentrator stopped serving without being asked to (its actor system ended).</summary>
    public const int Software = 70;

    /// <summary>EX_NOPERM: the management API refused the caller (neither root nor in concentrator.management.group).</summary>
    public const int NoPermission = 77;

    /// <summary>EX_CONFIG: the configuration is invalid.</summary>
    public const int Config = 78;
}
