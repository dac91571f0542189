using System.Security.Cryptography;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Tessera.Sessions;

namespace Tessera.AspNetCore;

/// <summary>
/// Reports whether the session store answers, in constant time whatever it holds: the store's own probe
/// (<see cref="ISessionStoreProbe"/>: a round trip and a read of one known key), or else a load of a random key that
/// cannot exist. Never the statistics: counting scans every record (seconds at a million), and probes run every few
/// seconds. Unhealthy when the store throws.
/// </summary>
internal sealed class TesseraStoreHealthCheck : IHealthCheck
{
    private readonly ISessionStore _store;
    private readonly ILogger<TesseraStoreHealthCheck> _logger;

    /// <summary>Creates the check for <paramref name="store"/>.</summary>
    public TesseraStoreHealthCheck(ISessionStore store, ILogger<TesseraStoreHealthCheck> logger)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (_store is ISessionStoreProbe probe)
            {
                await probe.ProbeAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _store.LoadAsync(SessionKey.FromLookupId(RandomNumberGenerator.GetBytes(32)), cancellationToken).ConfigureAwait(false);
            }

            var data = new Dictionary<string, object> { ["store"] = _store.Name };
            return HealthCheckResult.Healthy($"Session store '{_store.Name}' answers.", data);
        }
        catch (SessionStoreException ex)
        {
            Log.HealthCheckFailed(_logger, _store.Name, ex);
            return new HealthCheckResult(context?.Registration.FailureStatus ?? HealthStatus.Unhealthy, $"Session store '{_store.Name}' failed.", ex);
        }
    }
}
