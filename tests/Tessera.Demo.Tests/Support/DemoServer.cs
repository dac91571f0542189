using System.Net;
using Tessera.TestSupport;

namespace Tessera.Demo.Tests.Support;

/// <summary>
/// The demo as the README runs it: <c>dotnet Tessera.Demo.dll --urls http://127.0.0.1:PORT</c> in a working directory of
/// its own (where its SQLite file and development secret go), on a real Kestrel socket with an OS-assigned port.
/// </summary>
public sealed class DemoServer : IAsyncDisposable
{
    private readonly SampleProcess _process;

    private DemoServer(SampleProcess process, HttpClient client, string workingDirectory)
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
    /// Starts the demo; <paramref name="environment"/> adds configuration such as <c>Demo__Users__carol</c>;
    /// <paramref name="host"/> is the loopback address it listens on (<c>[::1]</c> for IPv6 clients), and
    /// <paramref name="alsoListenOn"/> a second URL it serves (e.g. IPv4 beside IPv6).
    /// </summary>
    public static async Task<DemoServer> StartAsync(IDictionary<string, string>? environment = null, string? workingDirectory = null, string host = "127.0.0.1", Uri? alsoListenOn = null)
    {
        workingDirectory ??= Directory.CreateTempSubdirectory("tessera-demo-").FullName;
        var address = new Uri($"http://{host}:{LoopbackPort.Free()}");
        var urls = address.ToString().TrimEnd('/') + (alsoListenOn is null ? "" : ";" + alsoListenOn.ToString().TrimEnd('/'));
        // Without a configured secret the demo runs as in 'dotnet run' (Development: Tessera's development secret), kept
        // under the working directory instead of the user's local app data.
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = environment?.ContainsKey("Tessera__Secrets__0") == true ? "Production" : "Development",
            ["XDG_DATA_HOME"] = workingDirectory,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = address };
        try
        {
            var process = await SampleProcess.StartAsync(SampleProcess.Dll("Tessera.Demo"), urls, workingDirectory, env, async () =>
            {
                using var health = await client.GetAsync("/health");
                return health.StatusCode == HttpStatusCode.OK;
            });
            return new DemoServer(process, client, workingDirectory);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>The settings most tests use: Secure off, since the tests speak plain http to 127.0.0.1.</summary>
    public static Dictionary<string, string> InsecureHttp(params (string Key, string Value)[] extra)
    {
        var env = new Dictionary<string, string> { ["Tessera__Cookie__SecurePolicy"] = "None", ["AuthTkt__Secure"] = "false" };
        foreach (var (k, v) in extra)
        {
            env[k] = v;
        }

        return env;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.DisposeAsync();
    }
}
