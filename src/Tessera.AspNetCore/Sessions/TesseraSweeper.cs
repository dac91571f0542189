using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Sessions;

namespace Tessera.AspNetCore;

/// <summary>
/// Sweeps the store's expired sessions every <see cref="TesseraSweeperOptions.Interval"/> on the injected
/// <see cref="TimeProvider"/>. A failed sweep is logged and tried again at the next interval; it never stops the host.
/// Fleet members sweep concurrently without overlap beyond the store's own locking (PostgreSQL: <c>SKIP LOCKED</c>
/// batches; SQLite: one writer at a time, in short batches).
/// </summary>
internal sealed class TesseraSweeper(
    IServiceProvider services, IOptions<TesseraOptions> tessera, IOptions<TesseraSweeperOptions> options, TimeProvider time, TesseraHttpMetrics metrics, ILogger<TesseraSweeper> logger) : BackgroundService
{
    private IExpiredSessionSweeper? _sweeper;
    private string _store = "";
    private PeriodicTimer? _timer;

    /// <summary>Decides and starts the clock at start-up, so the first interval counts from here.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o.Enabled != false && tessera.Value.Mode != TesseraMode.Cookie
            && services.GetService(typeof(ISessionStore)) is ISessionStore store and IExpiredSessionSweeper sweeper && (o.Enabled == true || !sweeper.ExpiresNatively))
        {
            _sweeper = sweeper;
            _store = store.Name;
            _timer = new PeriodicTimer(o.Interval, time);
        }

        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_sweeper is null || _timer is null)
        {
            return;
        }

        try
        {
            while (await _timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await SweepOnceAsync(_sweeper, _store, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutting down.
        }
    }

    /// <summary>One sweep; its duration and outcome are on <c>tessera.store.operation.duration{tessera.store.operation=sweep}</c>.</summary>
    private async Task SweepOnceAsync(IExpiredSessionSweeper sweeper, string store, CancellationToken stoppingToken)
    {
        var started = time.GetTimestamp();
        try
        {
            var count = await sweeper.SweepAsync(stoppingToken).ConfigureAwait(false);
            metrics.SweptSessions.Add(count, new KeyValuePair<string, object?>("tessera.store.name", store));
            Log.Swept(logger, store, count, time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            Log.SweepFailed(logger, store, ex);
        }
    }
}
