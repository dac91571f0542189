using System.Net;

namespace Tessera.TestSupport;

/// <summary>
/// A sample site (<see cref="SampleProcess"/>) on a real Kestrel socket with an OS-assigned loopback port, in a working
/// directory of its own (where its SQLite files and development secret go), with a client that keeps no cookies and
/// follows no redirects, so tests see every Set-Cookie and Location.
/// </summary>
public sealed class SampleServer : IAsyncDisposable
{
    private readonly SampleProcess _process;

    private SampleServer(SampleProcess process, HttpClient client, string workingDirectory)
    {
        _process = process;
        Client = client;
        WorkingDirectory = workingDirectory;
    }

    public Uri Address => Client.BaseAddress!;

    public string WorkingDirectory { get; }

    public HttpClient Client { get; }

    public string Output => _process.Output;

    /// <summary>
    /// Starts <c>samples/<paramref name="sample"/></c> and waits until GET <paramref name="readyPath"/> answers 200.
    /// The development secret is kept under the working directory (XDG_DATA_HOME), logging is at Warning;
    /// <paramref name="environment"/> adds or overrides settings. <paramref name="host"/> is the loopback address it listens
    /// on (<c>[::1]</c> for IPv6 clients), <paramref name="alsoListenOn"/> a second URL it serves.
    /// </summary>
    public static async Task<SampleServer> StartAsync(string sample, string readyPath, IEnumerable<KeyValuePair<string, string>> environment, string workingDirectory, string host = "127.0.0.1", Uri? alsoListenOn = null)
    {
        var address = new Uri($"http://{host}:{LoopbackPort.Free()}");
        var urls = address.ToString().TrimEnd('/') + (alsoListenOn is null ? "" : ";" + alsoListenOn.ToString().TrimEnd('/'));
        var env = new Dictionary<string, string>
        {
            ["XDG_DATA_HOME"] = workingDirectory,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in environment)
        {
            env[key] = value;
        }

        var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = address };
        try
        {
            var process = await SampleProcess.StartAsync(SampleProcess.Dll(sample), urls, workingDirectory, env, async () =>
            {
                using var ready = await client.GetAsync(readyPath);
                return ready.StatusCode == HttpStatusCode.OK;
            });
            return new SampleServer(process, client, workingDirectory);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.DisposeAsync();
    }
}
