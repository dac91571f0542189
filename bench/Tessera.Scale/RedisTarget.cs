using System.Globalization;
using StackExchange.Redis;
using Tessera.Redis;
using Tessera.Sessions;

namespace Tessera.Scale;

/// <summary>The Redis store under a fresh key prefix; filled by pipelined saves; memory is INFO memory's used_memory.</summary>
internal sealed class RedisTarget : ScaleTarget
{
    private readonly ConnectionMultiplexer _connection;
    private readonly RedisSessionStore _store;

    private RedisTarget(ScaleClock clock, ConnectionMultiplexer connection, string prefix)
        : base(clock)
    {
        _connection = connection;
        _store = new RedisSessionStore(connection, new RedisSessionStoreOptions { KeyPrefix = prefix }, clock);
    }

    public override string Name => "redis";

    public override ISessionStore Store => _store;

    public static async Task<RedisTarget> CreateAsync(ScaleClock clock, string connectionString, string prefix)
    {
        var configuration = RedisSessionStore.ParseConfiguration(connectionString);
        configuration.AllowAdmin = true; // INFO
        return new(clock, await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false), prefix);
    }

    // The multiplexer pipelines whatever is in flight on its one connection.
    public override Task FillAsync(IReadOnlyList<SessionRecord> records, CancellationToken cancellationToken) => SaveAllAsync(records, 256, cancellationToken);

    public override async Task<long?> MemoryBytesAsync()
    {
        var info = await _connection.GetServer(_connection.GetEndPoints()[0]).InfoAsync("memory").ConfigureAwait(false);
        var used = info.SelectMany(group => group).First(pair => pair.Key == "used_memory").Value;
        return long.Parse(used, CultureInfo.InvariantCulture);
    }

    public override async ValueTask DisposeAsync()
    {
        // Everything the run wrote expires by its TTL; a sweep with the clock far ahead removes it now.
        Clock.Advance(TimeSpan.FromDays(30));
        await _store.SweepAsync(CancellationToken.None).ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
