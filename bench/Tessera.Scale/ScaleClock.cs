namespace Tessera.Scale;

/// <summary>The wall clock plus an offset the run moves forward, to make the filled records expire for the sweep.</summary>
internal sealed class ScaleClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
