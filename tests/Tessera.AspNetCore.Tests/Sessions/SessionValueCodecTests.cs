using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace Tessera.AspNetCore.Tests.Sessions;

public sealed class SessionValueCodecTests
{
    [Fact]
    public void ToJson_Utf8Text_IsJsonString()
    {
        var node = SessionValueCodec.ToJson(Encoding.UTF8.GetBytes("héllo"));
        Assert.Equal("\"h\\u00E9llo\"", node.ToJsonString());
        Assert.Equal("héllo", node.GetValue<string>());
    }

    [Fact]
    public void ToJson_InvalidUtf8_IsBase64Object()
    {
        var node = SessionValueCodec.ToJson([0xC3, 0x28]);
        Assert.Equal("{\"$base64\":\"wyg=\"}", node.ToJsonString());
    }

    [Theory]
    [InlineData("42", "42")]
    [InlineData("true", "true")]
    [InlineData("{\"a\":1}", "{\"a\":1}")]
    [InlineData("\"text\"", "text")]
    [InlineData("{\"$base64\":\"not base64!\"}", "{\"$base64\":\"not base64!\"}")]
    public void ToBytes_JsonValue_IsItsTextOrString(string json, string expected) =>
        Assert.Equal(expected, Encoding.UTF8.GetString(SessionValueCodec.ToBytes(JsonNode.Parse(json))));

    [Fact]
    public void RoundTrip_AnyBytes_Unchanged() =>
        Prop.ForAll<byte[]>(bytes =>
        {
            var node = JsonNode.Parse(SessionValueCodec.ToJson(bytes).ToJsonString());
            return SessionValueCodec.ToBytes(node).AsSpan().SequenceEqual(bytes);
        }).QuickCheckThrowOnFailure();
}
