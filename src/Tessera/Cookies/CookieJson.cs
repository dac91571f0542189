using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tessera.Cookies;

/// <summary>Strict, non-throwing JSON parsing for cookie payloads: null on anything that is not clean JSON.</summary>
internal static class CookieJson
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = JsonLimits.MaxDepth, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Parses UTF-8 JSON and materialises every node, so lazy errors (duplicate keys, lone surrogates) surface here.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out JsonNode? node)
    {
        node = null;
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = Options.MaxDepth });
            node = JsonNode.Parse(ref reader, new JsonNodeOptions { PropertyNameCaseInsensitive = false });
            if (reader.Read())
            {
                return false; // trailing content
            }

            Touch(node);
            return true;
        }
        catch (JsonException)
        {
        }
        catch (InvalidOperationException)
        {
        }
        catch (ArgumentException)
        {
        }
        catch (FormatException)
        {
        }

        node = null;
        return false;
    }

    private static void Touch(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    _ = key.Length;
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

    /// <summary>A number as a double, or false for anything else (strings, booleans, non-finite).</summary>
    public static bool TryGetDouble(JsonNode? node, out double value)
    {
        value = 0;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out double d) && double.IsFinite(d))
        {
            value = d;
            return true;
        }

        return false;
    }

    /// <summary>Unix seconds to a time, refusing values outside DateTimeOffset's range.</summary>
    public static bool TryFromUnixSeconds(double seconds, out DateTimeOffset time)
    {
        time = default;
        if (!double.IsFinite(seconds) || seconds < -62135596800d || seconds > 253402300799d)
        {
            return false;
        }

        time = DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        return true;
    }

    /// <summary>A time as Unix seconds with sub-second precision.</summary>
    public static double ToUnixSeconds(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;
}
