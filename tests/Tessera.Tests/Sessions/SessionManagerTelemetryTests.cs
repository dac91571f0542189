using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Tessera.Keys;
using Tessera.Sessions;
using Tessera.Stores;
using Tessera.TestSupport;
using Tessera.Tests.Stores;

namespace Tessera.Tests.Sessions;

/// <summary>Spans and verdict counts of <see cref="SessionManager"/> over a measured store (as the factory and AddTessera build it).</summary>
public sealed class SessionManagerTelemetryTests : IDisposable
{
    private readonly TestMeterFactory _meters = new();
    private readonly NamedStore _named = new();
    private readonly SessionManager _manager;

    public SessionManagerTelemetryTests()
    {
        var store = SessionStoreFactory.Create("named", [new SessionStoreProvider("named", _ => _named)], new SessionStoreContext { MeterFactory = _meters });
        _manager = new SessionManager(store, new SessionManagerOptions(), new Keyring([RandomNumberGenerator.GetBytes(32)]), meterFactory: _meters);
    }

    public void Dispose() => _meters.Dispose();

    [Fact]
    public async Task LoadAndCommit_WithSpanListener_SessionSpansParentTheirStoreSpansWithoutIds()
    {
        using var spans = new SpanRecorder();
        var fresh = await _manager.LoadAsync(null, SessionClientInfo.None);
        fresh.Set("k", "v");
        var cookie = (await _manager.CommitAsync(fresh)).CookieValue!;

        var loaded = await _manager.LoadAsync(cookie, SessionClientInfo.None);
        loaded.Set("k", "w");
        await _manager.CommitAsync(loaded);

        var mine = spans.TracesOfStore(_named.Name);
        var names = mine.Select(s => s.OperationName).ToList();
        Assert.Equal(2, names.Count(n => n == "tessera.session.commit"));
        Assert.Single(names, "tessera.session.load");
        var load = mine.Single(s => s.OperationName == "tessera.session.load");
        Assert.Equal("loaded", load.GetTagItem("tessera.session.verdict"));
        var storeLoad = mine.Single(s => s.OperationName == "tessera.store.load");
        Assert.Equal(load.SpanId, storeLoad.ParentSpanId);
        Assert.All(mine.Where(s => s.OperationName == "tessera.store.save"), save =>
            Assert.Contains(mine, c => c.OperationName == "tessera.session.commit" && c.SpanId == save.ParentSpanId));
        var handle = SessionHandle.TryParse(cookie, out var parsed) ? parsed! : throw new InvalidOperationException("the cookie does not parse");
        Assert.All(mine.SelectMany(s => s.TagObjects), tag =>
        {
            var text = tag.Value?.ToString() ?? "";
            Assert.DoesNotContain(cookie, text, StringComparison.Ordinal);
            Assert.DoesNotContain(handle.Fingerprint, text, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public async Task CommitAsync_StoreFails_CommitSpanMarkedFailed()
    {
        using var spans = new SpanRecorder();
        var name = "failing-" + Guid.NewGuid().ToString("N");
        var store = SessionStoreFactory.Create(name, [new SessionStoreProvider(name, _ => new FailingStore(name))], new SessionStoreContext { MeterFactory = _meters });
        var manager = new SessionManager(store, new SessionManagerOptions(), new Keyring([RandomNumberGenerator.GetBytes(32)]), meterFactory: _meters);
        var session = await manager.LoadAsync(null, SessionClientInfo.None);
        session.Set("k", "v");

        await Assert.ThrowsAsync<SessionStoreException>(async () => await manager.CommitAsync(session));

        var commit = Assert.Single(spans.TracesOfStore(name), s => s.OperationName == "tessera.session.commit");
        Assert.Equal(ActivityStatusCode.Error, commit.Status);
        Assert.Equal(typeof(SessionStoreException).FullName, commit.GetTagItem("error.type"));
    }

    [Theory]
    [InlineData("not-a-handle", "malformed")]
    [InlineData("(a well-formed handle the store does not know)", "not_found")]
    public async Task LoadAsync_RejectedCookie_CountedOnceWithItsVerdict(string cookie, string verdict)
    {
        using var loads = new MetricCollector<long>(_meters, "Tessera", "tessera.session.loads");
        cookie = cookie.StartsWith('(') ? SessionHandle.Create().ToCookieValue() : cookie;

        var session = await _manager.LoadAsync(cookie, SessionClientInfo.None);

        Assert.NotEqual(SessionLoadVerdict.Loaded, session.Verdict);
        var measurement = Assert.Single(loads.GetMeasurementSnapshot());
        Assert.Equal(1, measurement.Value);
        Assert.Equal(verdict, measurement.Tags["tessera.session.verdict"]);
        Assert.Equal("{session}", loads.Instrument!.Unit);
    }

    [Fact]
    public async Task LoadAsync_NoCookie_CountsNothing()
    {
        using var loads = new MetricCollector<long>(_meters, "Tessera", "tessera.session.loads");

        await _manager.LoadAsync(null, SessionClientInfo.None);

        Assert.Empty(loads.GetMeasurementSnapshot());
    }

    private sealed class FailingStore(string name) : ISessionStore
    {
        public string Name => name;

        public ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken) =>
            throw new SessionStoreException(name, "connection refused", null);

        public ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken) =>
            throw new SessionStoreException(name, "connection refused", null);

        public ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken) =>
            throw new SessionStoreException(name, "connection refused", null);
    }
}
