using System.Reflection;
using System.Reflection.Emit;
using System.Security.Cryptography;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Tessera.Sessions;
using Tessera.Stores;
using Tessera.TestSupport;

namespace Tessera.Tests.Stores;

public sealed class InstrumentedSessionStoreTests : IDisposable
{
    private static readonly Type[] Capabilities = [typeof(IUserSessionIndex), typeof(IExpiredSessionSweeper), typeof(ISessionStoreStatistics), typeof(ISessionStoreKeyCheck)];

    private readonly TestMeterFactory _meters = new();

    public void Dispose() => _meters.Dispose();

    public static TheoryData<int> Combinations() => [.. Enumerable.Range(0, 1 << Capabilities.Length)];

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Create_EveryCombinationOfCapabilities_ExposesExactlyTheInnerStoresCapabilities(int mask)
    {
        var inner = StoreWith(mask);
        var store = Measured(inner);

        Assert.NotSame(inner, store);
        foreach (var capability in Capabilities)
        {
            Assert.Equal(capability.IsInstanceOfType(inner), capability.IsInstanceOfType(store));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Create_Sweeper_KeepsWhetherTheStoreExpiresNatively(bool natively)
    {
        var inner = (CapabilityStore)StoreWith(2);
        inner.Natively = natively;

        Assert.Equal(natively, ((IExpiredSessionSweeper)Measured(inner)).ExpiresNatively);
    }

    [Fact]
    public void Create_MemoryStore_KeepsItsCapabilitiesAndName()
    {
        var memory = Measured(new MemorySessionStore());

        Assert.Equal("memory", memory.Name);
        Assert.True(memory is IUserSessionIndex and IExpiredSessionSweeper and ISessionStoreStatistics and ISessionStoreKeyCheck);
    }

    [Fact]
    public async Task Calls_WithMetricsListener_RecordDurationByStoreOperationAndOutcome()
    {
        using var durations = new MetricCollector<double>(_meters, "Tessera", "tessera.store.operation.duration");
        var store = Measured(new MemorySessionStore());
        var record = Record();

        Assert.Null(await store.LoadAsync(record.Key, CancellationToken.None));
        Assert.Equal(SaveResult.Saved, await store.SaveAsync(record, 0, CancellationToken.None));
        Assert.Equal(SaveResult.Conflict, await store.SaveAsync(record, 0, CancellationToken.None));
        Assert.NotNull(await store.LoadAsync(record.Key, CancellationToken.None));
        await ((IUserSessionIndex)store).ListByUserAsync("tag", CancellationToken.None);
        await ((IUserSessionIndex)store).DeleteByUserAsync("tag", null, CancellationToken.None);
        await ((IExpiredSessionSweeper)store).SweepAsync(CancellationToken.None);
        await ((ISessionStoreStatistics)store).GetStatisticsAsync(CancellationToken.None);
        await store.DeleteAsync(record.Key, CancellationToken.None);

        Assert.Equal(
            [
                ("load", "not_found"), ("save", "saved"), ("save", "conflict"), ("load", "found"), ("list_by_user", "success"),
                ("delete_by_user", "success"), ("sweep", "success"), ("statistics", "success"), ("delete", "success"),
            ],
            durations.GetMeasurementSnapshot().Select(m => ((string)m.Tags["tessera.store.operation"]!, (string)m.Tags["tessera.store.outcome"]!)));
        Assert.All(durations.GetMeasurementSnapshot(), m =>
        {
            Assert.Equal("memory", m.Tags["tessera.store.name"]);
            Assert.Equal(3, m.Tags.Count);
            Assert.InRange(m.Value, 0, 10);
        });
        Assert.Equal("s", durations.Instrument!.Unit);
    }

    [Fact]
    public async Task SaveAsync_StoreFails_RecordsErrorWithTypeAndRethrowsTheSameException()
    {
        using var durations = new MetricCollector<double>(_meters, "Tessera", "tessera.store.operation.duration");
        using var spans = new SpanRecorder();
        var store = Measured(new ThrowingStore());

        var error = await Assert.ThrowsAsync<SessionStoreException>(async () => await store.SaveAsync(Record(), 0, CancellationToken.None));

        Assert.Same(ThrowingStore.Error, error);
        var measurement = Assert.Single(durations.GetMeasurementSnapshot());
        Assert.Equal("error", measurement.Tags["tessera.store.outcome"]);
        Assert.Equal("save", measurement.Tags["tessera.store.operation"]);
        Assert.Equal("Tessera.Sessions.SessionStoreException", measurement.Tags["error.type"]);
        var span = Assert.Single(spans.TracesOfStore(ThrowingStore.StoreName));
        Assert.Equal(System.Diagnostics.ActivityStatusCode.Error, span.Status);
        Assert.Equal("Tessera.Sessions.SessionStoreException", span.GetTagItem("error.type"));
        Assert.Null(span.StatusDescription);
    }

    [Fact]
    public async Task Calls_WithSpanListener_OneClientSpanPerCallWithStoreTagsAndNoKey()
    {
        using var spans = new SpanRecorder();
        var store = Measured(new NamedStore());
        var record = Record();

        await store.SaveAsync(record, 0, CancellationToken.None);
        await store.LoadAsync(record.Key, CancellationToken.None);
        await store.DeleteAsync(record.Key, CancellationToken.None);

        var mine = spans.TracesOfStore(store.Name);
        Assert.Equal(["tessera.store.save", "tessera.store.load", "tessera.store.delete"], mine.Select(s => s.OperationName));
        Assert.All(mine, span =>
        {
            Assert.Equal(System.Diagnostics.ActivityKind.Client, span.Kind);
            Assert.Equal(span.OperationName["tessera.store.".Length..], span.GetTagItem("tessera.store.operation"));
            foreach (var (_, value) in span.TagObjects)
            {
                Assert.DoesNotContain(record.Key.Fingerprint, value?.ToString() ?? "", StringComparison.OrdinalIgnoreCase);
            }
        });
        Assert.Equal(["saved", "found", "success"], mine.Select(s => s.GetTagItem("tessera.store.outcome")));
    }

    [Fact]
    public async Task SaveAsync_Measured_WritesToTheInnerStore()
    {
        var inner = new MemorySessionStore();
        var store = Measured(inner);
        var record = Record();

        await store.SaveAsync(record, 0, CancellationToken.None);

        Assert.NotNull(await inner.LoadAsync(record.Key, CancellationToken.None));
    }

    [Fact]
    public void Dispose_DisposableStore_DisposesIt()
    {
        var inner = new DisposableStore();

        ((IDisposable)Measured(inner)).Dispose();

        Assert.True(inner.Disposed);
    }

    private ISessionStore Measured(ISessionStore inner) =>
        SessionStoreFactory.Create("test", [new SessionStoreProvider("test", _ => inner)], new SessionStoreContext { MeterFactory = _meters });

    private static SessionRecord Record() =>
        new(SessionKey.FromLookupId(RandomNumberGenerator.GetBytes(16)), 1, RandomNumberGenerator.GetBytes(32), DateTimeOffset.UtcNow.AddMinutes(20));

    /// <summary>
    /// A store with exactly the capabilities <paramref name="mask"/> picks from <see cref="Capabilities"/>: a type made at run
    /// time that derives from <see cref="CapabilityStore"/> (which has every method) and declares only those interfaces.
    /// </summary>
    private static ISessionStore StoreWith(int mask)
    {
        var chosen = Capabilities.Where((_, i) => (mask & (1 << i)) != 0).ToArray();
        var module = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName($"CapabilityStore{mask}"), AssemblyBuilderAccess.Run).DefineDynamicModule("stores");
        var type = module.DefineType($"Store{mask}", TypeAttributes.Public | TypeAttributes.Sealed, typeof(CapabilityStore));
        foreach (var capability in chosen)
        {
            type.AddInterfaceImplementation(capability);
        }

        type.DefineDefaultConstructor(MethodAttributes.Public);
        return (ISessionStore)Activator.CreateInstance(type.CreateType())!;
    }

    /// <summary>Every store method, virtual so a run-time type can map the capability interfaces it declares onto them.</summary>
    public class CapabilityStore : ISessionStore
    {
        public bool Natively { get; set; }

        public string Name => "capabilities";

        public virtual bool ExpiresNatively => Natively;

        public ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken) => ValueTask.FromResult<SessionRecord?>(null);

        public ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken) => ValueTask.FromResult(SaveResult.Saved);

