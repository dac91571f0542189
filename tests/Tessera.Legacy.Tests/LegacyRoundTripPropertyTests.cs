using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Tessera.Cookies;

namespace Tessera.Legacy.Tests;

/// <summary>Read(Write(x)) == x for every legacy format over generated session data: deep, wide, any Unicode, big numbers, empty keys.</summary>
public sealed class LegacyRoundTripPropertyTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch.AddSeconds(1_700_000_000.5);

    public static TheoryData<string> Kinds => LegacyFormats.Kinds;

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ReadWrite_GeneratedData_ReadsBackEqual(string kind)
    {
        var format = LegacyFormats.Create(kind);
        var tooLarge = 0;
        Prop.ForAll(SessionData().ToArbitrary(), data =>
        {
            string value;
            try
            {
                value = format.Write("session", CookieSessionPayload.CreateNew(data, Now));
            }
            catch (CookieTooLargeException)
            {
                tooLarge++; // the format's own size limit, tested elsewhere
                return true;
            }

            var read = format.Read("session", value, Now);
            return read.IsValid && JsonNode.DeepEquals(data, read.Data);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));

        Assert.True(tooLarge < 30, $"{tooLarge} of 300 generated sessions did not fit in a cookie: the generator no longer tests the round trip");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ReadWrite_DeepestWrittenNesting_ReadsBackEqual(string kind)
    {
        var format = LegacyFormats.Create(kind);
        var data = new JsonObject { ["deep"] = Nested(PythonJson.MaxDepth - 1) };

        var read = format.Read("session", format.Write("session", CookieSessionPayload.CreateNew(data, Now)), Now);

        Assert.True(read.IsValid, read.Reason.ToString());
        Assert.True(JsonNode.DeepEquals(data, read.Data));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Write_DeeperThanLimit_ThrowsNamingDepthAndLimit(string kind)
    {
        var format = LegacyFormats.Create(kind);
        var data = new JsonObject { ["deep"] = Nested(PythonJson.MaxDepth) };

        var error = Assert.Throws<ArgumentException>(() => format.Write("session", CookieSessionPayload.CreateNew(data, Now)));

        Assert.Contains("nested more than 900 levels deep", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Write_LoneSurrogate_ThrowsBecauseReadersRefuseIt(string kind)
    {
        var format = LegacyFormats.Create(kind);

        var error = Assert.Throws<ArgumentException>(() => format.Write("session", CookieSessionPayload.CreateNew(new JsonObject { ["\udc00"] = 1 }, Now)));

        Assert.Contains("lone surrogate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_BeakerJsonOverInflateCap_ThrowsWithSizeAndLimit()
    {
        var format = LegacyFormats.Beaker("beaker-ctr");
        var data = new JsonObject { ["k"] = new string('a', BeakerCookieFormat.MaxInflatedBytes) };

        var error = Assert.Throws<CookieTooLargeException>(() => format.Write("session", CookieSessionPayload.CreateNew(data, Now)));

        Assert.Equal(BeakerCookieFormat.MaxInflatedBytes, error.Limit);
        Assert.True(error.Size > error.Limit);
    }

    [Theory]
    [InlineData("beaker-ctr")]
    [InlineData("beaker-signed")]
    public void ReadWrite_MegabyteOfCompressibleJson_ReadsBack(string kind)
    {
        var format = LegacyFormats.Beaker(kind);
        var data = new JsonObject { ["k"] = new string('a', 1_100_000) };

        var value = format.Write("session", CookieSessionPayload.CreateNew(data, Now));
        var read = format.Read("session", value, Now);

        Assert.True(value.Length < 4096, $"{value.Length} characters");
        Assert.True(read.IsValid, read.Reason.ToString());
        Assert.True(JsonNode.DeepEquals(data, read.Data));
    }

    [Theory]
    [InlineData("\"{0}")]
    [InlineData("{0}\"")]
    [InlineData("\"\"{0}\"\"")]
    [InlineData("{0}\"\"")]
    [InlineData("\"")]
    public void Read_UnbalancedQuote_ReturnsMalformedAsBeakerDropsIt(string form)
    {
        var format = LegacyFormats.Beaker("beaker-ctr");
        var value = format.Write("session", CookieSessionPayload.CreateNew(new JsonObject { ["user"] = "alice" }, Now));

        Assert.Equal(CookieRejection.Malformed, format.Read("session", string.Format(System.Globalization.CultureInfo.InvariantCulture, form, value), Now).Reason);
        Assert.True(format.Read("session", "\"" + value + "\"", Now).IsValid);
        Assert.Equal(CookieRejection.Absent, format.Read("session", "\"\"", Now).Reason);
    }

    /// <summary>A list nested <paramref name="levels"/> deep: [[...[1]...]].</summary>
    internal static JsonNode Nested(int levels)
    {
        JsonNode node = 1;
        for (var i = 0; i < levels; i++)
        {
            node = new JsonArray(node);
        }

        return node;
    }

    private static Gen<JsonObject> SessionData() =>
        Gen.Sized(size => Gen.OneOf(Wide(Math.Min(size, 12)), Deep()));

    private static Gen<JsonObject> Wide(int size) =>
        from pairs in Many(Gen.Zip(Key(), Value(3)), size)
        select ToObject(pairs);

    private static Gen<JsonObject> Deep() =>
        from levels in Gen.Choose(1, PythonJson.MaxDepth - 1)
        from leaf in Scalar()
        from asObjects in Gen.Elements(true, false)
        select new JsonObject { ["d"] = asObjects && levels < 150 ? NestedObjects(levels, leaf) : NestedArrays(levels, leaf) };

    private static JsonNode? NestedArrays(int levels, JsonNode? leaf)
    {
        for (var i = 0; i < levels; i++)
        {
            leaf = new JsonArray(leaf);
        }

        return leaf;
    }

    private static JsonNode? NestedObjects(int levels, JsonNode? leaf)
    {
        for (var i = 0; i < levels; i++)
        {
            leaf = new JsonObject { [i % 3 == 0 ? string.Empty : "k"] = leaf };
        }

        return leaf;
    }

    private static Gen<JsonNode?> Value(int depth) =>
        depth == 0
            ? Scalar()
            : Gen.Frequency<JsonNode?>(
                (6, Scalar()),
                (1, from items in Many(Value(depth - 1), 4) select (JsonNode?)new JsonArray([.. items])),
                (1, from pairs in Many(Gen.Zip(Key(), Value(depth - 1)), 4) select (JsonNode?)ToObject(pairs)));

    private static Gen<JsonNode?> Scalar() => Gen.OneOf(
        Gen.Constant<JsonNode?>(null),
        from b in ArbMap.Default.GeneratorFor<bool>() select (JsonNode?)JsonValue.Create(b),
        from s in Text() select (JsonNode?)JsonValue.Create(s),
        from l in ArbMap.Default.GeneratorFor<long>() select (JsonNode?)JsonValue.Create(l),
        from d in ArbMap.Default.GeneratorFor<NormalFloat>() select (JsonNode?)JsonValue.Create(d.Get),
        from digits in Many(Gen.Elements("0123456789".ToCharArray()), 60)
        from negative in Gen.Elements(true, false)
        select JsonNode.Parse((negative ? "-" : string.Empty) + "9" + new string(digits) + "000000000000000000"));

    private static Gen<string> Key() => Gen.Frequency((1, Gen.Constant(string.Empty)), (6, Text().Where(k => !BeakerCookieFormat.InternalKeys.Contains(k))));

    /// <summary>Any Unicode text: scalar values from every plane (astral ones as surrogate pairs), control characters, quotes.</summary>
    private static Gen<string> Text() =>
        from runes in Many(Gen.Frequency(
            (3, Gen.Choose(0x20, 0x7e)),
            (1, Gen.Choose(0, 0x1f)),
            (2, Gen.Choose(0x80, 0xd7ff)),
            (1, Gen.Choose(0xe000, 0xffff)),
            (1, Gen.Choose(0x10000, 0x10ffff))), 12)
        select string.Concat(runes.Select(r => new Rune(r).ToString()));

    private static Gen<T[]> Many<T>(Gen<T> item, int max) =>
        from n in Gen.Choose(0, max)
        from items in Gen.ArrayOf(item, n)
        select items;

    private static JsonObject ToObject(IEnumerable<(string Key, JsonNode? Value)> pairs)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in pairs)
        {
            obj[key] = value;
        }

        return obj;
    }
}
