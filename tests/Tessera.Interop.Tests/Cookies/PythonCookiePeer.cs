using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Cookies;
using Tessera.TestSupport;

namespace Tessera.Interop.Tests.Cookies;

/// <summary>
/// Runs Debian's /usr/bin/python3 with the real peers (shared/peers/pycookies/make.py, python3-nacl). A missing
/// interpreter or package fails the test with a message saying what to install: never a skip.
/// </summary>
internal static class PythonCookiePeer
{
    public const string Python = "/usr/bin/python3";

    public static string MakePy => TestPaths.SharedFile("peers", "pycookies", "make.py");

    /// <summary>Runs make.py with arguments (cookie values go through stdin) and parses its JSON answer.</summary>
    public static JsonObject Make(string stdin, params string[] args) => Run(stdin, [MakePy, .. args]);

    /// <summary>Runs an inline Python script that reads JSON on stdin and prints JSON.</summary>
    public static JsonNode Script(string script, JsonNode input) => Run(input.ToJsonString(), ["-c", script]);

    private static JsonObject Run(string stdin, string[] args)
    {
        if (!File.Exists(Python))
        {
            Assert.Fail($"{Python} is missing: install Debian's python3 with python3-beaker, python3-pycryptodome, python3-cryptography and python3-nacl (see shared/peers/pycookies/README.md).");
        }

        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + Python);
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        var stderrTask = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the Python peer did not answer within 120 s");
        }

        var stdout = stdoutTask.GetAwaiter().GetResult();
        var stderr = stderrTask.GetAwaiter().GetResult();
        if (process.ExitCode != 0 || stdout.Length == 0)
        {
            Assert.Fail($"the Python peer failed (exit {process.ExitCode}); a missing package (python3-beaker, python3-pycryptodome, python3-cryptography, python3-nacl) is a test failure:\n{stderr}\n{stdout}");
        }

        // The answer nests the session data a few levels down; deep sessions are part of the tests.
        return JsonNode.Parse(stdout, documentOptions: new JsonDocumentOptions { MaxDepth = JsonLimits.MaxDepth + 8 })!.AsObject();
    }
}
