using System.Text;
using Tessera.Benchmarks.Sessions;
using Tessera.Cookies;
using Tessera.Sessions;
using Tessera.TestSupport;

namespace Tessera.Tests.Sessions;

/// <summary>
/// <see cref="SessionState.Parse"/> reads a plaintext in one checked pass; it must give the verdict the two-pass parse
/// before it gave (<see cref="LegacySessionStateParser"/>: <see cref="SessionJson.IsReadable"/>, then a reader pass) for
/// every input, and the same state when it accepts.
/// </summary>
public sealed class SessionStateParseTests
{
    private const string Head = "\"v\":1,\"c\":1700000000000,\"a\":1700000000000";
    private const int DocumentDepth = JsonLimits.MaxDepth + 1;

    // The session dictionary is the document's second level: a value may nest this many levels more.
    private const int ValueLevels = DocumentDepth - 2;

    /// <summary>Documents the readability rules refuse; "&lt;FF&gt;"-style markers stand for raw bytes.</summary>
    public static TheoryData<string, string> Unreadable => new()
    {
        { "duplicate field in the root", $"{{{Head},\"v\":1,\"d\":{{}}}}" },
        { "duplicate field after the dictionary", $"{{{Head},\"d\":{{}},\"c\":1700000000000}}" },
        { "duplicate key in the dictionary", $"{{{Head},\"d\":{{\"a\":1,\"b\":2,\"a\":3}}}}" },
        { "duplicate key spelt with an escape", $"{{{Head},\"d\":{{\"a\":1,\"\\u0061\":2}}}}" },
        { "duplicate empty key", $"{{{Head},\"d\":{{\"\":1,\"\":2}}}}" },
        { "duplicate name in a value, depth 3", $"{{{Head},\"d\":{{\"a\":{{\"x\":1,\"x\":2}}}}}}" },
        { "duplicate name deep in a value", $"{{{Head},\"d\":{{\"a\":[[{{\"k\":[{{\"y\":{{\"z\":1,\"q\":[],\"z\":2}}}}]}}]]}}}}" },
        { "duplicate name in the sign-in extras", $"{{{Head},\"u\":\"al\",\"x\":{{\"r\":1,\"r\":2}},\"d\":{{}}}}" },
        { "duplicate name in an unknown field", $"{{{Head},\"z\":{{\"q\":1,\"q\":1}},\"d\":{{}}}}" },
        { "lone high surrogate in a key", $"{{{Head},\"d\":{{\"\\ud800\":1}}}}" },
        { "lone low surrogate in a value", $"{{{Head},\"d\":{{\"a\":\"\\udc00\"}}}}" },
        { "high surrogate then text in a value", $"{{{Head},\"d\":{{\"a\":[\"\\ud800x\"]}}}}" },
        { "reversed pair in a nested name", $"{{{Head},\"d\":{{\"a\":{{\"\\udc00\\ud800\":1}}}}}}" },
        { "lone surrogate in the user id", $"{{{Head},\"u\":\"\\ud800\",\"d\":{{}}}}" },
        { "lone surrogate in the extras", $"{{{Head},\"u\":\"al\",\"x\":{{\"n\":\"\\udbff\"}},\"d\":{{}}}}" },
        { "lone surrogate in an unknown field", $"{{{Head},\"zz\":[\"\\ud800\"],\"d\":{{}}}}" },
        { "lone surrogate in an unknown field's name", $"{{{Head},\"\\ud800\":1,\"d\":{{}}}}" },
        { "raw invalid UTF-8 in a value", $"{{{Head},\"d\":{{\"a\":\"x<FF>\"}}}}" },
        { "raw encoded surrogate in a key", $"{{{Head},\"d\":{{\"<ED><A0><80>\":1}}}}" },
        { "truncated inside the dictionary", $"{{{Head},\"d\":{{\"a\":1}}" },
        { "truncated inside a value", $"{{{Head},\"d\":{{\"a\":[1,{{\"b\":" },
        { "trailing garbage", $"{{{Head},\"d\":{{}}}}x" },
        { "a second document", $"{{{Head},\"d\":{{}}}}{{}}" },
        { "syntax error in an unknown field", $"{{{Head},\"z\":[1,,2],\"d\":{{}}}}" },
        { "value one level too deep", $"{{{Head},\"d\":{{\"a\":{Nest(ValueLevels + 1)}}}}}" },
        { "unknown field one level too deep", $"{{{Head},\"z\":{Nest(DocumentDepth)},\"d\":{{}}}}" },
        { "empty", string.Empty },
        { "not JSON", "session" },
    };

