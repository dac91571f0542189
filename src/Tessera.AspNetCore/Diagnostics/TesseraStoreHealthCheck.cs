using System.Security.Cryptography;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Tessera.Sessions;

namespace Tessera.AspNetCore;

/// <summary>
/// Reports whether the session store answers: loads a random key that cannot exist (and, when the store can count,
/// its record counts). Unhealthy when the store throws.
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
            var probe = SessionKey.FromLookupId(RandomNumberGenerator.GetBytes(32));
            await _store.LoadAsync(probe, cancellationToken).ConfigureAwait(false);
            var data = new Dictionary<string, object> { ["store"] = _store.Name };
            if (_store is ISessionStoreStatistics statistics)
            {
                var counts = await statistics.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
                data["live"] = counts.Live;
                data["expired"] = counts.Expired;
            }

            return HealthCheckResult.Healthy($"Session store '{_store.Name}' answers.", data);
        }
        catch (SessionStoreException ex)
        {
            Log.HealthCheckFailed(_logger, _store.Name, ex);
            return new HealthCheckResult(context?.Registration.FailureStatus ?? HealthStatus.Unhealthy, $"Session store '{_store.Name}' failed.", ex);
        }
    }
}
