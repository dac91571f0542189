using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tessera.TestSupport;

namespace Tessera.StoreTesting;

/// <summary>
/// A PostgreSQL or Redis server for tests, started with <c>scripts/postgres.sh</c> / <c>scripts/redis.sh</c> on a
/// free loopback port and stopped by its PID. Failing to start one fails the test (never a skip).
/// </summary>
public sealed class TestServer : IDisposable
{
    private readonly string _script;
    private bool _stopped;

    private TestServer(string script, int port, int pid)
    {
        _script = script;
        Port = port;
        Pid = pid;
    }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>The server's process id (changes after <see cref="StopAsync"/> + <see cref="RestartAsync"/>).</summary>
    public int Pid { get; private set; }

    /// <summary>The server's directory, kept across <see cref="StopAsync"/> with keep = true.</summary>
    public string? Directory { get; private set; }

    /// <summary>The Npgsql connection string (PostgreSQL) or <c>127.0.0.1:PORT</c> (Redis).</summary>
    public string ConnectionString => _script == "postgres.sh"
        ? $"Host=127.0.0.1;Port={Port};Username=tessera;Password=tessera;Database=tessera"
        : $"127.0.0.1:{Port}";

    /// <summary>Starts a private PostgreSQL server (database, user and password <c>tessera</c>).</summary>
    public static Task<TestServer> StartPostgresAsync() => StartAsync("postgres.sh");

    /// <summary>Starts a private redis-server with persistence off.</summary>
    public static Task<TestServer> StartRedisAsync() => StartAsync("redis.sh");

    /// <summary>Asks the OS for a free loopback port.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Stops the server; with <paramref name="keep"/> its data directory stays for <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync(bool keep)
    {
        if (keep)
        {
            Directory = _script == "postgres.sh"
                ? (await RunAsync(_script, "dir", Pid.ToString()).ConfigureAwait(false)).Trim()
                : File.ResolveLinkTarget($"/proc/{Pid}/cwd", returnFinalTarget: false)?.FullName; // redis-server runs in its directory
            await RunAsync(_script, "stop", "--keep", Pid.ToString()).ConfigureAwait(false);
        }
        else
        {
            await RunAsync(_script, "stop", Pid.ToString()).ConfigureAwait(false);
            _stopped = true;
        }
    }

    /// <summary>Starts the server again from the directory kept by <see cref="StopAsync"/>, on the same port.</summary>
    public async Task RestartAsync()
    {
        var output = await RunAsync(_script, "restart-same", Directory ?? throw new InvalidOperationException("Stop with keep first.")).ConfigureAwait(false);
        Pid = int.Parse(output.Trim().Split('\n')[^1]);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        try
        {
            RunAsync(_script, "stop", Pid.ToString()).GetAwaiter().GetResult();
        }
        catch (InvalidOperationException)
        {
            // Already stopped by the test (a fault test that failed before restarting it): remove what it kept.
            if (Directory is { } kept && (File.Exists(Path.Combine(kept, ".tessera-redis")) || File.Exists(Path.Combine(kept, ".tessera-postgres"))))
            {
                System.IO.Directory.Delete(kept, recursive: true);
            }
        }
    }

    private static async Task<TestServer> StartAsync(string script)
    {
        var port = FreePort();
        var output = await RunAsync(script, "start", port.ToString()).ConfigureAwait(false);
        var pid = int.Parse(output.Trim().Split('\n')[^1]);
        return new TestServer(script, port, pid);
    }

    private static async Task<string> RunAsync(string script, params string[] args)
    {
        var path = Path.Combine(TestPaths.RepoRoot, "scripts", script);
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(path);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not run {path}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {string.Join(' ', args)} failed (exit {process.ExitCode}): {await stderr.ConfigureAwait(false)}");
        }

        return await stdout.ConfigureAwait(false);
    }
}
