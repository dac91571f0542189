using System.Diagnostics;
using System.Text;

namespace Tessera.TestSupport;

/// <summary>
/// A sample site run as the README runs it: <c>dotnet SAMPLE.dll --urls URLS</c> in a working directory of its own, its
/// output kept for failure messages, and killed with its children when disposed.
/// </summary>
public sealed class SampleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SampleProcess(Process process) => _process = process;

    /// <summary>What the process wrote to standard output and error so far.</summary>
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

    /// <summary>The built <c>samples/NAME/bin/CONFIGURATION/net10.0/NAME.dll</c>, in the tests' own configuration.</summary>
    public static string Dll(string sample)
    {
        var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var dll = Path.Combine(TestPaths.RepoRoot, "samples", sample, "bin", configuration, "net10.0", sample + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"The sample is not built: {dll} is missing (dotnet build samples/{sample} -c {configuration}).", dll);
    }

    /// <summary>Starts <paramref name="dll"/> and waits (60 s at most) until <paramref name="isReady"/> answers true.</summary>
    public static async Task<SampleProcess> StartAsync(string dll, string urls, string workingDirectory, IEnumerable<KeyValuePair<string, string>> environment, Func<Task<bool>> isReady)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add(urls);
        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }

        var name = Path.GetFileNameWithoutExtension(dll);
        var sample = new SampleProcess(Process.Start(psi) ?? throw new InvalidOperationException("could not start " + name));
        var process = sample._process;
        process.OutputDataReceived += (_, e) => sample.Append(e.Data);
        process.ErrorDataReceived += (_, e) => sample.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var i = 0; i < 600; i++)
        {
            if (process.HasExited)
            {
                // Without a timeout, WaitForExit also waits until the redirected output has been read to its end.
                process.WaitForExit();
                throw new InvalidOperationException($"{name} exited with {process.ExitCode}: {sample.Output}");
            }

            try
            {
                if (await isReady())
                {
                    return sample;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        await sample.DisposeAsync();
        throw new TimeoutException($"{name} did not answer within 60 s: {sample.Output}");
    }

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
