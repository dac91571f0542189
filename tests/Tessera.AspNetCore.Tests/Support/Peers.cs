using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Tessera.TestSupport;

namespace Tessera.AspNetCore.Tests.Support;

/// <summary>Runs the real peers in ../shared/peers; a missing peer fails the test with a clear message.</summary>
public static class Peers
{
    public const string Python = "/usr/bin/python3";


    /// <summary>Runs the Beaker peer (make.py) and returns its JSON answer.</summary>
    public static JsonObject PyCookies(params string[] args)
    {
        var script = TestPaths.SharedFile("peers", "pycookies", "make.py");
        Assert.True(File.Exists(Python), $"{Python} (Debian's python3 with python3-beaker) is required for this test.");
        var (code, stdout, stderr) = Run(Python, [script, .. args]);
        Assert.True(code == 0, $"make.py {string.Join(' ', args)} failed ({code}): {stderr}");
        return JsonNode.Parse(stdout)!.AsObject();
    }

    public static (int Code, string Stdout, string Stderr) Run(string file, IEnumerable<string> args, int timeoutMs = 60_000)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutMs))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish in {timeoutMs} ms");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>A throw-away Apache httpd with mod_auth_tkt (../shared/peers/authtkt/serve.sh), stopped by its PID.</summary>
public sealed class ApacheAuthTkt : IDisposable
{
    private readonly string _script;
    private readonly string _pid;

    private ApacheAuthTkt(string script, string pid, int port)
    {
        _script = script;
        _pid = pid;
        Address = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri Address { get; }

    public static ApacheAuthTkt Start(string secret, params string[] options)
    {
        var script = TestPaths.SharedFile("peers", "authtkt", "serve.sh");
        var port = LoopbackPort.Free();
        var (code, stdout, stderr) = Peers.Run("bash", [script, "start", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--secret", secret, .. options]);
        Assert.True(code == 0, $"serve.sh start failed ({code}): Apache with mod_auth_tkt is required for this test. {stderr}");
        var pid = stdout.Trim().Split('\n').Last().Trim();
        var apache = new ApacheAuthTkt(script, pid, port);
        using var client = new HttpClient();
        for (var i = 0; i < 200; i++)
        {
            try
            {
                if (client.GetAsync(new Uri(apache.Address, "/_tkt/health")).Result.IsSuccessStatusCode)
                {
                    return apache;
                }
            }
            catch (HttpRequestException)
            {
            }

            Thread.Sleep(100);
        }

        apache.Dispose();
        throw new InvalidOperationException("Apache did not answer /_tkt/health");
    }

    public void Dispose() => Peers.Run("bash", [_script, "stop", _pid]);
}
