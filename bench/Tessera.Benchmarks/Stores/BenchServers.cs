using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tessera.Benchmarks.Stores;

/// <summary>
/// PostgreSQL and Redis for the store benchmarks: the ones named by <c>TESSERA_TEST_POSTGRES</c> /
/// <c>TESSERA_TEST_REDIS</c>, or private ones started with <c>scripts/*.sh</c> on free ports and stopped after.
/// </summary>
internal sealed class BenchServers : IDisposable
{
    private readonly List<(string Script, string Pid)> _started = [];

    public string Postgres { get; }

    public string Redis { get; }

    public BenchServers()
    {
        Postgres = Environment.GetEnvironmentVariable("TESSERA_TEST_POSTGRES") is { Length: > 0 } pg ? pg
            : $"Host=127.0.0.1;Port={Start("postgres.sh", out _)};Username=tessera;Password=tessera;Database=tessera";
        Redis = Environment.GetEnvironmentVariable("TESSERA_TEST_REDIS") is { Length: > 0 } redis ? redis
            : $"127.0.0.1:{Start("redis.sh", out _)}";
    }

    public void Dispose()
    {
        foreach (var (script, pid) in _started)
        {
            Run(script, "stop", pid);
        }
    }

    private int Start(string script, out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        _started.Add((script, Run(script, "start", port.ToString()).Trim().Split('\n')[^1]));
        return port;
    }

    private static string Run(string script, params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true };
        info.ArgumentList.Add(Path.Combine(RepoRoot(), "scripts", script));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {string.Join(' ', args)} failed with exit code {process.ExitCode}");
        }

        return output;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tessera.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Tessera.slnx not found above " + AppContext.BaseDirectory);
    }
}
