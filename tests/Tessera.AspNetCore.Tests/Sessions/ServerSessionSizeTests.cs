using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Keys;
using Tessera.Sessions;
using Tessera.Stores;
using Tessera.TestSupport;

namespace Tessera.AspNetCore.Tests.Sessions;

/// <summary>
/// Server mode's size limit at its boundary, on <see cref="ServerRequestSession"/> itself: the size a set is judged
/// by is the session's compact JSON with relaxed escaping plus one byte when it has values (each entry counted with a
/// separating comma), whether its values were loaded (and left unparsed) or set in this request.
/// </summary>
public sealed class ServerSessionSizeTests : IDisposable
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Values whose stored bytes are re-escaped when measured (non-ASCII, HTML-sensitive, control characters, a
    // surrogate pair), stored as they are (plain ASCII, spaces inside strings, nested, numbers kept as written), or null.
    private const string Mixed = """
        {
          "plain": "bench-user",
          "spaced": "a b  c",
          "accent": "café",
          "html": "<b>&'+`</b>",
          "quote": "say \"hi\" \\ back",
          "control": "\u0000\u0000\u0001\t",
          "emoji": "😀",
          "nested": {"list": [1, 2.50, -0, 1e5, true, false, null], "o": {"k": "v w"}},
          "number": 12345678901234567890,
          "null": null,
          "clé": "key with an accent"
        }
        """;

    private readonly TestMeterFactory _meters = new();
    private readonly MemorySessionStore _store = new();
    private readonly SessionManager _manager;

    public ServerSessionSizeTests() =>
        _manager = new SessionManager(_store, new SessionManagerOptions(), new Keyring([RandomNumberGenerator.GetBytes(32)]));

    public void Dispose()
    {
        _manager.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public async Task SetValue_OpenedWithExistingData_SizeIsTheSessionJsonAtTheLimit()
    {
        var cookie = await StoreAsync(JsonNode.Parse(Mixed)!.AsObject());
        var expected = Expected(Mixed, ("added", "\"x\""));

        var atLimit = await OpenAsync(cookie, expected);
        atLimit.SetValue("added", "x");
        var over = await OpenAsync(cookie, expected - 1);
        var error = Assert.Throws<SessionTooLargeException>(() => over.SetValue("added", "x"));

        Assert.Equal("x", (string?)atLimit.Session["added"]);
        Assert.Equal((expected, expected - 1, "Tessera:MaxSessionSize"), (error.Size, error.Limit, error.OptionName));
        Assert.Equal(
            $"The session would hold {expected} bytes of JSON, over the limit of {expected - 1} bytes (Tessera:MaxSessionSize) by 1. "
            + "Nothing was stored and the session is unchanged. Store less in the session or raise Tessera:MaxSessionSize.",
            error.Message);
        Assert.False(over.Session.ContainsKey("added"));
    }

    [Fact]
    public async Task SetValue_OpenedWithPlainStoredValues_MeasuredAsTheirStoredBytes()
    {
        var cookie = await StoreAsync(new JsonObject { ["user"] = "bench-user", ["nested"] = JsonNode.Parse("""{"a":[1,"b c"]}""") });

        var session = await OpenAsync(cookie, 1024);
        session.SetValue("n", 1);

        // {"user":"bench-user","nested":{"a":[1,"b c"]},"n":1} and the one extra comma.
        Assert.Equal(53, Expected("""{"user":"bench-user","nested":{"a":[1,"b c"]}}""", ("n", "1")));
        var over = await OpenAsync(cookie, 52);
        Assert.Equal(53, Assert.Throws<SessionTooLargeException>(() => over.SetValue("n", 1)).Size);
    }

    [Theory]
    [InlineData("accent", "\"café\"")]
    [InlineData("html", "\"<b>&'+`</b>\"")]
    [InlineData("control", "\"\\u0000\\u0000\\u0001\\t\"")]
    [InlineData("emoji", "\"😀\"")]
    [InlineData("clé", "\"key with an accent\"")]
    public async Task SetValue_StoredValueThatIsReEscaped_MeasuredAsItsRelaxedJson(string key, string json)
    {
        var cookie = await StoreAsync(new JsonObject { [key] = JsonNode.Parse(json) });
        var expected = Expected($$"""{{{JsonSerializer.Serialize(key)}}:{{json}}}""", ("k", "0"));

        var atLimit = await OpenAsync(cookie, expected);
        atLimit.SetValue("k", 0);
        var over = await OpenAsync(cookie, expected - 1);

        Assert.Equal(expected, Assert.Throws<SessionTooLargeException>(() => over.SetValue("k", 0)).Size);
    }

    [Fact]
    public async Task SetValue_ExactlyAtLimitThenOneByteMore_SecondRefusedFirstKept()
    {
        // {"k":"aaaa"} + 1 = 13 bytes.
        var session = await OpenAsync(null, 13);

        session.SetValue("k", "aaaa");
        var error = Assert.Throws<SessionTooLargeException>(() => session.SetValue("k", "aaaaa"));

        Assert.Equal((14, 13), (error.Size, error.Limit));
        Assert.Equal("aaaa", (string?)session.Session["k"]);
    }

    [Fact]
    public async Task SetValue_BigReplacedBySmallThenBigAgain_OnlyTheDifferenceCounts()
    {
        var cookie = await StoreAsync(new JsonObject { ["big"] = new string('b', 100), ["other"] = 1 });
        // {"big":"b…b","other":1} + 1: 2 + (6 + 102 + 1) + (9 + 1) = 121 bytes.
        var session = await OpenAsync(cookie, 121);

        session.SetValue("big", "s");
        session.SetValue("other", new string('o', 95)); // 2 + 10 + 106 = 118
        var error = Assert.Throws<SessionTooLargeException>(() => session.SetValue("big", new string('b', 5)));
        session.SetValue("big", new string('b', 4));

        Assert.Equal(122, error.Size);
        Assert.Equal(new string('b', 4), (string?)session.Session["big"]);
    }

    [Fact]
    public async Task SetValue_AfterRemove_RemovedEntryNoLongerCounts()
    {
        var cookie = await StoreAsync(new JsonObject { ["a"] = new string('a', 50), ["b"] = new string('b', 50) });
        // Two entries of 4 + 52 + 1 = 57 bytes, + 2.
        var session = await OpenAsync(cookie, 116);

        var refused = Assert.Throws<SessionTooLargeException>(() => session.SetValue("c", 0));
        Assert.True(session.Remove("a"));
        Assert.False(session.Remove("missing"));
        session.SetValue("c", new string('c', 50));
        var again = Assert.Throws<SessionTooLargeException>(() => session.SetValue("d", 0));

        Assert.Equal((122, 122), (refused.Size, again.Size));
        Assert.Equal(["b", "c"], session.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SetValue_AfterClear_CountsFromEmpty()
    {
        var cookie = await StoreAsync(new JsonObject { ["a"] = new string('a', 50) });
        var session = await OpenAsync(cookie, 59);

        Assert.Equal(65, Assert.Throws<SessionTooLargeException>(() => session.SetValue("b", 1)).Size);
        session.Clear();
        session.SetValue("b", new string('b', 50)); // 2 + 57: exactly the limit
        var error = Assert.Throws<SessionTooLargeException>(() => session.SetValue("c", 1));

        Assert.Equal(65, error.Size);
    }

    [Fact]
    public async Task SetValue_ManySetsInOneRequest_RunningTotalRefusesOnlyTheSetOverTheLimit()
    {
        // 200 sets over 17 keys on a session with stored data; each replaces its key's value by a bigger one, so the
        // size only grows and the last set is the largest.
        var cookie = await StoreAsync(JsonNode.Parse(Mixed)!.AsObject());
        var final = JsonNode.Parse(Mixed)!.AsObject();
        for (var i = 0; i < 200; i++)
        {
            final[Key(i)] = Value(i);
        }

        var expected = Expected(final.ToJsonString());

        var atLimit = await OpenAsync(cookie, expected);
        var over = await OpenAsync(cookie, expected - 1);
        for (var i = 0; i < 199; i++)
        {
            atLimit.SetValue(Key(i), Value(i));
            over.SetValue(Key(i), Value(i));
        }

        atLimit.SetValue(Key(199), Value(199));
        var error = Assert.Throws<SessionTooLargeException>(() => over.SetValue(Key(199), Value(199)));

        Assert.Equal(expected, error.Size);
        Assert.True(JsonNode.DeepEquals(Value(199), atLimit.Session[Key(199)]));
        Assert.True(JsonNode.DeepEquals(Value(199 - 17), over.Session[Key(199)]));

        static string Key(int i) => "k" + (i % 17);

        static JsonNode Value(int i) => i % 2 == 0 ? new string('é', i) : new JsonArray(i, new string('é', i));
    }

    // The size the check computes for `stored` (a JSON object) with `added` entries set: compact JSON, relaxed
    // escaping, in UTF-8 bytes, and one more for the comma counted after every entry (the last one included).
    private static int Expected(string stored, params (string Key, string Json)[] added)
    {
        var json = JsonNode.Parse(stored)!.AsObject();
        foreach (var (key, value) in added)
        {
            json[key] = JsonNode.Parse(value);
        }

        return System.Text.Encoding.UTF8.GetByteCount(json.ToJsonString(Relaxed)) + (json.Count > 0 ? 1 : 0);
    }

    private async Task<string> StoreAsync(JsonObject values)
    {
        var session = await _manager.LoadAsync(null, SessionClientInfo.None);
        foreach (var (key, value) in values)
        {
            session[key] = value?.DeepClone();
        }

        return (await _manager.CommitAsync(session)).CookieValue!;
    }

    private async Task<ServerRequestSession> OpenAsync(string? cookie, int maxSessionSize)
    {
        var services = new ServerSessionServices(
            _manager, null, new TesseraOptions { MaxSessionSize = maxSessionSize }, TimeProvider.System, NullLogger.Instance, new TesseraHttpMetrics(_meters), null);
        var session = await _manager.LoadAsync(cookie, SessionClientInfo.None);
        Assert.Equal(cookie is null ? SessionLoadVerdict.NoCookie : SessionLoadVerdict.Loaded, session.Verdict);
        return new ServerRequestSession(services, session, cookie is not null, cookie);
    }
}
