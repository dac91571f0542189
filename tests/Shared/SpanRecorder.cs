using System.Collections.Concurrent;
using System.Diagnostics;

namespace Tessera.TestSupport;

/// <summary>Records every span of the <c>Tessera</c> activity source while it lives (other tests' spans too: filter them).</summary>
internal sealed class SpanRecorder : IDisposable
{
    private readonly ActivityListener _listener;

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Tessera",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ConcurrentQueue<Activity> Spans { get; } = new();

    /// <summary>The stopped spans of the traces in which a store span named <paramref name="storeName"/> ran.</summary>
    public IReadOnlyList<Activity> TracesOfStore(string storeName)
    {
        var all = Spans.ToArray();
        var traces = all.Where(a => (string?)a.GetTagItem("tessera.store.name") == storeName).Select(a => a.TraceId).ToHashSet();
        return [.. all.Where(a => traces.Contains(a.TraceId))];
    }

    public void Dispose() => _listener.Dispose();
}
