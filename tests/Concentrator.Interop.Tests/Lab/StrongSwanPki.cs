using System.Globalization;

namespace Concentrator.Interop.Tests.Lab;

/// <summary>
/// Test certificates made by strongSwan's own <c>pki</c> tool (strongswan-pki), as an operator would make them
/// (<c>pki --gen</c>, <c>--self --ca</c>, <c>--issue</c>, <c>--signcrl</c>), all PEM, in a
/// folder of the test's own. Keys: rsa (with a size), ecdsa (256/384/521) or ed25519.
/// </summary>
internal sealed class StrongSwanPki : IDisposable
{
    private readonly TempDir _dir = new();

    public string Path => _dir.Path;

    /// <summary>A new private key file <c>name.key</c>.</summary>
    public string Key(string name, string type, int size = 0)
    {
        string sizeArg = size > 0 ? $"--size {size}" : "";
        return Pki(name + ".key", $"--gen --type {type} {sizeArg} --outform pem");
    }

    /// <summary>A self-signed CA certificate <c>name.pem</c> over key <paramref name="key"/>.</summary>
    public string SelfCa(string name, string key, string dn) =>
        Pki(name + ".pem", $"--self --ca --lifetime 3650 --in {key} --type priv --dn \"{dn}\" --outform pem");

    /// <summary>A certificate <c>name.pem</c> for <paramref name="key"/>, issued by <paramref name="caCert"/>; an
    /// intermediate CA with <paramref name="ca"/>; valid from/until the given UTC times when set.</summary>
    public string Issue(string name, string key, string caCert, string caKey, string dn, string[] sans, bool ca = false,
        DateTime? notBefore = null, DateTime? notAfter = null, string flags = "")
    {
        string args = $"--issue --in {key} --type priv --cacert {caCert} --cakey {caKey} --dn \"{dn}\" --outform pem {flags}";
        args += string.Concat(sans.Select(s => $" --san \"{s}\""));
        args += ca ? " --ca" : "";
        if (notBefore is { } from && notAfter is { } until)
        {
            // pki reads local time through strptime; the gateway namespace shares the host's time zone.
            args += $" --dateform \"%Y-%m-%d %H:%M:%S\" --not-before \"{Local(from)}\" --not-after \"{Local(until)}\"";
        }

        return Pki(name + ".pem", args);
    }

    /// <summary>A CRL <c>name.crl.pem</c> by <paramref name="caCert"/> revoking <paramref name="revoked"/>.</summary>
    public string Crl(string name, string caCert, string caKey, params string[] revoked) =>
        Pki(name + ".crl.pem", $"--signcrl --cacert {caCert} --cakey {caKey} --lifetime 7 --outform pem"
            + string.Concat(revoked.Select(r => $" --reason key-compromise --cert {r}")));

    public string Read(string file) => File.ReadAllText(file);

    public void Dispose() => _dir.Dispose();

    private static string Local(DateTime utc) => utc.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private string Pki(string output, string args)
    {
        string file = System.IO.Path.Combine(_dir.Path, output);
        // pki prints plugin noise on stderr; only stdout is the PEM.
        var (code, text) = Shell.Run("sh", "-c", $"cd {_dir.Path} && pki {args} > {file} 2>{file}.err || (cat {file}.err; exit 1)");
        Assert.True(code == 0, $"pki {args} failed: {text}");
        return file;
    }
}
