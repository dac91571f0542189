using System.Diagnostics;
using System.Runtime.CompilerServices;
using Tessera.Diagnostics;
using Tessera.Sessions;

namespace Tessera.Stores;

/// <summary>
/// The one place store calls are measured: wraps a store so every call records <c>tessera.store.operation.duration</c>
/// (<c>tessera.store.name</c>, <c>tessera.store.operation</c>, <c>tessera.store.outcome</c>, and <c>error.type</c> on a
/// failure) and runs in a <c>tessera.store.*</c> span. <see cref="SessionStoreFactory"/> wraps every store it opens.
/// It exposes exactly the optional capabilities the inner store has (see <see cref="Wrap"/>). With neither a metrics
/// listener nor a span listener, a call goes straight to the inner store.
/// </summary>
internal abstract class InstrumentedSessionStore : ISessionStore, IAsyncDisposable, IDisposable
{
    private readonly ISessionStore _inner;
    private readonly TesseraMetrics _metrics;

    private InstrumentedSessionStore(ISessionStore inner, TesseraMetrics metrics)
    {
        _inner = inner;
        _metrics = metrics;
    }

    /// <summary>The store being measured.</summary>
    public ISessionStore Inner => _inner;

    public string Name => _inner.Name;

    public bool ExpiresNatively => _inner is IExpiredSessionSweeper { ExpiresNatively: true };

    private bool Measured => _metrics.StoreOperationDuration.Enabled || TesseraMeter.ActivitySource.HasListeners();

    /// <summary>
    /// Wraps <paramref name="store"/> (unless it is wrapped already) in the class that implements the same optional
    /// capabilities: C# cannot implement an interface conditionally, so there is one small class per combination.
    /// </summary>
    public static ISessionStore Wrap(ISessionStore store, TesseraMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store is InstrumentedSessionStore)
        {
            return store;
        }

