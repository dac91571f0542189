using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tessera.TestSupport;

namespace Tessera.Interop.Tests.Tickets;

/// <summary>One Apache httpd + mod_auth_tkt started through ../shared/peers/authtkt/serve.sh on a free loopback port.</summary>
public sealed class ApacheTktServer : IDisposable
{
    private readonly string _script;

    private ApacheTktServer(string script, int pid, int port)
    {
        _script = script;
        Pid = pid;
        BaseUri = new Uri($"http://127.0.0.1:{port}/");
    }

    public int Pid { get; }

    public Uri BaseUri { get; }

    /// <summary>Starts an instance; <paramref name="arguments"/> are serve.sh options (without --port). Fails loudly when Apache is missing.</summary>
    public static ApacheTktServer Start(IReadOnlyList<string> arguments)
    {
        var script = TestPaths.SharedFile("peers", "authtkt", "serve.sh");
        var port = LoopbackPort.Free();
        var (code, stdout, stderr) = Run(script, ["start", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. arguments]);
        if (code != 0 || !int.TryParse(stdout.Trim(), out var pid))
        {
            throw new InvalidOperationException(
                $"Could not start Apache mod_auth_tkt via {script} (exit {code}). Interop tests need the Debian packages apache2 and libapache2-mod-auth-tkt (and faketime).\nstdout: {stdout}\nstderr: {stderr}");
        }

        return new ApacheTktServer(script, pid, port);
    }

    public void Dispose() => Run(_script, ["stop", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);


    private static (int Code, string Stdout, string Stderr) Run(string script, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(script) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not run " + script);
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }
}
