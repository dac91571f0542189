using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
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

    /// <summary>
    /// GET <paramref name="path"/> with <paramref name="cookieHeader"/> sent as its UTF-8 bytes over a bare socket, so no HTTP
    /// client validates, trims or re-encodes it. Returns the status code and the Location header.
    /// </summary>
    public async Task<(int Status, string? Location)> GetWithRawCookieAsync(string path, string cookieHeader)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, BaseUri.Port);
        var stream = client.GetStream();
        var request = Encoding.UTF8.GetBytes($"GET /{path} HTTP/1.0\r\nHost: 127.0.0.1\r\nCookie: {cookieHeader}\r\n\r\n");
        await stream.WriteAsync(request);
        using var reader = new StreamReader(stream, Encoding.Latin1);
        var response = await reader.ReadToEndAsync();  // HTTP/1.0 without keep-alive: Apache closes after the answer
        var lines = response.Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var location = lines.FirstOrDefault(l => l.StartsWith("Location: ", StringComparison.OrdinalIgnoreCase))?["Location: ".Length..];
        return (status, location);
    }


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
