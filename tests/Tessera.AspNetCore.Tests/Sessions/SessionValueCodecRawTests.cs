using System.Text;
using System.Text.Json.Nodes;
using Tessera.Sessions;

namespace Tessera.AspNetCore.Tests.Sessions;

/// <summary>
/// Byte values without a JSON node: <see cref="SessionValueCodec.ToBase64Json"/> must make the session store exactly the
/// bytes it stored for <see cref="SessionValueCodec.ToJson"/>'s node, and <see cref="SessionValueCodec.TryToBytes"/>
/// must read stored text as <see cref="SessionValueCodec.ToBytes"/> reads its node, or leave it to it.
/// </summary>
public sealed class SessionValueCodecRawTests
{
    private const string Key = "n";

    /// <summary>Empty, UTF-8 text, invalid UTF-8, every byte, '+' and '/' heavy, random of many sizes, large.</summary>
    public static IEnumerable<byte[]> Samples()
    {
        yield return [];
        yield return Encoding.UTF8.GetBytes("héllo 😀");
        yield return [0xC3, 0x28];
        yield return [0xFF, 0x00, 0x80];
        yield return [0, 0, 0, 200];
        yield return [0xFB, 0xEF, 0xBE, 0xFF, 0xFF, 0xFF]; // "++++////"
        yield return [.. Enumerable.Range(0, 256).Select(i => (byte)i)];
        var rng = new Random(13);
        for (var i = 0; i < 500; i++)
        {
            var bytes = new byte[rng.Next(0, 200)];
            rng.NextBytes(bytes);
            yield return bytes;
        }

        var large = new byte[300_000];
        rng.NextBytes(large);
        yield return large;
    }

    [Fact]
    public void ToBase64Json_AnyBytes_SessionStoresWhatItStoredForTheNode()
    {
        var withPlus = 0;
        foreach (var bytes in Samples())
        {
            // ToJson makes this object for bytes that are not UTF-8 text; the raw form is used only for those, but must agree for all.
            var node = new JsonObject { [SessionValueCodec.Base64Property] = Convert.ToBase64String(bytes) };
            var raw = SessionValueCodec.ToBase64Json(bytes);
            Assert.Equal(Stored(SessionValue.FromNode(node)), Stored(SessionValue.FromRaw(raw)));
            withPlus += Convert.ToBase64String(bytes).Contains('+', StringComparison.Ordinal) ? 1 : 0;
        }

        Assert.True(withPlus > 100, "the samples exercise the escaped '+'");
    }

    [Fact]
    public void TryToBytes_ValuesTheNodePathStored_DecodesToTheSameBytes()
    {
        foreach (var bytes in Samples())
        {
            var stored = StoredSlice(SessionValue.FromNode(SessionValueCodec.ToJson(bytes)));
            var decoded = SessionValueCodec.TryToBytes(stored);
            Assert.NotNull(decoded);
            Assert.Equal(bytes, decoded);
            Assert.Equal(SessionValueCodec.ToBytes(SessionJson.ParseValidated(stored)), decoded);
        }
    }

    [Theory]
    [InlineData("{\"$base64\":\"wyg=\"}", true, "the codec's own shape")]
    [InlineData("{\"$base64\":\"\"}", true, "empty bytes")]
    [InlineData("{\"\\u0024base64\":\"wyg=\"}", true, "the name spelt with an escape is the same name")]
    [InlineData("{\"$base64\":\"\\u0077yg=\"}", true, "an escaped base64 character")]
    [InlineData("{\"$base64\":\"wy g=\\n\"}", true, "whitespace inside the base64, which Convert skips")]
    [InlineData("{ \"$base64\" : \"wyg=\" }", true, "whitespace around the member")]
    [InlineData("{\"$base64\":\"wyh=\"}", true, "non-zero padding bits, which Convert accepts")]
    [InlineData("\"text\"", true, "a string")]
    [InlineData("\"h\\u00e9\\ud83d\\ude00\\u0000\"", true, "a string with escapes")]
    [InlineData("{\"$base64\":\"not base64!\"}", false, "bad base64")]
    [InlineData("{\"$base64\":\"wyg\"}", false, "base64 without its padding")]
    [InlineData("{\"$base64\":\"wyg=\",\"x\":1}", false, "an extra member after")]
    [InlineData("{\"x\":1,\"$base64\":\"wyg=\"}", false, "an extra member before")]
    [InlineData("{\"$base64\":1}", false, "a number, not a string")]
    [InlineData("{\"$base64\":null}", false, "null, not a string")]
    [InlineData("{\"$base64\":[\"wyg=\"]}", false, "an array, not a string")]
    [InlineData("{\"$Base64\":\"wyg=\"}", false, "another name")]
    [InlineData("{}", false, "an empty object")]
    [InlineData("[\"wyg=\"]", false, "an array")]
    [InlineData("42", false, "a number")]
    [InlineData("null", false, "null")]
    [InlineData("true", false, "a boolean")]
    public void TryToBytes_StoredValue_SameBytesAsToBytesOrLeftToIt(string json, bool decodedRaw, string reason)
    {
        var stored = Encoding.UTF8.GetBytes(json);
        var expected = SessionValueCodec.ToBytes(SessionJson.ParseValidated(stored));
        var raw = SessionValueCodec.TryToBytes(stored);
        Assert.True(decodedRaw == raw is not null, $"{reason}: {(raw is null ? "left to ToBytes" : "decoded raw")}");
        Assert.Equal(expected, raw ?? SessionValueCodec.ToBytes(SessionJson.ParseValidated(stored)));
    }

    // The plaintext SessionState stores for a session holding this one value.
    private static byte[] Stored(SessionValue value)
    {
        var state = new SessionState { CreatedMs = 1, AccessedMs = 2 };
        state.Values[Key] = value;
        return state.Serialize();
    }

    // The value's text as a loaded session holds it.
    private static byte[] StoredSlice(SessionValue value)
    {
        var loaded = SessionState.Parse(Stored(value));
        Assert.NotNull(loaded);
        Assert.True(loaded.Values[Key].TryGetRaw(out var raw));
        return raw.ToArray();
    }
}
