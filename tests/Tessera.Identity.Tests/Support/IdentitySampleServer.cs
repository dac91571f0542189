using System.Net;
using Tessera.TestSupport;

namespace Tessera.Identity.Tests.Support;

/// <summary>
/// The Identity sample as the README runs it: <c>dotnet Tessera.Identity.dll --urls http://HOST:PORT</c> in Development
/// (the library's development secret, kept under the working directory here) in a working directory of its own, where
/// its two SQLite databases go; a real Kestrel socket on an OS-assigned port.
/// </summary>
public sealed class IdentitySampleServer : IAsyncDisposable
{
    private readonly SampleProcess _process;

    private IdentitySampleServer(SampleProcess process, HttpClient client, string workingDirectory)
    {
        _process = process;
        Client = client;
        WorkingDirectory = workingDirectory;
    }

    public Uri Address => Client.BaseAddress!;

    public string WorkingDirectory { get; }

    public HttpClient Client { get; }

    public string Output => _process.Output;

    /// <summary>Starts the sample; <paramref name="environment"/> adds configuration such as <c>Identity__SecurityStamp__ValidationInterval</c>.</summary>
    public static async Task<IdentitySampleServer> StartAsync(string host = "127.0.0.1", IDictionary<string, string>? environment = null)
    {
        var workingDirectory = Directory.CreateTempSubdirectory("tessera-identity-").FullName;
        var address = new Uri($"http://{host}:{LoopbackPort.Free()}");
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
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
            var process = await SampleProcess.StartAsync(SampleProcess.Dll("Tessera.Identity"), address.ToString().TrimEnd('/'), workingDirectory, env, async () =>
            {
                using var page = await client.GetAsync("/");
                return page.StatusCode == HttpStatusCode.OK;
            });
            return new IdentitySampleServer(process, client, workingDirectory);
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
