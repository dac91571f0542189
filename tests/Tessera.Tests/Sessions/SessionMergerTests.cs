using System.Text;
using System.Text.Json.Nodes;
using Tessera.Sessions;

namespace Tessera.Tests.Sessions;

public sealed class SessionMergerTests
{
    private static readonly HashSet<string> NoKeys = [];

    // A state as a request loaded it: values not yet handed out stay raw, as after SessionState.Parse.
    private static SessionState Loaded(params (string Key, string Json)[] values)
    {
        var state = new SessionState { CreatedMs = 1_000, AccessedMs = 2_000 };
        foreach (var (key, json) in values)
        {
            state.Values[key] = SessionValue.FromRaw(Encoding.UTF8.GetBytes(json));
        }

        return state;
    }

    private static SessionChanges Changed(IReadOnlySet<string>? keys = null, bool cleared = false, bool nested = false, byte[]? original = null, bool auth = false, bool metadata = false) =>
        new(keys ?? NoKeys, cleared, nested, original, auth, metadata);

    private static string? Json(SessionState state, string key) =>
        state.Values.TryGetValue(key, out var value) ? value.Node?.ToJsonString() ?? "null" : null;

    [Fact]
    public void Merge_DifferentKeysChangedOnEachSide_KeepsBoth()
    {
        var ours = Loaded(("a", "1"));
        ours.Values["mine"] = SessionValue.FromNode(2);
        var theirs = Loaded(("a", "1"), ("theirs", "3"));

        var merged = SessionMerger.Merge(ours, Changed(keys: new HashSet<string> { "mine" }), theirs);

        Assert.Equal("2", Json(merged, "mine"));
        Assert.Equal("3", Json(merged, "theirs"));
        Assert.Equal("1", Json(merged, "a"));
    }

    [Fact]
    public void Merge_SameKeyChangedOnBothSides_OursWinsBecauseItSavesLast()
    {
        var ours = Loaded(("k", "\"old\""));
        ours.Values["k"] = SessionValue.FromNode("ours");
        var theirs = Loaded(("k", "\"theirs\""));

        var merged = SessionMerger.Merge(ours, Changed(keys: new HashSet<string> { "k" }), theirs);

        Assert.Equal("\"ours\"", Json(merged, "k"));
    }

    [Fact]
    public void Merge_KeyTheyChangedAndWeOnlyRead_KeepsTheirValue()
    {
        var ours = Loaded(("k", "\"old\""));
        _ = ours.Values["k"].Node; // read (materialized) but not written, and IsModified never set by hand
        var theirs = Loaded(("k", "\"theirs\""));

        var merged = SessionMerger.Merge(ours, Changed(), theirs);

        Assert.Equal("\"theirs\"", Json(merged, "k"));
    }

    [Fact]
    public void Merge_WeRemovedAKeyTheyKept_RemovesIt()
    {
        var ours = Loaded();
        var theirs = Loaded(("gone", "1"), ("kept", "2"));

        var merged = SessionMerger.Merge(ours, Changed(keys: new HashSet<string> { "gone" }), theirs);

        Assert.Null(Json(merged, "gone"));
        Assert.Equal("2", Json(merged, "kept"));
    }

    [Fact]
    public void Merge_WeClearedWhileTheySetAKey_ClearWinsAndOurLaterSetsStay()
    {
        // Our request cleared, then set "x"; another request meanwhile set "b". The clear came later in our request's
        // view of the session, so nothing from before it survives, theirs included.
        var ours = Loaded();
        ours.Values["x"] = SessionValue.FromNode(1);
        var theirs = Loaded(("a", "0"), ("b", "9"));

        var merged = SessionMerger.Merge(ours, Changed(keys: new HashSet<string> { "x" }, cleared: true), theirs);

        Assert.Equal(["x"], merged.Values.Keys);
        Assert.Equal("1", Json(merged, "x"));
    }

    [Fact]
    public void Merge_TheyClearedWhileWeSetAKey_KeepsOnlyOurKey()
    {
        var ours = Loaded(("a", "0"));
        ours.Values["x"] = SessionValue.FromNode(1);
        var theirs = Loaded(); // the other request cleared the session

        var merged = SessionMerger.Merge(ours, Changed(keys: new HashSet<string> { "x" }), theirs);

        Assert.Equal(["x"], merged.Values.Keys);
    }

