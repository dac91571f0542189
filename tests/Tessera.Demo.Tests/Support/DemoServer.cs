using Tessera.TestSupport;

namespace Tessera.Demo.Tests.Support;

/// <summary>
/// The demo as the README runs it: <c>dotnet Tessera.Demo.dll --urls http://127.0.0.1:PORT</c> in a working directory of
/// its own (where its SQLite file and development secret go), on a real Kestrel socket with an OS-assigned port.
/// </summary>
public static class DemoServer
{
    /// <summary>
    /// Starts the demo; <paramref name="environment"/> adds configuration such as <c>Demo__Users__carol</c>;
    /// <paramref name="host"/> is the loopback address it listens on (<c>[::1]</c> for IPv6 clients), and
    /// <paramref name="alsoListenOn"/> a second URL it serves (e.g. IPv4 beside IPv6).
    /// </summary>
    public static Task<SampleServer> StartAsync(IDictionary<string, string>? environment = null, string? workingDirectory = null, string host = "127.0.0.1", Uri? alsoListenOn = null)
    {
        // Without a configured secret the demo runs as in 'dotnet run' (Development: Tessera's development secret).
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = environment?.ContainsKey("Tessera__Secrets__0") == true ? "Production" : "Development",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        return SampleServer.StartAsync("Tessera.Demo", "/health", env, workingDirectory ?? Directory.CreateTempSubdirectory("tessera-demo-").FullName, host, alsoListenOn);
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
}
