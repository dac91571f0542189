using System.Diagnostics;
using System.Net;
using System.Text;
using Tessera.TestSupport;

namespace Tessera.Identity.Tests.Support;

/// <summary>
/// The Identity sample as the README runs it: <c>dotnet Tessera.Identity.dll --urls http://HOST:PORT</c> in Development
/// (the library's development secret, kept under the working directory here) in a working directory of its own, where
/// its two SQLite databases go; a real Kestrel socket on an OS-assigned port.
/// </summary>
public sealed class IdentitySampleServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private IdentitySampleServer(Process process, Uri address, string workingDirectory)
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

    /// <summary>Starts the sample; <paramref name="environment"/> adds configuration such as <c>Identity__SecurityStamp__ValidationInterval</c>.</summary>
    public static async Task<IdentitySampleServer> StartAsync(string host = "127.0.0.1", IDictionary<string, string>? environment = null)
    {
        var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var dll = Path.Combine(TestPaths.RepoRoot, "samples", "Tessera.Identity", "bin", configuration, "net10.0", "Tessera.Identity.dll");
        Assert.True(File.Exists(dll), $"The sample is not built: {dll} is missing (dotnet build samples/Tessera.Identity -c {configuration}).");
        var workingDirectory = Directory.CreateTempSubdirectory("tessera-identity-").FullName;
        var address = new Uri($"http://{host}:{LoopbackPort.Free()}");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add(address.ToString().TrimEnd('/'));
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        psi.Environment["XDG_DATA_HOME"] = workingDirectory;
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the Identity sample");
        var server = new IdentitySampleServer(process, address, workingDirectory);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var i = 0; i < 600; i++)
        {
            if (process.HasExited)
            {
                process.WaitForExit();
                throw new InvalidOperationException($"The Identity sample exited with {process.ExitCode}: {server.Output}");
            }

            try
            {
                using var page = await server.Client.GetAsync("/");
                if (page.StatusCode == HttpStatusCode.OK)
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
        throw new TimeoutException("The Identity sample did not answer within 60 s: " + server.Output);
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