    [Fact]
    public void Merge_NestedMutationInPlace_CarriesTheMutatedKeyOnly()
    {
        var original = Loaded(("cart", "[1]"), ("note", "\"n\""), ("raw", "5"));
        var ours = Loaded(("cart", "[1]"), ("note", "\"n\""), ("raw", "5"));
        ((JsonArray)ours.Values["cart"].Node!).Add(2); // mutated in place
        _ = ours.Values["note"].Node;                 // handed out, not changed
        var theirs = Loaded(("cart", "[7]"), ("note", "\"theirs\""), ("raw", "6"));

        var merged = SessionMerger.Merge(ours, Changed(nested: true, original: original.Serialize()), theirs);

        Assert.Equal("[1,2]", Json(merged, "cart"));
        Assert.Equal("\"theirs\"", Json(merged, "note"));
        Assert.Equal("6", Json(merged, "raw"));
    }

    [Fact]
    public void Merge_NestedMutationWithoutOriginal_CarriesEveryValueHandedOut()
    {
        // A session never loaded from the store has nothing to compare with: every materialized value counts as written.
        var ours = Loaded(("a", "1"));
        _ = ours.Values["a"].Node;
        var theirs = Loaded(("a", "2"));

        var merged = SessionMerger.Merge(ours, Changed(nested: true), theirs);

        Assert.Equal("1", Json(merged, "a"));
    }

    [Fact]
    public void Merge_NestedMutationAndKeyMissingFromOurs_RemovesIt()
    {
        var original = Loaded(("a", "1"), ("b", "2"));
        var ours = Loaded(("a", "1"));
        var theirs = Loaded(("a", "1"), ("b", "3"));

        var merged = SessionMerger.Merge(ours, Changed(nested: true, original: original.Serialize()), theirs);

        Assert.Null(Json(merged, "b"));
    }

    [Fact]
    public void Merge_AuthChanged_TakesOurUserCheckAndExtras()
    {
        var ours = Loaded();
        ours.UserId = "alice";
        ours.CheckHash = "ours-hash";
        ours.Extras = new JsonObject { ["role"] = "admin" };
        var theirs = Loaded();
        theirs.UserId = "bob";
        theirs.CheckHash = "their-hash";

        var merged = SessionMerger.Merge(ours, Changed(auth: true), theirs);

        Assert.Equal("alice", merged.UserId);
        Assert.Equal("ours-hash", merged.CheckHash);
        Assert.Equal("admin", merged.Extras!["role"]!.GetValue<string>());
    }

    [Fact]
    public void Merge_AuthUnchanged_KeepsTheirSignIn()
    {
        var ours = Loaded();
        var theirs = Loaded();
        theirs.UserId = "bob";
        theirs.CheckHash = "their-hash";

        var merged = SessionMerger.Merge(ours, Changed(keys: new HashSet<string> { "x" }), theirs);

        Assert.Equal("bob", merged.UserId);
        Assert.Equal("their-hash", merged.CheckHash);
    }

    [Fact]
    public void Merge_MetadataChanged_TakesOurTimeouts()
    {
        var ours = Loaded();
        ours.IdleTimeout = TimeSpan.FromMinutes(5);
        ours.Lifetime = TimeSpan.FromHours(1);
        var theirs = Loaded();
        theirs.IdleTimeout = TimeSpan.FromMinutes(50);

        var merged = SessionMerger.Merge(ours, Changed(metadata: true), theirs);

        Assert.Equal(TimeSpan.FromMinutes(5), merged.IdleTimeout);
        Assert.Equal(TimeSpan.FromHours(1), merged.Lifetime);
    }

    [Fact]
    public void Merge_MetadataUnchanged_KeepsTheirTimeouts()
    {
        var ours = Loaded();
        ours.IdleTimeout = TimeSpan.FromMinutes(5);
        var theirs = Loaded();
        theirs.IdleTimeout = TimeSpan.FromMinutes(50);

        Assert.Equal(TimeSpan.FromMinutes(50), SessionMerger.Merge(ours, Changed(), theirs).IdleTimeout);
    }

    [Theory]
    [InlineData(3_000, 2_500, 3_000)]
    [InlineData(2_500, 3_000, 3_000)]
    public void Merge_LastAccess_KeepsTheLaterOfBoth(long oursMs, long theirsMs, long expectedMs)
    {
        var ours = Loaded();
        ours.AccessedMs = oursMs;
        var theirs = Loaded();
        theirs.AccessedMs = theirsMs;

        Assert.Equal(expectedMs, SessionMerger.Merge(ours, Changed(), theirs).AccessedMs);
    }
}