    /// <summary>Readable documents whose fields the layout refuses.</summary>
    public static TheoryData<string, string> BadFields => new()
    {
        { "version 2", "{\"v\":2,\"c\":1700000000000,\"a\":1700000000000,\"d\":{}}" },
        { "no created time", "{\"v\":1,\"a\":1700000000000,\"d\":{}}" },
        { "created time as a string", "{\"v\":1,\"c\":\"1700000000000\",\"a\":1700000000000,\"d\":{}}" },
        { "negative idle timeout", $"{{{Head},\"i\":-1,\"d\":{{}}}}" },
        { "check hash of 31 bytes", $"{{{Head},\"u\":\"al\",\"k\":\"{Convert.ToBase64String(new byte[31])}\",\"d\":{{}}}}" },
        { "dictionary is an array", $"{{{Head},\"d\":[]}}" },
        { "root is an array", "[1]" },
    };

    /// <summary>Documents both parses accept, at the edges of the rules.</summary>
    public static TheoryData<string, string> Readable => new()
    {
        { "minimal", $"{{{Head}}}" },
        { "every field", $"{{{Head},\"i\":1200.5,\"l\":86400,\"u\":\"alice\",\"k\":\"{Convert.ToBase64String(new byte[32])}\",\"x\":{{\"r\":[1,{{\"a\":null}}]}},\"ip\":\"::1\",\"d\":{{\"a\":1,\"b\":\"two\"}}}}" },
        { "same name in sibling and nested objects", $"{{{Head},\"d\":{{\"x\":{{\"x\":{{\"x\":1}}}},\"y\":{{\"x\":1}},\"z\":[{{\"x\":1}},{{\"x\":2}}]}}}}" },
        { "names that differ only after unescaping", $"{{{Head},\"d\":{{\"a\":1,\"\\u0062\":2,\"\\\\u0061\":3}}}}" },
        { "escaped surrogate pairs", $"{{{Head},\"d\":{{\"\\ud83d\\ude00\":\"\\uDBFF\\uDFFF\",\"s\":\"\\\\ud800\"}}}}" },
        { "value as deep as allowed", $"{{{Head},\"d\":{{\"a\":{Nest(ValueLevels)}}}}}" },
        { "whitespace everywhere", $" \n{{ {Head.Replace(",", " ,\t", StringComparison.Ordinal)} , \"d\" : {{ \"a\" : [ 1 , {{ \"b\" : \"c\" }} ] }} }} \r\n" },
        { "unknown fields before and after", $"{{\"zz\":{{\"q\":[1]}},{Head},\"d\":{{\"a\":1}},\"yy\":\"\\u00e9\"}}" },
        { "raw UTF-8 text", $"{{{Head},\"d\":{{\"é😀\":\"ünïcödé 😀\"}}}}" },
    };

    [Theory]
    [MemberData(nameof(Unreadable))]
    public void Parse_UnreadableDocument_RefusedLikeTheTwoPassParse(string reason, string json)
    {
        var utf8 = Bytes(json);
        Assert.False(SessionJson.IsReadable(utf8, DocumentDepth), $"the readability rules accept the case '{reason}'");
        Assert.Null(LegacySessionStateParser.Parse(utf8));
        Assert.Null(SessionState.Parse(utf8));
    }

    [Theory]
    [MemberData(nameof(BadFields))]
    public void Parse_ReadableDocumentWithBadField_RefusedLikeTheTwoPassParse(string reason, string json)
    {
        var utf8 = Bytes(json);
        Assert.True(SessionJson.IsReadable(utf8, DocumentDepth), $"the case '{reason}' is not about a field");
        Assert.Null(LegacySessionStateParser.Parse(utf8));
        Assert.Null(SessionState.Parse(utf8));
    }

    [Theory]
    [MemberData(nameof(Readable))]
    public void Parse_ReadableDocument_SameStateAsTheTwoPassParse(string reason, string json)
    {
        var utf8 = Bytes(json);
        var expected = LegacySessionStateParser.Parse(utf8);
        Assert.True(expected is not null, $"the two-pass parse refuses the case '{reason}'");
        AssertSame(expected, SessionState.Parse(utf8));
    }

