using System.Diagnostics;
using System.Text;
using Tessera.StoreTesting;
using Tessera.TestSupport;

namespace Tessera.Fleet.Tests;

/// <summary>
/// One server of the fleet: the demo site (samples/Tessera.Demo, as built beside these tests) in its own process
/// on a free loopback port, configured through environment variables as an operator would.
/// </summary>
public sealed class DemoInstance : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private DemoInstance(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    /// <summary>Where the instance listens, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Everything the instance wrote to stdout and stderr so far (its console log).</summary>
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

    /// <summary>
    /// Starts the demo on <paramref name="provider"/> (<c>PostgreSql</c>, <c>Redis</c>, <c>Sqlite</c>) and waits until it
    /// answers; <paramref name="environment"/> adds settings such as <c>Demo__UsersDatabase</c>.
    /// </summary>
    public static async Task<DemoInstance> StartAsync(string provider, string connectionString, string secret, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dll = DemoDll();
        var port = LoopbackPort.Free();
        var url = $"http://127.0.0.1:{port}";
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(url);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Tessera__Store__Provider"] = provider;
        info.Environment["Tessera__Store__ConnectionString"] = connectionString;
        info.Environment["Tessera__Secrets__0"] = secret;
        // Plain HTTP on loopback: the cookies must not be Secure or the client would not send them back.
        info.Environment["Tessera__Cookie__SecurePolicy"] = "None";
        info.Environment["AuthTkt__Secure"] = "false";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Tessera"] = "Debug";
        info.Environment["Logging__Console__DisableColors"] = "true";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the demo");
        var instance = new DemoInstance(process, new Uri(url + "/"));
        process.OutputDataReceived += (_, e) => instance.Append(e.Data);
        process.ErrorDataReceived += (_, e) => instance.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The demo exited with code {process.ExitCode} at start-up:\n{instance.Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(instance.BaseAddress, "api/session"));
                if (response.IsSuccessStatusCode)
                {
                    return instance;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Slow start on a busy machine.
            }

            await Task.Delay(200);
        }

        await instance.DisposeAsync();
        throw new TimeoutException($"The demo did not answer on {url} within 60 s:\n{instance.Output}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static string DemoDll()
    {
        // bin/<Configuration>/net10.0/ of this test assembly names the configuration the demo was built in too.
        var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var configuration = testDir.Parent!.Name;
        var dll = Path.Combine(TestPaths.RepoRoot, "samples", "Tessera.Demo", "bin", configuration, testDir.Name, "Tessera.Demo.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"The demo is not built: {dll}. Build the solution (./test.sh does).", dll);
    }
}
