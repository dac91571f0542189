using System.Diagnostics.Tracing;
using System.Globalization;

namespace Tessera.Benchmarks.RequestPath;

/// <summary>
/// Where a request's allocations go, by type: runs one case of <see cref="RequestPipeline"/> many times under an
/// <see cref="EventListener"/> on the runtime's GC AllocationTick events (one sample per ~100 KB allocated, with the
/// type that crossed the threshold), and prints exact bytes per request (the thread's allocation counter; the memory
/// store completes synchronously) plus the sampled share of each type.
/// <c>dotnet run -c Release --project bench/Tessera.Benchmarks -- alloc-trace MODE PATH [requests]</c>
/// </summary>
public sealed class AllocationTrace : EventListener
{
    private readonly Dictionary<string, long> _bytesByType = [];
    private long _samples;

    public static async Task RunAsync(string mode, string path, int requests)
    {
        await using var pipeline = await RequestPipeline.StartAsync(mode);
        var cookie = path == "/plain-no-cookie" ? null : pipeline.Cookie;
        path = path == "/plain-no-cookie" ? "/plain" : path;
        for (var i = 0; i < 2000; i++)
        {
            await pipeline.SendAsync(path, cookie); // warm-up: JIT, tiering, pools
        }

        using var trace = new AllocationTrace();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < requests; i++)
        {
            await pipeline.SendAsync(path, cookie);
        }

        var perRequest = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)requests;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{mode} {path}{(cookie is null ? " (no cookie)" : "")}: {perRequest:F0} bytes allocated per request (this thread, {requests} requests)"));
        Console.WriteLine();
        Console.WriteLine("| type (sampled by GC AllocationTick) | share |");
        Console.WriteLine("| --- | ---: |");
        lock (trace._bytesByType)
        {
            var total = Math.Max(1, trace._bytesByType.Values.Sum());
            foreach (var (type, bytes) in trace._bytesByType.OrderByDescending(p => p.Value).Take(25))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| `{type}` | {100.0 * bytes / total:F1} % |"));
            }

            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{trace._samples} samples."));
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword: AllocationTick
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.Payload is null)
        {
            return;
        }

        var type = eventData.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload[t] as string ?? "?" : "?";
        var amount = eventData.PayloadNames!.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload[a], CultureInfo.InvariantCulture) : 100_000;
        lock (_bytesByType)
        {
            _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + amount;
            _samples++;
        }
    }
}
