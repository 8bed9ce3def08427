using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Concentrator.Kernel.Netlink.Interop;

namespace Concentrator.Kernel.Tests.Interop;

/// <summary>
/// Builds a C program that prints sizeof/offsetof of every struct and the value of every constant we declare
/// in Netlink/Interop (found by reflection, so a new struct is checked without editing the test), compiles
/// it with gcc against the installed kernel uapi headers (linux-libc-dev) and returns what it printed.
/// </summary>
internal static class UapiHeaderProbe
{
    private static readonly Lazy<Dictionary<string, long>> Values = new(Run);

    public static IReadOnlyDictionary<string, long> CValues => Values.Value;

    public static IEnumerable<Type> Structs() =>
        typeof(nlmsghdr).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(nlmsghdr).Namespace && t.IsValueType && !t.IsEnum && t.IsLayoutSequential
                        && !t.IsNested && char.IsLower(t.Name[0]))
            .OrderBy(t => t.Name, StringComparer.Ordinal);

    public static IEnumerable<FieldInfo> Fields(Type t) =>
        t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);

    public static IEnumerable<FieldInfo> Constants() =>
        new[] { typeof(NetlinkConstants), typeof(XfrmConstants), typeof(RtnetlinkConstants), typeof(AddressFamilies) }
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public))
            .Where(f => f.IsLiteral);

    /// <summary>
    /// The C value seen through the width of our constant's type: C evaluates e.g. NLA_TYPE_MASK
    /// (~(NLA_F_NESTED | NLA_F_NET_BYTEORDER)) as an int, we hold the 16 bits that go on the wire.
    /// </summary>
    public static long AsFieldWidth(long c, FieldInfo f) => f.FieldType switch
    {
        var t when t == typeof(byte) => unchecked((byte)c),
        var t when t == typeof(ushort) => unchecked((ushort)c),
        var t when t == typeof(uint) => unchecked((uint)c),
        var t when t == typeof(int) => unchecked((int)c),
        _ => c,
    };

    public static string CTypeName(Type t) => t.Name.EndsWith("_t", StringComparison.Ordinal) ? t.Name : "struct " + t.Name;

    public static long ConstantValue(FieldInfo f) => f.GetRawConstantValue() switch
    {
        ulong u => unchecked((long)u),
        var v => Convert.ToInt64(v, CultureInfo.InvariantCulture),
    };

    private static Dictionary<string, long> Run()
    {
        var dir = Directory.CreateTempSubdirectory("uapi-probe-");
        try
        {
            var source = new StringBuilder();
            source.AppendLine("#include <netinet/in.h>"); // first, so the kernel headers reuse glibc's in6_addr
            source.AppendLine("#include <sys/socket.h>");
            foreach (var h in new[] { "netlink", "rtnetlink", "if_link", "if_addr", "fib_rules", "xfrm", "udp", "if" })
            {
                source.Append("#include <linux/").Append(h).AppendLine(".h>");
            }

            source.AppendLine("#include <stddef.h>\n#include <stdio.h>\nint main(void) {");
            foreach (var t in Structs())
            {
                var c = CTypeName(t);
                source.Append(CultureInfo.InvariantCulture, $"  printf(\"sizeof {t.Name} %lld\\n\", (long long)sizeof({c}));\n");
                foreach (var f in Fields(t))
                {
                    source.Append(CultureInfo.InvariantCulture, $"  printf(\"offsetof {t.Name}.{f.Name} %lld\\n\", (long long)offsetof({c}, {f.Name}));\n");
                }
            }

            foreach (var f in Constants())
            {
                source.Append(CultureInfo.InvariantCulture, $"  printf(\"const {f.Name} %lld\\n\", (long long){f.Name});\n");
            }

            source.AppendLine("  return 0;\n}");
            var c_file = Path.Combine(dir.FullName, "probe.c");
            var exe = Path.Combine(dir.FullName, "probe");
            File.WriteAllText(c_file, source.ToString());

            var (rc, output, error) = Exec("gcc", $"-Wall -Werror -o {exe} {c_file}");
            if (rc != 0)
            {
                throw new InvalidOperationException($"gcc failed (is linux-libc-dev installed?):\n{error}\n{output}");
            }

            (rc, output, error) = Exec(exe, "");
            if (rc != 0)
            {
                throw new InvalidOperationException($"probe failed: {error}");
            }

            var result = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split(' ');
                result[parts[0] + " " + parts[1]] = long.Parse(parts[2], CultureInfo.InvariantCulture);
            }

            return result;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static (int Rc, string Out, string Err) Exec(string file, string args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr);
    }

    public static int ManagedSize(Type t) =>
        (int)typeof(System.Runtime.CompilerServices.Unsafe).GetMethod(nameof(System.Runtime.CompilerServices.Unsafe.SizeOf))!
            .MakeGenericMethod(t).Invoke(null, null)!;

    public static int MarshalOffset(Type t, FieldInfo f) => (int)Marshal.OffsetOf(t, f.Name);
}
