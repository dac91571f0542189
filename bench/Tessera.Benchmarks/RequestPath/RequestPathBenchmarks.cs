using BenchmarkDotNet.Attributes;

namespace Tessera.Benchmarks.RequestPath;

/// <summary>
/// A whole request through the middleware pipeline (no network), against the bare pipeline as baseline: read+write,
/// read only and untouched, for the built-in session and Tessera's modes. Allocated bytes per request are exact; the
/// time ratios are within one run. <c>dotnet run -c Release --project bench/Tessera.Benchmarks -- --filter '*RequestPath*'</c>
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class RequestPathBenchmarks
{
    private readonly Dictionary<string, RequestPipeline> _pipelines = [];

    [GlobalSetup]
    public void Setup()
    {
        foreach (var mode in new[] { "bare", "aspnet-session", "tessera-cookie", "tessera-memory", "tessera-sqlite" })
        {
            _pipelines[mode] = RequestPipeline.StartAsync(mode).GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var pipeline in _pipelines.Values)
        {
            pipeline.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    [Benchmark(Baseline = true)]
    public Task Bare() => Send("bare", "/plain", withCookie: false);

    [Benchmark]
    public Task AspNetSessionReadWrite() => Send("aspnet-session", "/work");

    [Benchmark]
    public Task AspNetSessionRead() => Send("aspnet-session", "/read");

    [Benchmark]
    public Task TesseraCookieReadWrite() => Send("tessera-cookie", "/work");

    [Benchmark]
    public Task TesseraCookieRead() => Send("tessera-cookie", "/read");

    [Benchmark]
    public Task TesseraMemoryReadWrite() => Send("tessera-memory", "/work");

    [Benchmark]
    public Task TesseraMemoryRead() => Send("tessera-memory", "/read");

    [Benchmark]
    public Task TesseraMemoryUntouchedWithCookie() => Send("tessera-memory", "/plain");

    [Benchmark]
    public Task TesseraMemoryUntouchedNoCookie() => Send("tessera-memory", "/plain", withCookie: false);

    [Benchmark]
    public Task TesseraSqliteReadWrite() => Send("tessera-sqlite", "/work");

    [Benchmark]
    public Task TesseraSqliteRead() => Send("tessera-sqlite", "/read");

    [Benchmark]
    public Task TesseraSqliteUntouchedWithCookie() => Send("tessera-sqlite", "/plain");

    private Task<Microsoft.AspNetCore.Http.HttpContext> Send(string mode, string path, bool withCookie = true)
    {
        var pipeline = _pipelines[mode];
        return pipeline.SendAsync(path, withCookie ? pipeline.Cookie : null);
    }
}
