using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tessera.TestSupport;

namespace Tessera.Demo.Tests.Support;

/// <summary>
/// The demo as the README runs it: <c>dotnet Tessera.Demo.dll --urls http://127.0.0.1:PORT</c> in a working directory of
/// its own (where its SQLite file and development secret go), on a real Kestrel socket with an OS-assigned port.
/// </summary>
public sealed class DemoServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private DemoServer(Process process, Uri address, string workingDirectory)
    {
        _process = process;
        Address = address;
        WorkingDirectory = workingDirectory;
        Client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = address };
    }

    public Uri Address { get; }

    public string WorkingDirectory { get; }

    public HttpClient Client { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static string DemoDll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
            var dll = Path.Combine(TestPaths.RepoRoot, "samples", "Tessera.Demo", "bin", configuration, "net10.0", "Tessera.Demo.dll");
            Assert.True(File.Exists(dll), $"The demo is not built: {dll} is missing (dotnet build samples/Tessera.Demo -c {configuration}).");
            return dll;
        }
    }

    /// <summary>
    /// Starts the demo; <paramref name="environment"/> adds configuration such as <c>Demo__Users__carol</c>;
    /// <paramref name="host"/> is the loopback address it listens on (<c>[::1]</c> for IPv6 clients), and
    /// <paramref name="alsoListenOn"/> a second URL it serves (e.g. IPv4 beside IPv6).
    /// </summary>
    public static async Task<DemoServer> StartAsync(IDictionary<string, string>? environment = null, string? workingDirectory = null, string host = "127.0.0.1", Uri? alsoListenOn = null)
    {
        workingDirectory ??= Directory.CreateTempSubdirectory("tessera-demo-").FullName;
        var port = LoopbackPort.Free();
        var address = new Uri($"http://{host}:{port}");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(DemoDll);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add(address.ToString().TrimEnd('/') + (alsoListenOn is null ? "" : ";" + alsoListenOn.ToString().TrimEnd('/')));
        // Without a configured secret the demo runs as in 'dotnet run' (Development: Tessera's development secret), kept
        // under the working directory instead of the user's local app data.
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = environment?.ContainsKey("Tessera__Secrets__0") == true ? "Production" : "Development";
        psi.Environment["XDG_DATA_HOME"] = workingDirectory;
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the demo");
        var server = new DemoServer(process, address, workingDirectory);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        for (var i = 0; i < 600; i++)
        {
            if (process.HasExited)
            {
                // Without a timeout, WaitForExit also waits until the redirected output has been read to its end.
                process.WaitForExit();
                throw new InvalidOperationException($"The demo exited with {process.ExitCode}: {server.Output}");
            }

            try
            {
                using var health = await server.Client.GetAsync("/health");
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        await server.DisposeAsync();
        throw new TimeoutException("The demo did not answer /health within 60 s: " + server.Output);
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
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }


    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
