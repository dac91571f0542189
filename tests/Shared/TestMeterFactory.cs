using System.Diagnostics.Metrics;

namespace Tessera.TestSupport;

/// <summary>
/// An <see cref="IMeterFactory"/> of its own for a test without a container: the meters it creates are scoped to it, so
/// a <c>MetricCollector</c> on it sees only this test's measurements while other tests run in parallel.
/// </summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    public void Dispose()
    {
        lock (_meters)
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }

            _meters.Clear();
        }
    }
}