        var capabilities = (store is IUserSessionIndex ? 1 : 0) | (store is IExpiredSessionSweeper ? 2 : 0)
            | (store is ISessionStoreStatistics ? 4 : 0) | (store is ISessionStoreKeyCheck ? 8 : 0);
        return capabilities switch
        {
            0 => new Plain(store, metrics),
            1 => new I(store, metrics),
            2 => new W(store, metrics),
            3 => new IW(store, metrics),
            4 => new S(store, metrics),
            5 => new IS(store, metrics),
            6 => new WS(store, metrics),
            7 => new IWS(store, metrics),
            8 => new K(store, metrics),
            9 => new IK(store, metrics),
            10 => new WK(store, metrics),
            11 => new IWK(store, metrics),
            12 => new SK(store, metrics),
            13 => new ISK(store, metrics),
            14 => new WSK(store, metrics),
            _ => new IWSK(store, metrics),
        };
    }

    public ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken) =>
        Measured ? MeasuredLoadAsync(key, cancellationToken) : _inner.LoadAsync(key, cancellationToken);

    public ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken) =>
        Measured ? MeasuredSaveAsync(record, expectedVersion, cancellationToken) : _inner.SaveAsync(record, expectedVersion, cancellationToken);

    public ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken) =>
        Measured ? MeasuredDeleteAsync(key, cancellationToken) : _inner.DeleteAsync(key, cancellationToken);

    public ValueTask<IReadOnlyList<SessionRecord>> ListByUserAsync(string userTag, CancellationToken cancellationToken) =>
        Measured ? MeasuredListByUserAsync(userTag, cancellationToken) : ((IUserSessionIndex)_inner).ListByUserAsync(userTag, cancellationToken);

    public ValueTask<int> DeleteByUserAsync(string userTag, SessionKey? except, CancellationToken cancellationToken) =>
        Measured ? MeasuredDeleteByUserAsync(userTag, except, cancellationToken) : ((IUserSessionIndex)_inner).DeleteByUserAsync(userTag, except, cancellationToken);

    public ValueTask<int> SweepAsync(CancellationToken cancellationToken) =>
        Measured ? MeasuredSweepAsync(cancellationToken) : ((IExpiredSessionSweeper)_inner).SweepAsync(cancellationToken);

    public ValueTask<SessionStoreStatistics> GetStatisticsAsync(CancellationToken cancellationToken) =>
        Measured ? MeasuredStatisticsAsync(cancellationToken) : ((ISessionStoreStatistics)_inner).GetStatisticsAsync(cancellationToken);

    public ValueTask<byte[]?> ReadKeyCheckAsync(CancellationToken cancellationToken) =>
        Measured ? MeasuredReadKeyCheckAsync(cancellationToken) : ((ISessionStoreKeyCheck)_inner).ReadKeyCheckAsync(cancellationToken);

    public ValueTask<bool> ReplaceKeyCheckAsync(byte[]? expected, byte[] value, CancellationToken cancellationToken) =>
        Measured ? MeasuredReplaceKeyCheckAsync(expected, value, cancellationToken) : ((ISessionStoreKeyCheck)_inner).ReplaceKeyCheckAsync(expected, value, cancellationToken);

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return _inner switch
        {
            IAsyncDisposable async => async.DisposeAsync(),
            IDisposable sync => DisposeSync(sync),
            _ => ValueTask.CompletedTask,
        };

        static ValueTask DisposeSync(IDisposable disposable)
        {
            disposable.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    public void Dispose()
    {
        GC.SuppressFinalize(this);
        (_inner as IDisposable)?.Dispose();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SessionRecord?> MeasuredLoadAsync(SessionKey key, CancellationToken cancellationToken)
    {
        var call = Start(StoreOperation.Load);
        try
        {
            var record = await _inner.LoadAsync(key, cancellationToken).ConfigureAwait(false);
            Stop(call, record is null ? "not_found" : "found");
            return record;
        }
        catch (Exception exception)
        {
            Fail(call, exception);
            throw;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SaveResult> MeasuredSaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken)
    {
        var call = Start(StoreOperation.Save);
        try
        {
            var result = await _inner.SaveAsync(record, expectedVersion, cancellationToken).ConfigureAwait(false);
            Stop(call, result == SaveResult.Saved ? "saved" : "conflict");
            return result;
        }
        catch (Exception exception)
        {
            Fail(call, exception);
            throw;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask MeasuredDeleteAsync(SessionKey key, CancellationToken cancellationToken)
    {
        var call = Start(StoreOperation.Delete);
        try
        {
            await _inner.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            Stop(call, "success");
        }
        catch (Exception exception)
        {
            Fail(call, exception);
            throw;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<IReadOnlyList<SessionRecord>> MeasuredListByUserAsync(string userTag, CancellationToken cancellationToken)
    {
        var call = Start(StoreOperation.ListByUser);
        try
        {
            var records = await ((IUserSessionIndex)_inner).ListByUserAsync(userTag, cancellationToken).ConfigureAwait(false);
            Stop(call, "success");
            return records;
        }
        catch (Exception exception)
        {
            Fail(call, exception);
            throw;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> MeasuredDeleteByUserAsync(string userTag, SessionKey? except, CancellationToken cancellationToken)
    {
        var call = Start(StoreOperation.DeleteByUser);
        try
        {
            var count = await ((IUserSessionIndex)_inner).DeleteByUserAsync(userTag, except, cancellationToken).ConfigureAwait(false);
            Stop(call, "success");
            return count;
        }
        catch (Exception exception)
        {
            Fail(call, exception);
            throw;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> MeasuredSweepAsync(CancellationToken cancellationToken)
    {
        var call = Start(StoreOperation.Sweep);
        try
        {
            var count = await ((IExpiredSessionSweeper)_inner).SweepAsync(cancellationToken).ConfigureAwait(false);
            Stop(call, "success");
            return count;
        }
        catch (Exception exception)
        {
            Fail(call, exception);
            throw;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SessionStoreStatistics> MeasuredStatisticsAsync(CancellationToken cancellationToken)
    {
        var call = Start(StoreOperation.Statistics);
        try
        {
            var statistics = await ((ISessionStoreStatistics)_inner).GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
            Stop(call, "success");
            return statistics;
        }
        catch (Exception exception)
        {
            Fail(call, exception);
            throw;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<byte[]?> MeasuredReadKeyCheckAsync(CancellationToken cancellationToken)
    {
        var call = Start(StoreOperation.ReadKeyCheck);
        try
        {
            var value = await ((ISessionStoreKeyCheck)_inner).ReadKeyCheckAsync(cancellationToken).ConfigureAwait(false);
            Stop(call, value is null ? "not_found" : "found");
            return value;
        }
        catch (Exception exception)
        {
            Fail(call, exception);
            throw;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> MeasuredReplaceKeyCheckAsync(byte[]? expected, byte[] value, CancellationToken cancellationToken)
    {
        var call = Start(StoreOperation.ReplaceKeyCheck);
        try
        {
            var replaced = await ((ISessionStoreKeyCheck)_inner).ReplaceKeyCheckAsync(expected, value, cancellationToken).ConfigureAwait(false);
            Stop(call, replaced ? "saved" : "conflict");
            return replaced;
        }
        catch (Exception exception)
        {
            Fail(call, exception);
            throw;
        }
    }

    private Call Start(StoreOperation operation)
    {
        var activity = TesseraMeter.ActivitySource.StartActivity(operation.SpanName, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("tessera.store.name", _inner.Name);
            activity.SetTag("tessera.store.operation", operation.Name);
        }

        return new Call(operation, activity, Stopwatch.GetTimestamp());
    }

    private void Stop(Call call, string outcome)
    {
        Record(call, outcome, errorType: null);
        call.Activity?.SetTag("tessera.store.outcome", outcome);
        call.Activity?.Dispose();
    }

    private void Fail(Call call, Exception exception)
    {
        Record(call, "error", TesseraMeter.ErrorType(exception));
        call.Activity?.SetTag("tessera.store.outcome", "error");
        TesseraMeter.Failed(call.Activity, exception);
        call.Activity?.Dispose();
    }

    private void Record(Call call, string outcome, string? errorType)
    {
        var histogram = _metrics.StoreOperationDuration;
        if (!histogram.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { "tessera.store.name", _inner.Name },
            { "tessera.store.operation", call.Operation.Name },
            { "tessera.store.outcome", outcome },
        };
        if (errorType is not null)
        {
            tags.Add("error.type", errorType);
        }

        histogram.Record(Stopwatch.GetElapsedTime(call.Started).TotalSeconds, tags);
    }

    private readonly record struct Call(StoreOperation Operation, Activity? Activity, long Started);

    private sealed record StoreOperation(string Name)
    {
        public static readonly StoreOperation Load = new("load");
        public static readonly StoreOperation Save = new("save");
        public static readonly StoreOperation Delete = new("delete");
        public static readonly StoreOperation ListByUser = new("list_by_user");
        public static readonly StoreOperation DeleteByUser = new("delete_by_user");
        public static readonly StoreOperation Sweep = new("sweep");
        public static readonly StoreOperation Statistics = new("statistics");
        public static readonly StoreOperation ReadKeyCheck = new("read_key_check");
        public static readonly StoreOperation ReplaceKeyCheck = new("replace_key_check");

        public string SpanName { get; } = "tessera.store." + Name;
    }

    // One class per combination of capabilities: I = IUserSessionIndex, W = IExpiredSessionSweeper (wipe),
    // S = ISessionStoreStatistics, K = ISessionStoreKeyCheck. The base class's public methods implement them.
    private sealed class Plain(ISessionStore inner, TesseraMetrics metrics) : InstrumentedSessionStore(inner, metrics);

    private sealed class I(ISessionStore inner, TesseraMetrics metrics) : InstrumentedSessionStore(inner, metrics), IUserSessionIndex;

    private sealed class W(ISessionStore inner, TesseraMetrics metrics) : InstrumentedSessionStore(inner, metrics), IExpiredSessionSweeper;

    private sealed class IW(ISessionStore inner, TesseraMetrics metrics) : InstrumentedSessionStore(inner, metrics), IUserSessionIndex, IExpiredSessionSweeper;

    private sealed class S(ISessionStore inner, TesseraMetrics metrics) : InstrumentedSessionStore(inner, metrics), ISessionStoreStatistics;

    private sealed class IS(ISessionStore inner, TesseraMetrics metrics) : InstrumentedSessionStore(inner, metrics), IUserSessionIndex, ISessionStoreStatistics;

    private sealed class WS(ISessionStore inner, TesseraMetrics metrics) : InstrumentedSessionStore(inner, metrics), IExpiredSessionSweeper, ISessionStoreStatistics;

    private sealed class IWS(ISessionStore inner, TesseraMetrics metrics) : InstrumentedSessionStore(inner, metrics), IUserSessionIndex, IExpiredSessionSweeper, ISessionStoreStatistics;

    private sealed class K(ISessionStore inner, TesseraMetrics metrics) : InstrumentedSessionStore(inner, metrics), ISessionStoreKeyCheck;

    private sealed class IK(ISessionStore inner, TesseraMetrics metrics) : InstrumentedSessionStore(inner, metrics), IUserSessionIndex, ISessionStoreKeyCheck;

    private sealed class WK(ISessionStore inner, TesseraMetrics metrics) : InstrumentedSessionStore(inner, metrics), IExpiredSessionSweeper, ISessionStoreKeyCheck;

    private sealed class IWK(ISessionStore inner, TesseraMetrics metrics) : InstrumentedSessionStore(inner, metrics), IUserSessionIndex, IExpiredSessionSweeper, ISessionStoreKeyCheck;

    private sealed class SK(ISessionStore inner, TesseraMetrics metrics) : InstrumentedSessionStore(inner, metrics), ISessionStoreStatistics, ISessionStoreKeyCheck;

    private sealed class ISK(ISessionStore inner, TesseraMetrics metrics) : InstrumentedSessionStore(inner, metrics), IUserSessionIndex, ISessionStoreStatistics, ISessionStoreKeyCheck;

    private sealed class WSK(ISessionStore inner, TesseraMetrics metrics) : InstrumentedSessionStore(inner, metrics), IExpiredSessionSweeper, ISessionStoreStatistics, ISessionStoreKeyCheck;

    private sealed class IWSK(ISessionStore inner, TesseraMetrics metrics) : InstrumentedSessionStore(inner, metrics), IUserSessionIndex, IExpiredSessionSweeper, ISessionStoreStatistics, ISessionStoreKeyCheck;
}
