using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Tessera.AspNetCore;

/// <summary>
/// Maps <see cref="Microsoft.AspNetCore.Http.ISession"/>'s byte values onto the JSON values a Tessera session holds,
/// so the byte API and the JSON API see the same data:
/// <list type="bullet">
/// <item>writing bytes that are valid UTF-8 stores a JSON string of that text (so <c>SetString</c> stores a string);</item>
/// <item>writing any other bytes stores <c>{"$base64": "..."}</c> (standard base64);</item>
/// <item>reading a JSON string gives its UTF-8 bytes, reading <c>{"$base64": "..."}</c> gives the decoded bytes,
/// and reading any other JSON value (number, object, array, boolean) gives the UTF-8 bytes of its compact JSON text
/// (so <c>GetString</c> of the number 5 is <c>"5"</c>).</item>
/// </list>
/// </summary>
internal static class SessionValueCodec
{
    /// <summary>The property name of the object that wraps bytes that are not UTF-8 text.</summary>
    public const string Base64Property = "$base64";

    // Validated first rather than decoded strictly: a throwing decoder costs an exception for every non-text value
    // (SetInt32 of 128 and up, for one), which was the largest single cost of a request that writes one.
    public static JsonNode ToJson(byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Utf8.IsValid(value)
            ? JsonValue.Create(Encoding.UTF8.GetString(value))
            : new JsonObject { [Base64Property] = Convert.ToBase64String(value) };
    }

    public static byte[] ToBytes(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return "null"u8.ToArray();
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return Encoding.UTF8.GetBytes(v.GetValue<string>());
            case JsonObject o when o.Count == 1 && o[Base64Property] is JsonValue b && b.GetValueKind() == JsonValueKind.String:
                var buffer = new byte[b.GetValue<string>().Length];
                return Convert.TryFromBase64String(b.GetValue<string>(), buffer, out var written)
                    ? buffer[..written]
                    : Encoding.UTF8.GetBytes(o.ToJsonString());
            default:
                return Encoding.UTF8.GetBytes(node.ToJsonString());
        }
    }
}
