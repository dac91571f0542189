using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Tessera.Cookies;
using Tessera.Keys;
using Tessera.Tests.Sessions;

namespace Tessera.Tests.Cookies;

/// <summary>Read(Write(x)) == x for the sealed format over generated sessions: any Unicode, odd numbers, empty keys, deep to the limit, wide.</summary>
public sealed class SealedCookieRoundTripPropertyTests
{
    private static readonly Keyring Keys = new([Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray()]);

    // Any time DateTimeOffset holds; the format keeps milliseconds.
    private static readonly Gen<DateTimeOffset> Times =
        ArbMap.Default.GeneratorFor<ulong>().Select(t => new DateTimeOffset((long)(t % (ulong)DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero));

    [Theory]
    [InlineData(false, 1000)]
    [InlineData(true, 200)]
    public void WriteThenRead_GeneratedSessions_RoundTrip(bool big, int cases)
    {
        var gen = from data in SessionJsonGen.Dictionary(big)
                  from created in Times
                  from renewed in Times
                  from chunking in Gen.Elements(true, false)
                  select (data, created, renewed, chunking);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(cases), Prop.ForAll(gen.ToArbitrary(), x =>
        {
            var (data, created, renewed, chunking) = x;
            var format = new SealedCookieFormat(new SealedCookieOptions { Keyring = Keys, IdleTimeout = null, AbsoluteLifetime = null, ReissueTime = null, EnableChunking = chunking });
            var payload = new CookieSessionPayload(data, created, renewed);
            string value;
            try
            {
                value = format.Write("session", payload);
            }
            catch (CookieTooLargeException)
            {
                // Refused only when the sealed value really is over the limit that applies.
                var length = Base64Length(SealedCookieFormat.SerializePayload(payload).Length);
                return (chunking ? length > SealedCookieFormat.MaxValueLength : length + "session=".Length > CookieChunker.BrowserLimit)
                    .Label($"refused a value of {length} characters; chunking {chunking}");
            }

            var read = format.Read("session", value, renewed);
            return (read.IsValid && JsonNode.DeepEquals(data, read.Data) && read.Created == Millis(created) && read.Renewed == Millis(renewed))
                .Label($"{read.Reason}: {SessionJsonGen.Describe(data)}");
        }));
    }

    [Fact]
    public void Write_ValueNestedAtTheLimit_ReadsBackAndOneMoreLevelThrowsArgumentException()
    {
        var format = new SealedCookieFormat(new SealedCookieOptions { Keyring = Keys, EnableChunking = true });
        var now = DateTimeOffset.UnixEpoch.AddDays(20_000);
        var atLimit = Nest(Tessera.Sessions.SessionJson.MaxValueDepth);
        var read = format.Read("s", format.Write("s", CookieSessionPayload.CreateNew(new JsonObject { ["v"] = atLimit }, now)), now);
        Assert.True(read.IsValid, read.Reason.ToString());
        Assert.True(JsonNode.DeepEquals(atLimit, read.Data!["v"]));

        var error = Assert.Throws<ArgumentException>(() => format.Write("s", CookieSessionPayload.CreateNew(new JsonObject { ["v"] = Nest(Tessera.Sessions.SessionJson.MaxValueDepth + 1) }, now)));
        Assert.Contains("deeper than 999 levels", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0xD800, 0)]
    [InlineData(0, 0xDC00)]
    [InlineData(0, 0xDBFF)]
    public void Write_LoneSurrogate_ThrowsArgumentExceptionNamingIt(int inKey, int inText)
    {
        // Built here: xunit would turn a lone surrogate in InlineData into U+FFFD.
        var key = "k" + (inKey == 0 ? string.Empty : ((char)inKey).ToString());
        var text = "a" + (inText == 0 ? string.Empty : ((char)inText).ToString()) + "b";
        var format = new SealedCookieFormat(new SealedCookieOptions { Keyring = Keys });
        var error = Assert.Throws<ArgumentException>(() => format.Write("s", CookieSessionPayload.CreateNew(new JsonObject { [key] = text }, DateTimeOffset.UnixEpoch)));
        Assert.Contains("lone UTF-16 surrogate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_NonFiniteNumber_ThrowsArgumentException()
    {
        var format = new SealedCookieFormat(new SealedCookieOptions { Keyring = Keys });
        var error = Assert.Throws<ArgumentException>(() => format.Write("s", CookieSessionPayload.CreateNew(new JsonObject { ["n"] = double.NaN }, DateTimeOffset.UnixEpoch)));
        Assert.Contains("not finite", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ChunkedOverReaderLimit_ThrowsCookieTooLarge()
    {
        var format = new SealedCookieFormat(new SealedCookieOptions { Keyring = Keys, EnableChunking = true });
        var payload = CookieSessionPayload.CreateNew(new JsonObject { ["big"] = new string('x', 50_000) }, DateTimeOffset.UnixEpoch);
        var error = Assert.Throws<CookieTooLargeException>(() => format.Write("s", payload));
        Assert.Equal(SealedCookieFormat.MaxValueLength, error.Limit);

        // Just under: written, and read back.
        var fits = CookieSessionPayload.CreateNew(new JsonObject { ["big"] = new string('x', 48_000) }, DateTimeOffset.UnixEpoch);
        var value = format.Write("s", fits);
        Assert.True(format.Read("s", value, DateTimeOffset.UnixEpoch).IsValid);
    }

    internal static JsonNode Nest(int depth)
    {
        JsonNode node = new JsonArray();
        for (var i = 1; i < depth; i++)
        {
            node = i % 2 == 0 ? new JsonArray(node) : new JsonObject { ["k"] = node };
        }

        return node;
    }

    private static int Base64Length(int plaintextLength)
    {
        var raw = SealedCookieFormat.HeaderSize + plaintextLength + SealedCookieFormat.TagSize;
        return ((raw * 4) + 2) / 3;
    }

    private static DateTimeOffset Millis(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
}
