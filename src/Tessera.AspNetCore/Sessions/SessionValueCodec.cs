using System.Buffers;
using System.Buffers.Text;
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

    /// <summary>
    /// The stored JSON text of <see cref="ToJson"/>'s <c>{"$base64": "..."}</c>, written without the node: byte for
    /// byte what the session's JSON writer makes of that node (its default encoder escapes <c>+</c> as <c>\u002B</c>).
    /// </summary>
    public static byte[] ToBase64Json(ReadOnlySpan<byte> value)
    {
        ReadOnlySpan<byte> prefix = "{\"$base64\":\""u8, suffix = "\"}"u8, plus = "\\u002B"u8;
        var base64 = ArrayPool<byte>.Shared.Rent(Base64.GetMaxEncodedToUtf8Length(value.Length));
        try
        {
            Base64.EncodeToUtf8(value, base64, out _, out var length);
            var text = base64.AsSpan(0, length);
            var json = new byte[prefix.Length + length + ((plus.Length - 1) * text.Count((byte)'+')) + suffix.Length];
            prefix.CopyTo(json);
            var to = prefix.Length;
            for (int at; (at = text.IndexOf((byte)'+')) >= 0; text = text[(at + 1)..])
            {
                text[..at].CopyTo(json.AsSpan(to));
                plus.CopyTo(json.AsSpan(to + at));
                to += at + plus.Length;
            }

            text.CopyTo(json.AsSpan(to));
            suffix.CopyTo(json.AsSpan(to + text.Length));
            return json;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(base64);
        }
    }

    /// <summary>
    /// <see cref="ToBytes"/> for a value still in its stored JSON text (validated on load, or made by
    /// <see cref="ToBase64Json"/>), without materialising it: a string or a well-formed <c>{"$base64": "..."}</c>.
    /// Null for every other value, which <see cref="ToBytes"/> then reads as a node.
    /// </summary>
    public static byte[]? TryToBytes(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return StringBytes(ref reader);
        }

        if (reader.TokenType != JsonTokenType.StartObject || !reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals(Base64Property) ||
            !reader.Read() || reader.TokenType != JsonTokenType.String)
        {
            return null;
        }

        // Decoded as ToBytes does (Convert, from the unescaped text), so the same strings decode or fall back.
        var chars = ArrayPool<char>.Shared.Rent(reader.ValueSpan.Length);
        var bytes = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            var text = chars.AsSpan(0, reader.CopyString(chars));
            return Convert.TryFromBase64Chars(text, bytes, out var written) && reader.Read() && reader.TokenType == JsonTokenType.EndObject
                ? bytes.AsSpan(0, written).ToArray()
                : null;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars, clearArray: true);
            ArrayPool<byte>.Shared.Return(bytes, clearArray: true); // session data
        }
    }

    // The UTF-8 of the unescaped string: what Encoding.UTF8.GetBytes gives for its (surrogate-free, validated) text.
    private static byte[] StringBytes(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan.ToArray();
        }

        var buffer = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            return buffer.AsSpan(0, reader.CopyString(buffer)).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
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
