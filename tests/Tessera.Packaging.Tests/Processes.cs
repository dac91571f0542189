using System.Diagnostics;
using System.Text;

namespace Tessera.Packaging.Tests;

/// <summary>Runs a command to completion, failing with its output when it fails or outlives its time.</summary>
internal static class Processes
{
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout, IDictionary<string, string>? environment = null)
    {
        using var process = Start(fileName, arguments, workingDirectory, environment, out var output);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{fileName} {string.Join(' ', arguments)}' did not finish within {timeout}:\n{output}");
        }

        process.WaitForExit(); // drains the output handlers
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{fileName} {string.Join(' ', arguments)}' exited with {process.ExitCode}:\n{output}");
        }

        return output.ToString();
    }

    /// <summary>Starts a long-running command; <paramref name="output"/> collects what it prints.</summary>
    public static Process Start(string fileName, IEnumerable<string> arguments, string workingDirectory, IDictionary<string, string>? environment, out StringBuilder output)
    {
        var info = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var collected = new StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(collected, e.Data);
        process.ErrorDataReceived += (_, e) => Append(collected, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = collected;
        return process;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
