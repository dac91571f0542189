using Tessera.Cookies;

namespace Tessera.Tests.Cookies;

public sealed class CookieChunkerTests
{
    private static Dictionary<string, string> Jar(IEnumerable<string> headers) =>
        headers.Select(h => h.Split(';')[0].Split('=', 2)).Where(p => p[1].Length > 0).ToDictionary(p => p[0], p => p[1]);

    [Fact]
    public void BuildSetCookieHeaders_SmallValue_OneHeader()
    {
        var headers = new CookieChunker(enableChunking: true).BuildSetCookieHeaders(new SetCookieHeader("s", "abc"), _ => null);

        Assert.Equal(["s=abc; Path=/; Secure; HttpOnly; SameSite=Lax"], headers);
    }

    [Fact]
    public void BuildSetCookieHeaders_LargeValue_ChunksWithinChunkSizeAndReassembles()
    {
        var value = string.Concat(Enumerable.Range(0, 10_000).Select(i => (char)('a' + (i % 26))));
        var chunker = new CookieChunker(enableChunking: true);

        var headers = chunker.BuildSetCookieHeaders(new SetCookieHeader("s", value), _ => null);
        var jar = Jar(headers);

        Assert.Equal("chunks-3", jar["s"]);
        Assert.All(headers, h => Assert.True(h.Length <= CookieChunker.DefaultChunkSize, $"{h.Length}"));
        Assert.All(headers, h => Assert.EndsWith("; Path=/; Secure; HttpOnly; SameSite=Lax", h));
        Assert.Equal(value, chunker.ReadValue("s", n => jar.GetValueOrDefault(n)));
    }

    [Fact]
    public void BuildSetCookieHeaders_SessionShrinks_DeletesStaleChunks()
    {
        var request = new Dictionary<string, string> { ["s"] = "chunks-3", ["sC1"] = "a", ["sC2"] = "b", ["sC3"] = "c" };

        var headers = new CookieChunker(enableChunking: true).BuildSetCookieHeaders(new SetCookieHeader("s", "small"), n => request.GetValueOrDefault(n));

        Assert.Equal("s=small; Path=/; Secure; HttpOnly; SameSite=Lax", headers[0]);
        Assert.Equal(
            ["sC1=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Secure; HttpOnly; SameSite=Lax", "sC2=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Secure; HttpOnly; SameSite=Lax", "sC3=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Secure; HttpOnly; SameSite=Lax"],
            headers.Skip(1));
    }

    [Fact]
    public void BuildSetCookieHeaders_FewerChunks_DeletesOnlyTheRest()
    {
        var request = new Dictionary<string, string> { ["s"] = "chunks-4" };
        var value = new string('v', 5000);

        var headers = new CookieChunker(enableChunking: true).BuildSetCookieHeaders(new SetCookieHeader("s", value), n => request.GetValueOrDefault(n));

        Assert.Equal("s=chunks-2", headers[0].Split(';')[0]);
        Assert.Equal(["sC3=", "sC4="], headers.Skip(3).Select(h => h.Split(';')[0]));
    }

    [Fact]
    public void BuildSetCookieHeaders_OverLimitWithoutChunking_ThrowsWithSizeAndLimit()
    {
        var e = Assert.Throws<CookieTooLargeException>(() => new CookieChunker().BuildSetCookieHeaders(new SetCookieHeader("s", new string('v', 4095)), _ => null));

        Assert.Equal(4097, e.Size);
        Assert.Equal(4096, e.Limit);
        Assert.Contains("4097", e.Message);
        Assert.Contains("4096", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(10)]
    public void Capacity_ValueOfCapacityFitsAndOneMoreThrows(int maxChunks)
    {
        var chunker = new CookieChunker(enableChunking: true, maxChunks: maxChunks);
        var template = new SetCookieHeader("__Host-tessera", string.Empty) { MaxAge = TimeSpan.FromHours(1), IssuedAt = DateTimeOffset.UnixEpoch.AddYears(56) };
        var capacity = chunker.Capacity(template);

        var fits = chunker.BuildSetCookieHeaders(template.With(template.Name, new string('v', capacity), template.MaxAge), _ => null);
        var e = Assert.Throws<CookieTooLargeException>(() => chunker.BuildSetCookieHeaders(template.With(template.Name, new string('v', capacity + 1), template.MaxAge), _ => null));

        Assert.InRange(fits.Count, 1, maxChunks + 1);
        Assert.All(fits, h => Assert.True(h.Length <= CookieChunker.DefaultChunkSize, $"{h.Length}"));
        Assert.Equal(maxChunks, e.Limit);
    }

    [Fact]
    public void BuildSetCookieHeaders_ExactlyAtLimitWithoutChunking_OneHeader()
    {
        Assert.Single(new CookieChunker().BuildSetCookieHeaders(new SetCookieHeader("s", new string('v', 4094)), _ => null));
    }

    [Fact]
    public void ReadValue_MissingChunk_ReturnsNull()
    {
        var request = new Dictionary<string, string> { ["s"] = "chunks-2", ["sC1"] = "a" };

        Assert.Null(new CookieChunker(enableChunking: true).ReadValue("s", n => request.GetValueOrDefault(n)));
    }

    [Theory]
    [InlineData("chunks-")]
    [InlineData("chunks-x")]
    [InlineData("chunks-0")]
    [InlineData("chunks-99999999999")]
    [InlineData("chunks--1")]
    public void ReadValue_HostileMarker_ReturnsNull(string marker)
    {
        var request = new Dictionary<string, string> { ["s"] = marker, ["sC1"] = "a" };

        Assert.Null(new CookieChunker(enableChunking: true).ReadValue("s", n => request.GetValueOrDefault(n)));
    }

    [Fact]
    public void BuildDeleteHeaders_ChunkedCookie_DeletesMarkerAndChunks()
    {
        var request = new Dictionary<string, string> { ["s"] = "chunks-2" };

        var headers = new CookieChunker(enableChunking: true).BuildDeleteHeaders(new SetCookieHeader("s", string.Empty), n => request.GetValueOrDefault(n));

        Assert.Equal(["s=", "sC1=", "sC2="], headers.Select(h => h.Split(';')[0]));
        Assert.All(headers, h => Assert.Contains("Max-Age=0", h));
    }
}
