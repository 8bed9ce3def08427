using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Serialization.Metadata;

namespace Concentrator.Host.Management;

/// <summary>The CLI's side of the management API: HTTP/1.1 over the Unix socket (one connection per verb), answers
/// read with the same source-generated JSON the endpoint writes. Failures come out as <see cref="ManagementException"/>
/// with a sentence for the operator.</summary>
internal sealed class ManagementClient : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http;

    public ManagementClient(string socket)
    {
        Socket = socket;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(s, ownsSocket: true);
                }
                catch
                {
                    s.Dispose();
                    throw;
                }
            },
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri("http://concentrator/"), Timeout = Timeout };
    }

    public string Socket { get; }

    /// <summary>The raw JSON of <paramref name="path"/> (for --json, written as it came).</summary>
    public Task<string> GetRawAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, r => r.Content.ReadAsStringAsync(cancellationToken), cancellationToken);

    /// <summary>The raw JSON of <paramref name="path"/> copied to <paramref name="output"/> as it comes, then a newline (for
    /// --json of the listings: 100,000 SAs are some 25 MB, never held here as one string).</summary>
    public Task CopyRawAsync(string path, TextWriter output, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, async r =>
        {
            var body = await r.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            if (ReferenceEquals(output, Console.Out))
            {
                // The process's own stdout: the bytes as they came (UTF-8 both ways), not decoded to text and encoded again.
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                await using (var stdout = Console.OpenStandardOutput())
                {
                    await body.CopyToAsync(stdout, 64 * 1024, cancellationToken).ConfigureAwait(false);
                }

                await output.WriteLineAsync().ConfigureAwait(false);
                return true;
            }

            using var reader = new StreamReader(body);
            var buffer = new char[16 * 1024];
            int n;
            while ((n = await reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await output.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            }

            await output.WriteLineAsync().ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task<string> PostRawAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, r => r.Content.ReadAsStringAsync(cancellationToken), cancellationToken);

    public Task<T> GetAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, async r => (await r.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false))!, cancellationToken);

    public Task<T> PostAsync<T>(string path, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, async r => (await r.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false))!, cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task<T> SendAsync<T>(HttpMethod method, string path, Func<HttpResponseMessage, Task<T>> read, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(method, path);
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException s)
        {
            throw s.SocketErrorCode switch
            {
                // ENOENT comes out as AddressNotAvailable: no socket file.
                SocketError.AddressNotAvailable =>
                    new ManagementException(ManagementFailure.NoDaemon, $"no concentrator is running: there is no socket {Socket} (or --socket names another)"),
                SocketError.ConnectionRefused =>
                    new ManagementException(ManagementFailure.NoDaemon, $"no concentrator is running: nothing listens on {Socket}"),
                SocketError.AccessDenied =>
                    new ManagementException(ManagementFailure.Refused, $"permission denied on {Socket}: run as root or as a member of concentrator.management.group"),
                _ => new ManagementException(ManagementFailure.NoDaemon, $"cannot reach the concentrator on {Socket}: {s.Message}"),
            };
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return await read(response).ConfigureAwait(false);
            }

            var error = await ErrorOf(response, cancellationToken).ConfigureAwait(false);
            throw response.StatusCode switch
            {
                HttpStatusCode.Forbidden => new ManagementException(ManagementFailure.Refused, $"refused by the concentrator: {error}"),
                HttpStatusCode.NotFound => new ManagementException(ManagementFailure.NotFound, error),
                HttpStatusCode.BadRequest => new ManagementException(ManagementFailure.Usage, error),
                HttpStatusCode.UnprocessableEntity => new ManagementException(ManagementFailure.Config, error),
                _ => new ManagementException(ManagementFailure.NoDaemon, $"the concentrator answered {(int)response.StatusCode}: {error}"),
            };
        }
    }

    private static async Task<string> ErrorOf(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return (await response.Content.ReadFromJsonAsync(ManagementJson.Default.ManagementError, cancellationToken).ConfigureAwait(false))?.Error
                ?? response.ReasonPhrase ?? "";
        }
        catch (System.Text.Json.JsonException)
        {
            return response.ReasonPhrase ?? "";
        }
    }
}

internal enum ManagementFailure
{
    NoDaemon,
    Refused,
    NotFound,
    Usage,
    Config,
}

/// <summary>A management request that failed, with what to tell the operator.</summary>
internal sealed class ManagementException(ManagementFailure failure, string message) : Exception(message)
{
    public ManagementFailure Failure { get; } = failure;
}
