using System.Diagnostics;

namespace Tessera.Scale;

/// <summary>Timed operations of one kind, in microseconds, and their percentiles.</summary>
internal sealed class Latencies
{
    private readonly List<double> _micros = [];

    public int Count => _micros.Count;

    public async Task<T> TimeAsync<T>(Func<ValueTask<T>> operation)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await operation().ConfigureAwait(false);
        _micros.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        return result;
    }

    public double Percentile(double p)
    {
        if (_micros.Count == 0)
        {
            return double.NaN;
        }

        var sorted = _micros.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
    }

    public double Max => _micros.Count == 0 ? double.NaN : _micros.Max();
}
