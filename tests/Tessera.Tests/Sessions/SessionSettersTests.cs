using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Tessera.Keys;
using Tessera.Sessions;
using Tessera.Stores;
using Tessera.Testing;
using Tessera.Tests.Cookies;

namespace Tessera.Tests.Sessions;

/// <summary>Setters refuse at once what a later save could not write or a later load could not read.</summary>
public sealed class SessionSettersTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UnixEpoch.AddDays(20_000));
    private readonly SessionManager _manager;

    public SessionSettersTests()
    {
        _manager = new SessionManager(new MemorySessionStore(_clock), new SessionManagerOptions(), new Keyring([RandomNumberGenerator.GetBytes(32)]), _clock);
    }

    private ServerSession NewSession() => _manager.LoadAsync(null, SessionClientInfo.None).AsTask().Result;

    // Built in code and picked by index: xunit would turn a lone surrogate in serialized theory data into U+FFFD.
    private static readonly (string Key, Func<JsonNode?> Value, string Reason)[] UnstorableCases =
    [
        ("\udc00", () => "\ud800x", "key contains a lone UTF-16 surrogate"),
        ("k", () => "\ud800x", "lone UTF-16 surrogate"),
        ("k", () => "x\udc00", "lone UTF-16 surrogate"),
        ("k", () => new JsonObject { ["\ud800"] = 1 }, "property name with a lone UTF-16 surrogate"),
        ("k", () => new JsonArray(JsonValue.Create('\ud800')), "lone UTF-16 surrogate"),
        ("k", () => JsonValue.Create(double.PositiveInfinity), "not finite"),
        ("k", () => JsonValue.Create(float.NaN), "not finite"),
        ("k", () => SealedCookieRoundTripPropertyTests.Nest(SessionJson.MaxValueDepth + 1), "deeper than 999 levels"),
        ("k", () => JsonNode.Parse("""{"a":1,"a":2}"""), "not valid JSON data"),
        ("k", () => JsonNode.Parse("""{"a":"\udc00"}"""), "not valid JSON data"),
    ];

    public static TheoryData<int> Unstorable => [.. Enumerable.Range(0, UnstorableCases.Length)];

    [Theory]
    [MemberData(nameof(Unstorable))]
    public void Set_UnstorableKeyOrValue_ThrowsArgumentExceptionAndKeepsNothing(int index)
    {
        var (key, value, reason) = UnstorableCases[index];
        var session = NewSession();
        var error = Assert.Throws<ArgumentException>(() => session.Set(key, value()));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, SessionJson.FindProblem(key, value()), StringComparison.Ordinal);
        Assert.Equal(0, session.Count);
        Assert.False(session.IsModified);
    }

    [Fact]
    public async Task Set_ValueAtTheDepthLimitAndEmptyKey_IsStoredAndLoadsBack()
    {
        var session = NewSession();
        var deep = SealedCookieRoundTripPropertyTests.Nest(SessionJson.MaxValueDepth);
        session[""] = deep;
        var cookie = (await _manager.CommitAsync(session)).CookieValue;
        var loaded = await _manager.LoadAsync(cookie, SessionClientInfo.None);
        Assert.Equal(SessionLoadVerdict.Loaded, loaded.Verdict);
        Assert.True(JsonNode.DeepEquals(SealedCookieRoundTripPropertyTests.Nest(SessionJson.MaxValueDepth), loaded[""]));
    }

    [Fact]
    public async Task Commit_ValueMutatedInPlaceIntoALoneSurrogate_ThrowsArgumentExceptionBeforeWriting()
    {
        var session = NewSession();
        var list = new JsonArray("ok");
        session["list"] = list;
        list.Add("\ud800");
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _manager.CommitAsync(session).AsTask());
        Assert.Contains("the value of 'list' has a string with a lone UTF-16 surrogate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_UserIdWithLoneSurrogate_ThrowsArgumentException()
    {
        var session = NewSession();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _manager.SignInAsync(session, "al\udc00ice", "check").AsTask());
        Assert.Contains("lone UTF-16 surrogate", error.Message, StringComparison.Ordinal);
        Assert.False(session.IsAuthenticated);
    }

    [Fact]
    public async Task Commit_LifetimesPastTheEndOfTheCalendar_SavesWithExpiryAtMaxValue()
    {
        _clock.SetUtcNow(DateTimeOffset.MaxValue.AddDays(-2));
        var session = NewSession();
        session.IdleTimeout = TimeSpan.MaxValue;
        session.Lifetime = TimeSpan.MaxValue;
        session["a"] = 1;
        var result = await _manager.CommitAsync(session);
        Assert.Equal(DateTimeOffset.MaxValue, result.ExpiresAt);
        var loaded = await _manager.LoadAsync(result.CookieValue, SessionClientInfo.None);
        Assert.Equal(SessionLoadVerdict.Loaded, loaded.Verdict);
        Assert.Equal(TimeSpan.MaxValue, loaded.IdleTimeout);
    }
}