    [Fact]
    public void Parse_EveryPrefixOfAValidState_SameVerdictAsTheTwoPassParse()
    {
        var valid = SessionStateFuzzTests.ValidState;
        for (var length = 0; length <= valid.Length; length++)
        {
            var prefix = valid[..length];
            var expected = LegacySessionStateParser.Parse(prefix);
            Assert.True((expected is null) == (length < valid.Length), $"prefix of {length} bytes");
            AssertSame(expected, SessionState.Parse(prefix));
        }
    }

    [Fact]
    public void Parse_HugeState_SameStateAsTheTwoPassParse()
    {
        var values = Enumerable.Range(0, 10_000).Select(i => $"\"key{i}\":{{\"n\":{i},\"s\":\"{new string('x', i % 100)}\\u00e9\",\"a\":[{i},null,true]}}");
        var big = $"\"big\":\"{new string('b', 1 << 20)}\"";
        var utf8 = Bytes($"{{{Head},\"d\":{{{string.Join(',', values)},{big}}}}}");
        var expected = LegacySessionStateParser.Parse(utf8);
        Assert.Equal(10_001, expected?.Values.Count);
        AssertSame(expected, SessionState.Parse(utf8));

        // One duplicate name near the end, deep in the last value, is still found.
        var duplicated = Bytes($"{{{Head},\"d\":{{{string.Join(',', values)},\"last\":[{{\"q\":1,\"q\":2}}]}}}}");
        Assert.Null(LegacySessionStateParser.Parse(duplicated));
        Assert.Null(SessionState.Parse(duplicated));
    }

    [Fact]
    [Trait("Category", FuzzCases.Trait)]
    public void Parse_GarbageStates_SameVerdictAndStateAsTheTwoPassParse()
    {
        var refused = 0;
        for (var i = 0; i < FuzzCases.Count; i++)
        {
            var plaintext = JsonGarbage.Make(new Random(i), SessionStateFuzzTests.ValidState, SessionStateFuzzTests.StateFields);
            var expected = LegacySessionStateParser.Parse(plaintext);
            var actual = SessionState.Parse(plaintext);
            if ((expected is null) != (actual is null))
            {
                Assert.Fail($"case {i}: two passes {(expected is null ? "refuse" : "accept")}, one pass {(actual is null ? "refuses" : "accepts")}\nplaintext: {Convert.ToHexString(plaintext)}");
            }

            AssertSame(expected, actual);
            refused += expected is null ? 1 : 0;
        }

        Assert.InRange(refused, 1, FuzzCases.Count - 1); // both verdicts were exercised
    }

    private static void AssertSame(SessionState? expected, SessionState? actual)
    {
        Assert.Equal(expected is null, actual is null);
        if (expected is null || actual is null)
        {
            return;
        }

        Assert.Equal((expected.CreatedMs, expected.AccessedMs, expected.IdleTimeout, expected.Lifetime, expected.UserId, expected.CheckHash, expected.BoundIp),
            (actual.CreatedMs, actual.AccessedMs, actual.IdleTimeout, actual.Lifetime, actual.UserId, actual.CheckHash, actual.BoundIp));
        Assert.Equal(expected.Extras?.ToJsonString(), actual.Extras?.ToJsonString());
        Assert.Equal(expected.Values.Keys, actual.Values.Keys);
        Assert.Equal(expected.Serialize(), actual.Serialize());
    }

    private static string Nest(int levels) => string.Concat(Enumerable.Repeat("[", levels)) + "1" + string.Concat(Enumerable.Repeat("]", levels));

    private static byte[] Bytes(string json)
    {
        var bytes = new List<byte>();
        for (var rest = json; rest.Length > 0;)
        {
            if (rest.StartsWith('<') && rest.Length >= 4 && rest[3] == '>' && Uri.IsHexDigit(rest[1]) && Uri.IsHexDigit(rest[2]))
            {
                bytes.Add(Convert.ToByte(rest[1..3], 16));
                rest = rest[4..];
                continue;
            }

            var next = rest.IndexOf('<', 1);
            bytes.AddRange(Encoding.UTF8.GetBytes(next < 0 ? rest : rest[..next]));
            rest = next < 0 ? string.Empty : rest[next..];
        }

        return [.. bytes];
    }
}
