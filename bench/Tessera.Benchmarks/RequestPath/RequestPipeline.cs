using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Tessera.HttpBench;

namespace Tessera.Benchmarks.RequestPath;

/// <summary>
/// One application's middleware pipeline (no Kestrel, no sockets), driven with a fresh <see cref="DefaultHttpContext"/>
/// per request: what a request costs in the session middleware and the endpoint's session calls, and nothing else.
/// The endpoint is the one bench/http uses: <c>/work</c> reads and writes a counter, <c>/read</c> reads a value,
/// <c>/plain</c> does not touch the session.
/// </summary>
public sealed class RequestPipeline : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RequestDelegate _pipeline;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tessera-requestpath-" + Guid.NewGuid().ToString("N"));

    private RequestPipeline(string mode)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var session = SessionBenchApp.AddSessions(builder.Services, mode, _directory);
        if (!session && mode != "bare")
        {
            throw new ArgumentException($"unknown mode '{mode}'", nameof(mode));
        }

        _app = builder.Build();
        if (session)
        {
            SessionBenchApp.UseSessions(_app, mode);
        }

        _app.Run(EndpointAsync);
        _pipeline = ((IApplicationBuilder)_app).Build();
    }

    /// <summary>The modes: bare, or one of <see cref="SessionBenchApp"/>'s.</summary>
    public static async Task<RequestPipeline> StartAsync(string mode)
    {
        var pipeline = new RequestPipeline(mode);
        if (mode != "bare")
        {
            var init = await pipeline.SendAsync("/init", null);
            pipeline.Cookie = string.Join("; ", init.Response.Headers.SetCookie.Select(h => h!.Split(';')[0]));
            if (pipeline.Cookie.Length == 0)
            {
                throw new InvalidOperationException($"{mode}: /init set no cookie.");
            }
        }

        return pipeline;
    }

    /// <summary>The Cookie header of the session made by /init.</summary>
    public string? Cookie { get; private set; }

    /// <summary>Runs one GET request through the pipeline.</summary>
    public async Task<HttpContext> SendAsync(string path, string? cookie)
    {
        var response = new StartingResponseFeature();
        var context = new DefaultHttpContext { RequestServices = _app.Services };
        context.Features.Set<IHttpResponseFeature>(response);
        context.Request.Method = "GET";
        context.Request.Path = path;
        if (cookie is not null)
        {
            context.Request.Headers.Cookie = cookie;
        }

        context.Response.Body = Stream.Null;
        await _pipeline(context);
        await response.StartAsync(); // as a server does at the first write or at the end: runs the OnStarting callbacks
        if (context.Response.StatusCode != 200)
        {
            throw new InvalidOperationException($"{path}: status {context.Response.StatusCode}.");
        }

        return context;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static async Task EndpointAsync(HttpContext c)
    {
        switch (c.Request.Path.Value)
        {
            case "/init":
                await SessionBenchApp.InitAsync(c);
                break;
            case "/work":
                await SessionBenchApp.WorkAsync(c);
                break;
            case "/read":
                if (!await SessionBenchApp.ReadAsync(c))
                {
                    throw new InvalidOperationException("/read: the session did not load.");
                }

                break;
        }
    }

    /// <summary>A response that runs its OnStarting callbacks when told to, as Kestrel does (DefaultHttpContext's never runs them).</summary>
    private sealed class StartingResponseFeature : HttpResponseFeature
    {
        private readonly Stack<(Func<object, Task> Callback, object State)> _starting = new();

        public override void OnStarting(Func<object, Task> callback, object state) => _starting.Push((callback, state));

        public async Task StartAsync()
        {
            while (_starting.TryPop(out var entry))
            {
                await entry.Callback(entry.State);
            }
        }
    }
}
