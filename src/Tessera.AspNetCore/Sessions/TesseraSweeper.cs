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
    IServiceProvider services, IOptions<TesseraOptions> tessera, IOptions<TesseraSweeperOptions> options, TimeProvider time, ILogger<TesseraSweeper> logger) : BackgroundService
{
    private IExpiredSessionSweeper? _sweeper;
    private PeriodicTimer? _timer;

    /// <summary>Decides and starts the clock at start-up, so the first interval counts from here.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o.Enabled != false && tessera.Value.Mode != TesseraMode.Cookie
            && services.GetService(typeof(ISessionStore)) is IExpiredSessionSweeper sweeper && (o.Enabled == true || !sweeper.ExpiresNatively))
        {
            _sweeper = sweeper;
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

        var store = _sweeper.GetType().Name;
        try
        {
            while (await _timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await SweepOnceAsync(_sweeper, store, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutting down.
        }
    }

    private async Task SweepOnceAsync(IExpiredSessionSweeper sweeper, string store, CancellationToken stoppingToken)
    {
        var started = time.GetTimestamp();
        try
        {
            var count = await sweeper.SweepAsync(stoppingToken).ConfigureAwait(false);
            var elapsed = time.GetElapsedTime(started);
            var tag = new KeyValuePair<string, object?>("store", store);
            TesseraHttpMetrics.SweptSessions.Add(count, tag);
            TesseraHttpMetrics.SweepDuration.Record(elapsed.TotalSeconds, tag, new("outcome", "success"));
            Log.Swept(logger, store, count, elapsed.TotalMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            TesseraHttpMetrics.SweepDuration.Record(time.GetElapsedTime(started).TotalSeconds, new("store", store), new("outcome", "error"));
            Log.SweepFailed(logger, store, ex);
        }
    }
}
