using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Tessera.Keys;
using Tessera.Sessions;
using Tessera.Stores;
using Tessera.Testing;

namespace Tessera.Tests.Sessions;

/// <summary>
/// What a session saves it loads back: values (any Unicode, odd numbers, empty keys, deep to the limit, wide), per-session
/// lifetimes to the tick (up to <see cref="TimeSpan.MaxValue"/>) and times anywhere in the calendar, through the real
/// seal, store and open path.
/// </summary>
public sealed class SessionStateRoundTripPropertyTests
{
    private static readonly Keyring Keys = new([RandomNumberGenerator.GetBytes(32)]);

    // At least a second (a shorter one expires before the load), to the tick.
    private static readonly Gen<TimeSpan?> Lifetimes = Gen.OneOf(
        Gen.Constant<TimeSpan?>(null),
        Gen.Elements<TimeSpan?>(TimeSpan.MaxValue, TimeSpan.FromSeconds(1) + TimeSpan.FromTicks(1), TimeSpan.FromDays(3650)),
        ArbMap.Default.GeneratorFor<ulong>().Select(t => (TimeSpan?)TimeSpan.FromTicks((long)(t % (ulong)(long.MaxValue - TimeSpan.TicksPerSecond)) + TimeSpan.TicksPerSecond)));

    // Clocks from the first to the last day of the calendar (sessions must still have a moment to live).
    private static readonly Gen<DateTimeOffset> Clocks =
        ArbMap.Default.GeneratorFor<ulong>().Select(t => new DateTimeOffset(
            TimeSpan.TicksPerDay + (long)(t % (ulong)(DateTimeOffset.MaxValue.UtcTicks - (2 * TimeSpan.TicksPerDay))), TimeSpan.Zero));

    [Theory]
    [InlineData(false, 1000)]
    [InlineData(true, 150)]
    public void CommitThenLoad_GeneratedSessions_RoundTrip(bool big, int cases)
    {
        var gen = from data in SessionJsonGen.Dictionary(big)
                  from idle in Lifetimes
                  from lifetime in Lifetimes
                  from now in Clocks
                  select (data, idle, lifetime, now);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(cases), Prop.ForAll(gen.ToArbitrary(), x =>
        {
            var (data, idle, lifetime, now) = x;
            var clock = new FakeTimeProvider(now);
            var manager = new SessionManager(new MemorySessionStore(clock), new SessionManagerOptions(), Keys, clock);
            var session = manager.LoadAsync(null, SessionClientInfo.None).AsTask().GetAwaiter().GetResult();
            foreach (var (key, value) in data)
            {
                session[key] = value?.DeepClone();
            }

            session.IdleTimeout = idle;
            session.Lifetime = lifetime;
            session["$always"] = 1; // so an empty dictionary is still saved
            var cookie = manager.CommitAsync(session).AsTask().GetAwaiter().GetResult().CookieValue;

            var loaded = manager.LoadAsync(cookie, SessionClientInfo.None).AsTask().GetAwaiter().GetResult();
            var same = loaded.Verdict == SessionLoadVerdict.Loaded
                && loaded.IdleTimeout == idle && loaded.Lifetime == lifetime
                && loaded.CreatedAt == new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero)
                && loaded.Count == data.Count + (data.ContainsKey("$always") ? 0 : 1)
                && data.All(p => loaded.ContainsKey(p.Key) && JsonNode.DeepEquals(p.Value, loaded[p.Key]));

            // Every value read (materialised) and saved again still reads back.
            loaded.IsModified = true;
            var again = manager.LoadAsync(manager.CommitAsync(loaded).AsTask().GetAwaiter().GetResult().CookieValue, SessionClientInfo.None).AsTask().GetAwaiter().GetResult();
            same &= again.Verdict == SessionLoadVerdict.Loaded && data.All(p => JsonNode.DeepEquals(p.Value, again[p.Key]));
            return same.Label($"{loaded.Verdict}, idle {idle}, lifetime {lifetime}, now {now:o}: {SessionJsonGen.Describe(data)}");
        }));
    }
}
