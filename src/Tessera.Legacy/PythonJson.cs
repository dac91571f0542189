using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Cookies;

namespace Tessera.Legacy;

/// <summary>
/// JSON text as Python's <c>json.dumps</c> writes it with default options (<c>", "</c> and <c>": "</c>
/// separators, ASCII only with lowercase <c>\uXXXX</c> escapes, floats in <c>repr</c> form). Used for the peers'
/// formats so that the size a peer sees when it re-issues our cookie is the size we measured.
/// </summary>
internal static class PythonJson
{
    /// <summary>The deepest session data the legacy writers emit: <see cref="JsonLimits.PythonPeerWriteDepth"/>.</summary>
    public const int MaxDepth = JsonLimits.PythonPeerWriteDepth;

    /// <summary>Python's <c>json.dumps</c> text of <paramref name="node"/>.</summary>
    /// <param name="node">The JSON to write.</param>
    /// <param name="dataLevel">The nesting level of <paramref name="node"/>'s session dictionary: 1 when it is the dictionary, 2 inside pyramid's envelope.</param>
    /// <exception cref="ArgumentException">The session data is nested deeper than <see cref="MaxDepth"/>.</exception>
    public static string Serialize(JsonNode? node, int dataLevel = 1)
    {
        var sb = new StringBuilder();
        Write(sb, node, 2 - dataLevel);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonNode? node, int depth)
    {
        if (depth > MaxDepth && node is JsonObject or JsonArray)
        {
            throw new ArgumentException(
                $"The session data is nested more than {MaxDepth} levels deep (the session dictionary is level 1), the most the legacy formats write: Beaker and pyramid_nacl_session could not read it back (Python's json stops near 1000 levels, less inside a web application). Flatten the data.",
                nameof(node));
        }

        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                sb.Append('{');
                var first = true;
                foreach (var (key, value) in obj)
                {
                    if (!first)
                    {
                        sb.Append(", ");
                    }

                    first = false;
                    WriteString(sb, key);
                    sb.Append(": ");
                    Write(sb, value, depth + 1);
                }

                sb.Append('}');
                break;
            case JsonArray array:
                sb.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    Write(sb, array[i], depth + 1);
                }

                sb.Append(']');
                break;
            case JsonValue value:
                WriteValue(sb, value);
                break;
            default:
                throw new ArgumentException("Unsupported JSON node.", nameof(node));
        }
    }

    private static void WriteValue(StringBuilder sb, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(sb, value.GetValue<string>());
                break;
            case JsonValueKind.True:
                sb.Append("true");
                break;
            case JsonValueKind.False:
                sb.Append("false");
                break;
            case JsonValueKind.Null:
                sb.Append("null");
                break;
            case JsonValueKind.Number:
                WriteNumber(sb, value.ToJsonString());
                break;
            default:
                throw new ArgumentException("Unsupported JSON value.", nameof(value));
        }
    }

    /// <summary>Integers keep their digits (any size, as Python's int); anything with a fraction or exponent is a float.</summary>
    private static void WriteNumber(StringBuilder sb, string text)
    {
        if (text.AsSpan().IndexOfAny(".eE") < 0)
        {
            sb.Append(text);
            return;
        }

        sb.Append(FloatRepr(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)));
    }

    /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits, exponent form when decpt &lt;= -4 or &gt; 16.</summary>
    public static string FloatRepr(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException("NaN and infinities are not JSON.", nameof(value));
        }

        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = r.StartsWith('-');
        if (negative)
        {
            r = r[1..];
        }

        var exponent = 0;
        var e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }

        var dot = r.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot >= 0 ? r[..dot] : r;
        var digits = intPart + (dot >= 0 ? r[(dot + 1)..] : string.Empty);
        var decpt = intPart.Length + exponent;
        var lead = 0;
        while (lead < digits.Length && digits[lead] == '0')
        {
            lead++;
        }

        digits = digits[lead..].TrimEnd('0');
        decpt -= lead;
        var sign = negative ? "-" : string.Empty;
        if (digits.Length == 0)
        {
            return sign + "0.0";
        }

        if (decpt <= -4 || decpt > 16)
        {
            var mantissa = digits.Length > 1 ? digits[..1] + "." + digits[1..] : digits;
            var exp = decpt - 1;
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
        }

        if (decpt <= 0)
        {
            return sign + "0." + new string('0', -decpt) + digits;
        }

        if (decpt >= digits.Length)
        {
            return sign + digits + new string('0', decpt - digits.Length) + ".0";
        }

        return sign + digits[..decpt] + "." + digits[decpt..];
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        if (s.AsSpan().ContainsAnyInRange('\ud800', '\udfff') && !IsWellFormed(s))
        {
            throw new ArgumentException("A session string holds a lone surrogate: it is not Unicode text, and Tessera's readers refuse it (Python would accept it). Store text or bytes (base64) instead.", nameof(s));
        }

        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < ' ' || c > '~')
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    private static bool IsWellFormed(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(text, out _, out var used) != OperationStatus.Done)
            {
                return false;
            }

            text = text[used..];
        }

        return true;
    }
}