        public ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public virtual ValueTask<IReadOnlyList<SessionRecord>> ListByUserAsync(string userTag, CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlyList<SessionRecord>>([]);

        public virtual ValueTask<int> DeleteByUserAsync(string userTag, SessionKey? except, CancellationToken cancellationToken) => ValueTask.FromResult(0);

        public virtual ValueTask<int> SweepAsync(CancellationToken cancellationToken) => ValueTask.FromResult(0);

        public virtual ValueTask<SessionStoreStatistics> GetStatisticsAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new SessionStoreStatistics(0, 0));

        public virtual ValueTask<byte[]?> ReadKeyCheckAsync(CancellationToken cancellationToken) => ValueTask.FromResult<byte[]?>(null);

        public virtual ValueTask<bool> ReplaceKeyCheckAsync(byte[]? expected, byte[] value, CancellationToken cancellationToken) => ValueTask.FromResult(true);
    }

    private sealed class ThrowingStore : ISessionStore
    {
        public const string StoreName = "throwing-store-under-test";

        public static readonly SessionStoreException Error = new(StoreName, "connection refused", new IOException("connection refused"));

        public string Name => StoreName;

        public ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken) => throw Error;

        public async ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken)
        {
            await Task.Yield();
            throw Error;
        }

        public ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken) => throw Error;
    }

    private sealed class DisposableStore : ISessionStore, IDisposable
    {
        public bool Disposed { get; private set; }

        public string Name => "disposable";

        public ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken) => ValueTask.FromResult<SessionRecord?>(null);

        public ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken) => ValueTask.FromResult(SaveResult.Saved);

        public ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public void Dispose() => Disposed = true;
    }
}
