using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tessera.AspNetCore;
using Tessera.TestSupport;

namespace Tessera.Redis.Tests.Failover;

/// <summary>
/// A real ASP.NET Core application (Kestrel on 127.0.0.1) with Tessera server-mode sessions in Redis, and signed-in
/// clients that hammer it: every answer must be a 200 naming the client's own user, or a 503.
/// </summary>
public sealed class FailoverApp : IAsyncDisposable
{
    private const string Secret = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private readonly WebApplication _app;
    private readonly HttpClient _client;
    private readonly CookieJar[] _jars;
    private readonly ConcurrentQueue<string> _wrong = new();
    private readonly long[] _lastOk;
    private long _served, _unavailable;

    private FailoverApp(WebApplication app, Uri address, int clients)
    {
        _app = app;
        _client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        _jars = [.. Enumerable.Range(0, clients).Select(_ => new CookieJar())];
        _lastOk = new long[clients];
    }

    /// <summary>Answers that were neither a 200 for the client's own user nor a 503.</summary>
    public IReadOnlyCollection<string> Wrong => _wrong;

    /// <summary>What the application logged as errors (the cause of any 500).</summary>
    public ErrorLog Errors { get; private init; } = null!;

    public long Served => Interlocked.Read(ref _served);

    public long Unavailable => Interlocked.Read(ref _unavailable);

    public static async Task<FailoverApp> StartAsync(string connectionString, string keyPrefix, int clients)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var errors = new ErrorLog();
        builder.Logging.AddProvider(errors);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Tessera:Secrets:0"] = Secret, ["Tessera:Mode"] = "Server" });
        builder.Services.AddTessera().AddRedisStore(connectionString, o =>
        {
            o.KeyPrefix = keyPrefix;
            o.OperationTimeout = TimeSpan.FromSeconds(2);
            o.ReconnectInterval = TimeSpan.FromMilliseconds(200);
        });
        var app = builder.Build();
        app.UseTessera();
        app.MapPost("/signin/{user}", async (HttpContext c, string user) =>
        {
            await c.GetTesseraSession().SignInAsync(user, "v1");
            c.Session.SetString("owner", user);
            return "ok";
        });
        // Reads and writes the session on every request: a load and a compare-and-set save.
        app.MapPost("/touch", (HttpContext c) =>
        {
            c.Session.SetString("n", ((int.TryParse(c.Session.GetString("n"), out var n) ? n : 0) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return $"{c.GetTesseraSession().UserId ?? "(anonymous)"}/{c.Session.GetString("owner") ?? "(none)"}";
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var failover = new FailoverApp(app, new Uri(address), clients) { Errors = errors };
        for (var i = 0; i < clients; i++)
        {
            using var response = await failover._jars[i].PostAsync(failover._client, "/signin/" + User(i));
            response.EnsureSuccessStatusCode();
        }

        return failover;
    }

    /// <summary>Every client touches its session in a loop until <paramref name="stop"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, _jars.Length).Select(async i =>
        {
            while (!stop.IsCancellationRequested)
            {
                await TouchAsync(i);
            }
        }));

    /// <summary>Polls until every client has had a 200 that started after <paramref name="since"/>.</summary>
    public async Task WaitAllServedSinceAsync(long since, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_lastOk.Any(t => Interlocked.Read(ref t) <= since))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{_lastOk.Count(t => t <= since)} of {_jars.Length} clients were not served within {timeout} after the fault.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>One request per client, sequentially: each must be served as its own user.</summary>
    public async Task<string[]> CheckEveryClientAsync()
    {
        var wrong = new List<string>();
        for (var i = 0; i < _jars.Length; i++)
        {
            using var response = await _jars[i].PostAsync(_client, "/touch");
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK || body != $"{User(i)}/{User(i)}")
            {
                wrong.Add($"client {i}: {(int)response.StatusCode} {body}");
            }
        }

        return [.. wrong];
    }

    private async Task TouchAsync(int i)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            using var response = await _jars[i].PostAsync(_client, "/touch");
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK && body == $"{User(i)}/{User(i)}")
            {
                Interlocked.Increment(ref _served);
                InterlockedMax(ref _lastOk[i], started);
            }
            else if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Interlocked.Increment(ref _unavailable);
                await Task.Delay(20); // a client backs off a little after a 503
            }
            else
            {
                _wrong.Enqueue($"client {i}: {(int)response.StatusCode} {body}");
            }
        }
        catch (HttpRequestException e)
        {
            _wrong.Enqueue($"client {i}: {e.Message}");
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while ((current = Interlocked.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static string User(int i) => "user-" + i;

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
