using Tessera.Cookies;

namespace Tessera.Tests.Cookies;

public sealed class SetCookieHeaderTests
{
    [Fact]
    public void ToString_BeakerValue_IsWrittenRawWithoutPercentEscapes()
    {
        var header = new SetCookieHeader("beaker.session.id", "3e93mYsoDXR2dY4NnLCLr8e1Qg==vVz+/w==");

        Assert.Equal("beaker.session.id=3e93mYsoDXR2dY4NnLCLr8e1Qg==vVz+/w==; Path=/; Secure; HttpOnly; SameSite=Lax", header.ToString());
        Assert.Equal(17 + 1 + 36, header.NameValueLength);
    }

    [Fact]
    public void ToString_AllAttributes_InStableOrder()
    {
        var header = new SetCookieHeader("s", "v")
        {
            Domain = "example.org",
            Path = "/app",
            MaxAge = TimeSpan.FromSeconds(90),
            IssuedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            SameSite = CookieSameSite.Strict,
        };

        Assert.Equal("s=v; Max-Age=90; Expires=Fri, 02 Jan 2026 03:05:35 GMT; Domain=example.org; Path=/app; Secure; HttpOnly; SameSite=Strict", header.ToString());
    }

    [Fact]
    public void ToString_InsecureOptOut_OmitsAttributes()
    {
        var header = new SetCookieHeader("s", "v") { Secure = false, HttpOnly = false, SameSite = CookieSameSite.Unspecified, Path = null };

        Assert.Equal("s=v", header.ToString());
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("a;b")]
    [InlineData("a=b")]
    [InlineData("")]
    public void Constructor_InvalidName_Throws(string name)
    {
        Assert.ThrowsAny<ArgumentException>(() => new SetCookieHeader(name, "v"));
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("a;b")]
    [InlineData("a\"b")]
    [InlineData("a,b")]
    [InlineData("é")]
    public void Constructor_ValueOutsideCookieOctets_Throws(string value)
    {
        Assert.Throws<ArgumentException>(() => new SetCookieHeader("s", value));
    }

    [Fact]
    public void ToString_MaxAgeWithoutIssuedAt_MaxAgeOnly()
    {
        var header = new SetCookieHeader("s", "v") { MaxAge = TimeSpan.FromSeconds(90) };

        Assert.Equal("s=v; Max-Age=90; Path=/; Secure; HttpOnly; SameSite=Lax", header.ToString());
    }

    [Fact]
    public void Delete_AnyTemplate_MaxAgeZeroAndEpochExpires()
    {
        var header = SetCookieHeader.Delete("s", new SetCookieHeader("s", "v") { Domain = "example.org" });

        Assert.Equal("s=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Domain=example.org; Path=/; Secure; HttpOnly; SameSite=Lax", header.ToString());
    }

    [Fact]
    public void Attributes_IsTheSuffixOfToString()
    {
        var header = new SetCookieHeader("s", "v") { Domain = "example.org", SameSite = CookieSameSite.None };

        Assert.Equal("s=v" + header.Attributes(), header.ToString());
    }
}
