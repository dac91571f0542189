using Tessera.TestSupport;

namespace Tessera.Fleet.Tests;

/// <summary>
/// One server of the fleet: the demo site (samples/Tessera.Demo, as built beside these tests) in its own process
/// on a free loopback port, configured through environment variables as an operator would.
/// </summary>
public sealed class DemoInstance : IAsyncDisposable
{
    private readonly SampleProcess _process;

    private DemoInstance(SampleProcess process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    /// <summary>Where the instance listens, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Everything the instance wrote to stdout and stderr so far (its console log).</summary>
    public string Output => _process.Output;

    /// <summary>
    /// Starts the demo on <paramref name="provider"/> (<c>PostgreSql</c>, <c>Redis</c>, <c>Sqlite</c>) and waits until it
    /// answers; <paramref name="environment"/> adds settings such as <c>Demo__UsersDatabase</c>.
    /// </summary>
    public static async Task<DemoInstance> StartAsync(string provider, string connectionString, string secret, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dll = SampleProcess.Dll("Tessera.Demo");
        var baseAddress = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}/");
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Tessera__Store__Provider"] = provider,
            ["Tessera__Store__ConnectionString"] = connectionString,
            ["Tessera__Secrets__0"] = secret,
            // Plain HTTP on loopback: the cookies must not be Secure or the client would not send them back.
            ["Tessera__Cookie__SecurePolicy"] = "None",
            ["AuthTkt__Secure"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Tessera"] = "Debug",
            ["Logging__Console__DisableColors"] = "true",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var process = await SampleProcess.StartAsync(dll, baseAddress.ToString().TrimEnd('/'), Path.GetDirectoryName(dll)!, env, async () =>
        {
            try
            {
                using var response = await http.GetAsync(new Uri(baseAddress, "api/session"));
                return response.IsSuccessStatusCode;
            }
            catch (TaskCanceledException)
            {
                return false; // Slow start on a busy machine.
            }
        });
        return new DemoInstance(process, baseAddress);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
