using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Tessera.Sessions;

namespace Tessera.Tests.Sessions;

/// <summary>FsCheck generators of session dictionaries: any valid Unicode, odd numbers, empty keys, deep and wide values.</summary>
internal static class SessionJsonGen
{
    // Characters JSON writers escape or treat specially, and every UTF-8 length (1 to 4 bytes, surrogate pairs).
    private static readonly string[] Pieces =
        ["", "a", "Z", "0", " ", "\"", "\\", "/", "\0", "\n", "\t", "\u001f", "\u007f", "é", "ж", "漢", "😀", "\U0010FFFF", "\uFFFF", "\uFEFF", "\u2028", "<", "&", "'", "+", "$base64", "d", "c"];

    /// <summary>A string of valid UTF-16: pieces and random code points outside the surrogate range.</summary>
    public static readonly Gen<string> Text =
        from n in Gen.Choose(0, 12)
        from parts in Gen.ArrayOf(
            Gen.OneOf(Gen.Elements(Pieces), Gen.Choose(0, 0x10FFFF - 0x800).Select(c => char.ConvertFromUtf32(c < 0xD800 ? c : c + 0x800))), n)
        select string.Concat(parts);

    /// <summary>Numbers at the edges of every .NET numeric type JSON can carry, and random finite doubles.</summary>
    public static readonly Gen<JsonNode> Number = Gen.OneOf(
        Gen.Elements<Func<JsonNode>>(
            () => JsonValue.Create(long.MinValue), () => JsonValue.Create(long.MaxValue), () => JsonValue.Create(ulong.MaxValue), () => JsonValue.Create(0),
            () => JsonValue.Create(-0.0), () => JsonValue.Create(double.Epsilon), () => JsonValue.Create(double.MaxValue), () => JsonValue.Create(-double.MaxValue),
            () => JsonValue.Create(1e-300), () => JsonValue.Create(decimal.MaxValue), () => JsonValue.Create(decimal.MinValue), () => JsonValue.Create(0.1m),
            () => JsonValue.Create(float.MaxValue), () => JsonValue.Create(int.MinValue)).Select(create => create()),
        ArbMap.Default.GeneratorFor<long>().Select(n => (JsonNode)JsonValue.Create(n)),
        ArbMap.Default.GeneratorFor<NormalFloat>().Select(d => (JsonNode)JsonValue.Create(d.Item)));

    private static readonly Gen<JsonNode?> Scalar = Gen.OneOf<JsonNode?>(
        Text.Select(s => (JsonNode?)JsonValue.Create(s)),
        Number.Select(n => (JsonNode?)n),
        Gen.Elements<bool?>(null, true, false).Select(b => b is { } v ? (JsonNode?)JsonValue.Create(v) : null));

    /// <summary>A value of a few levels and entries.</summary>
    public static readonly Gen<JsonNode?> Value = Gen.Sized(size => ValueOf(Math.Min(size, 6)));

    /// <summary>One chain of objects and arrays exactly <paramref name="depth"/> levels deep around a scalar.</summary>
    public static Gen<JsonNode?> Deep(int depth) =>
        from kinds in Gen.ArrayOf(Gen.Elements(true, false), depth)
        from key in Text
        from leaf in Scalar
        select Nest(kinds, key, leaf);

    /// <summary>Deep (anywhere up to the limit, often at it) and wide values.</summary>
    public static readonly Gen<JsonNode?> Big = Gen.OneOf<JsonNode?>(
        Gen.Choose(SessionJson.MaxValueDepth - 3, SessionJson.MaxValueDepth).SelectMany(Deep),
        Gen.Choose(1, SessionJson.MaxValueDepth).SelectMany(Deep),
        from n in Gen.Choose(100, 600)
        from items in Gen.ArrayOf(Scalar, n)
        select (JsonNode?)new JsonArray([.. items]),
        from n in Gen.Choose(100, 400)
        from keys in Gen.ArrayOf(Text, n)
        from value in Scalar
        select (JsonNode?)Object(keys.Select((k, i) => (k + i.ToString(System.Globalization.CultureInfo.InvariantCulture), value?.DeepClone()))));

    /// <summary>A session dictionary: keys of any valid Unicode (the empty key included), values small or <see cref="Big"/>.</summary>
    public static Gen<JsonObject> Dictionary(bool big) =>
        from n in Gen.Choose(0, big ? 3 : 12)
        from keys in Gen.ArrayOf(Text, n)
        from values in Gen.ArrayOf(big ? Gen.Frequency<JsonNode?>((3, Value), (1, Big)) : Value, n)
        select Object(keys.Zip(values));

    private static Gen<JsonNode?> ValueOf(int size) =>
        size <= 0
            ? Scalar
            : Gen.Frequency<JsonNode?>(
                (3, Scalar),
                (1, from n in Gen.Choose(0, 6)
                    from items in Gen.ArrayOf(ValueOf(size / 2), n)
                    select (JsonNode?)new JsonArray([.. items])),
                (1, from n in Gen.Choose(0, 6)
                    from keys in Gen.ArrayOf(Text, n)
                    from values in Gen.ArrayOf(ValueOf(size / 2), n)
                    select (JsonNode?)Object(keys.Zip(values))));

    private static JsonObject Object(IEnumerable<(string Key, JsonNode? Value)> entries)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in entries)
        {
            obj[key] = value; // a repeated key replaces: a JsonObject has unique names
        }

        return obj;
    }

    private static JsonNode? Nest(bool[] kinds, string key, JsonNode? leaf)
    {
        var node = leaf;
        foreach (var isObject in kinds)
        {
            node = isObject ? new JsonObject { [key] = node } : new JsonArray(node);
        }

        return node;
    }

    /// <summary>A readable description of a failing dictionary (FsCheck prints it).</summary>
    public static string Describe(JsonObject dictionary)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in dictionary)
        {
            var json = value?.ToJsonString() ?? "null";
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{key}: {json[..Math.Min(json.Length, 80)]}; ");
        }

        return text.ToString();
    }
}
