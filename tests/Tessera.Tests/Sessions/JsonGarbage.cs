using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Cookies;

namespace Tessera.Tests.Sessions;

/// <summary>
/// Correctly keyed garbage for the fuzz tests: each case is plaintext a decoder receives after its cipher has verified,
/// made deterministically from a seeded <see cref="Random"/>: random bytes, mutated and truncated valid payloads, and
/// the decoder's own envelope filled with hostile fields (depth at and past the limit, lone-surrogate escapes, raw
/// invalid UTF-8, duplicate keys, hostile numbers and times). <see cref="Reference"/> is the independent oracle.
/// </summary>
internal static class JsonGarbage
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    private static readonly string[] Numbers =
    [
        "0", "-0", "1", "-1", "1.5", "1e999", "-1e999", "1E-999", "123456789012345678901234567890", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "-9223372036854775809", "253402300799999", "253402300800000", "-62135596800000", "-62135596800001", "1e300",
        "0.0000001", "0.00000001", "922337203685.4775807", "922337203685.4775808", "1700000000000", "1.7e12", "\"1700000000000\"", "true", "null", "[]", "{}",
    ];

    private static readonly string[] Strings =
    [
        "\"\"", "\"a\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800x\"", "\"\\ud83d\\ude00\"", "\"\\uDBFF\\uDFFF\"", "\"\\ud800\\ud800\"", "\"\\udc00\\ud800\"",
        "\"\\\\ud800\"", "\"x\\u0000y\"", "\"é😀\"", "\"\\u00e9\"", "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"", "\"not base64\"",
    ];

    private static readonly string[] Keys =
        ["\"a\"", "\"\"", "\"\\u0061\"", "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\ud83d\\ude00\"", "\"$base64\"", "\"d\"", "\"c\""];

    /// <summary>One garbage plaintext for an envelope with these fields (name and generator of its value).</summary>
    public static byte[] Make(Random rng, byte[] valid, IReadOnlyList<(string Name, Func<Random, string> Value)> fields)
    {
        switch (rng.Next(10))
        {
            case 0:
                var bytes = new byte[rng.Next(0, 300)];
                rng.NextBytes(bytes);
                return bytes;
            case 1:
                return Mutate(rng, valid);
            case 2:
                return valid[..rng.Next(0, valid.Length)];
            case 3 when rng.Next(8) == 0:
                // The session dictionary holding one value as deep as allowed, one level short or one past.
                return Splice(rng, Envelope(rng, fields, "{\"deep\":" + Nest(rng, JsonLimits.MaxDepth - 3 + rng.Next(0, 3)) + "}"));
            default:
                return Splice(rng, Envelope(rng, fields, null));
        }
    }

    /// <summary>A hostile value for the session dictionary or any JSON-valued field.</summary>
    public static string Value(Random rng, int depth = 0) => rng.Next(8) switch
    {
        0 => Pick(rng, Numbers),
        1 or 2 => Pick(rng, Strings),
        3 => Nest(rng, rng.Next(1, 40)),
        4 when depth < 2 => "[" + string.Join(",", Enumerable.Range(0, rng.Next(0, 4)).Select(_ => Value(rng, depth + 1))) + "]",
        5 when depth < 2 => Object(rng, depth + 1),
        _ => Pick(rng, Strings),
    };

    /// <summary>A hostile object: keys that repeat (also through escapes), lone surrogates, nested values.</summary>
    public static string Object(Random rng, int depth = 0)
    {
        var count = rng.Next(0, 4);
        var members = Enumerable.Range(0, count).Select(_ => Pick(rng, Keys) + ":" + Value(rng, depth));
        return "{" + string.Join(",", members) + "}";
    }

    /// <summary>Milliseconds around a moment, or a hostile number.</summary>
    public static string Millis(Random rng, DateTimeOffset around) =>
        rng.Next(3) == 0 ? Pick(rng, Numbers) : (around.ToUnixTimeMilliseconds() - rng.Next(-100_000_000, 100_000_000)).ToString(CultureInfo.InvariantCulture);

    /// <summary>Lifetime seconds, or a hostile number.</summary>
    public static string Seconds(Random rng) =>
        rng.Next(3) == 0 ? Pick(rng, Numbers) : (rng.Next(1, 200_000) / 10.0).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The oracle: parses as a plain System.Text.Json user would (strict UTF-8, at most <paramref name="maxDepth"/>
    /// levels) and materialises every node, which refuses duplicate names and lone surrogates; null when any step fails.
    /// </summary>
    public static JsonNode? Reference(byte[] utf8, int maxDepth)
    {
        try
        {
            _ = StrictUtf8.GetCharCount(utf8);
            var node = JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { MaxDepth = maxDepth });
            Touch(node);
            return node ?? JsonValue.Create("null-literal");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or DecoderFallbackException)
        {
            return null;
        }
    }

    private static void Touch(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    Touch(value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Touch(item);
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                _ = value.GetValue<string>();
                break;
        }
    }

    // The envelope's levels: itself, the dictionary "d", then the deep value's own levels.
    private static string Envelope(Random rng, IReadOnlyList<(string Name, Func<Random, string> Value)> fields, string? deepDictionary)
    {
        var members = new List<string>();
        foreach (var (name, value) in fields)
        {
            if (deepDictionary is not null && name == "d")
            {
                members.Add($"\"d\":{deepDictionary}");
            }
            else if (rng.Next(8) != 0)
            {
                members.Add($"\"{name}\":{value(rng)}");
            }

            if (rng.Next(30) == 0)
            {
                members.Add($"\"{name}\":{value(rng)}"); // a duplicate field
            }
        }

        if (rng.Next(10) == 0)
        {
            members.Add($"{Pick(rng, Keys)}:{Value(rng)}"); // an unknown or escaped-duplicate field
        }

        Shuffle(rng, members);
        return "{" + string.Join(",", members) + "}";
    }

    private static string Nest(Random rng, int levels)
    {
        var kinds = new bool[levels];
        for (var i = 0; i < levels; i++)
        {
            kinds[i] = rng.Next(2) == 0;
        }

        var text = new StringBuilder();
        foreach (var isObject in kinds)
        {
            text.Append(isObject ? "{\"k\":" : "[");
        }

        text.Append(Pick(rng, Strings));
        for (var i = levels - 1; i >= 0; i--)
        {
            text.Append(kinds[i] ? '}' : ']');
        }

        return text.ToString();
    }

    // Now and then raw invalid UTF-8 (a lone byte, an encoded surrogate, an overlong form) inside the text.
    private static byte[] Splice(Random rng, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        if (rng.Next(12) != 0)
        {
            return bytes;
        }

        byte[][] bad = [[0xFF], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xE2, 0x82], [0x80]];
        var quote = Array.IndexOf(bytes, (byte)'"', rng.Next(0, bytes.Length));
        var at = quote < 0 ? rng.Next(0, bytes.Length + 1) : quote + 1;
        return [.. bytes[..at], .. bad[rng.Next(bad.Length)], .. bytes[at..]];
    }

    private static byte[] Mutate(Random rng, byte[] valid)
    {
        var bytes = new List<byte>(valid);
        for (var n = rng.Next(1, 4); n > 0; n--)
        {
            var at = rng.Next(0, bytes.Count + 1);
            var b = (byte)(rng.Next(2) == 0 ? rng.Next(256) : "{}[]\",:\\u0123456789eE-.dcr"[rng.Next(26)]);
            switch (rng.Next(3))
            {
                case 0 when at < bytes.Count:
                    bytes[at] = b;
                    break;
                case 1 when at < bytes.Count:
                    bytes.RemoveAt(at);
                    break;
                default:
                    bytes.Insert(at, b);
                    break;
            }
        }

        return [.. bytes];
    }

    private static void Shuffle(Random rng, List<string> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static string Pick(Random rng, string[] items) => items[rng.Next(items.Length)];
}
