using System.Text;
using Tessera.Tickets;

namespace Tessera.Tests.Tickets;

/// <summary>
/// Cookie decoding rules that no Apache can check: the HMAC scheme (plone only) reads Zope's %2B / %2F quoting and keeps
/// NUL bytes of its binary digest. The Apache rules are checked against the real module in
/// Tessera.Interop.Tests (ApacheCookieFormTests, PloneQuotedTicketTests).
/// </summary>
[Collection(TicketMetricsGroup.Name)]
public sealed class TicketCookieDecodingTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("a plone keyring secret, 32 bytes");
    private static readonly DateTimeOffset Issued = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static TicketOptions Options(TicketScheme scheme) => new() { Scheme = scheme, Secrets = [Secret], IgnoreIp = true, RefreshFraction = 0 };

    /// <summary>The first ticket (user ids user0, user1, ...) whose padded cookie value satisfies <paramref name="wanted"/>.</summary>
    private static (string Cookie, string UserId) FirstCookie(TicketScheme scheme, Func<string, byte[], bool> wanted)
    {
        var issuer = new TicketIssuer(Options(scheme));
        for (var i = 0; ; i++)
        {
            var ticket = new AuthTicket { UserId = "user" + i, Tokens = ["Member"], UserData = "Zoë ~>?", IssuedAt = Issued };
            var raw = issuer.IssueTicket(ticket);
            var cookie = Convert.ToBase64String(raw);
            if (wanted(cookie, raw))
            {
                return (cookie, ticket.UserId);
            }
        }
    }

    private static (string Cookie, string UserId) WithPlusSlashAndPadding(TicketScheme scheme) =>
        FirstCookie(scheme, (c, _) => c.Contains('+', StringComparison.Ordinal) && c.Contains('/', StringComparison.Ordinal) && c.EndsWith('='));

    public static TheoryData<string> ZopeForms => new()
    {
        "zope",          // urllib.parse.quote(value): '+' and '=' escaped, '/' kept
        "zope-all",      // quote(value, safe=''): '/' escaped too
        "lower-case",    // %2b %2f %3d
        "zope+junk",     // trailing characters ignored, as for every cookie
    };

    [Theory]
    [MemberData(nameof(ZopeForms))]
    public void Validate_HmacTicketZopeQuoted_Accepts(string form)
    {
        var (cookie, userId) = WithPlusSlashAndPadding(TicketScheme.HmacSha256);
        var zope = cookie.Replace("+", "%2B", StringComparison.Ordinal).Replace("=", "%3D", StringComparison.Ordinal);
        var value = form switch
        {
            "zope" => zope,
            "zope-all" => zope.Replace("/", "%2F", StringComparison.Ordinal),
            "lower-case" => zope.Replace("/", "%2f", StringComparison.Ordinal).Replace("%2B", "%2b", StringComparison.Ordinal).Replace("%3D", "%3d", StringComparison.Ordinal),
            _ => zope + "-junk",
        };

        var verdict = new TicketValidator(Options(TicketScheme.HmacSha256)).Validate(value, null, Issued);

        Assert.Equal(TicketRejection.None, verdict.Reason);
        Assert.Equal(userId, verdict.Ticket!.UserId);
        Assert.Equal("Zoë ~>?", verdict.Ticket.UserData);
    }

    [Fact]
    public void Validate_Md5TicketZopeQuotedPlus_BadCookieEncodingAsApache()
    {
        var (cookie, _) = WithPlusSlashAndPadding(TicketScheme.Md5);
        var validator = new TicketValidator(Options(TicketScheme.Md5));

        var quoted = validator.Validate(cookie.Replace("+", "%2B", StringComparison.Ordinal), null, Issued);
        var plain = validator.Validate(cookie, null, Issued);

        Assert.Equal(TicketRejection.BadCookieEncoding, quoted.Reason);
        Assert.Equal(TicketRejection.None, plain.Reason);
    }

    [Fact]
    public void Validate_HmacDigestHoldingNulByte_AcceptsWithoutCuttingIt()
    {
        var (cookie, userId) = FirstCookie(TicketScheme.HmacSha256, (_, raw) => raw.AsSpan(0, 32).Contains((byte)0));

        var verdict = new TicketValidator(Options(TicketScheme.HmacSha256)).Validate(cookie, null, Issued);

        Assert.Equal(TicketRejection.None, verdict.Reason);
        Assert.Equal(userId, verdict.Ticket!.UserId);
    }

    [Fact]
    public void Validate_HexSchemeTicketFollowedByNulBytes_AcceptsAsApacheCutsCStrings()
    {
        var (cookie, _) = FirstCookie(TicketScheme.Sha256, (c, _) => !c.EndsWith('='));
        var validator = new TicketValidator(Options(TicketScheme.Sha256));

        var nulTail = validator.Validate(cookie + "AAAA", null, Issued);            // decodes to the ticket and three NUL bytes
        var byteTail = validator.Validate(cookie + "BAAA", null, Issued);           // ... and 0x04 before the NULs: the data changes

        Assert.Equal(TicketRejection.None, nulTail.Reason);
        Assert.Equal(TicketRejection.Malformed, byteTail.Reason);                  // cut at the NUL, then refused: blamed on the NUL
    }

    [Theory]
    [InlineData("%2B%2B", TicketRejection.BadCookieEncoding, TicketRejection.Malformed)]     // HMAC: one byte, too short
    [InlineData("%2B%2F%3D", TicketRejection.BadCookieEncoding, TicketRejection.Malformed)]
    [InlineData("%2", TicketRejection.BadCookieEncoding, TicketRejection.BadCookieEncoding)]
    [InlineData("\"", TicketRejection.Malformed, TicketRejection.Malformed)]
    [InlineData("%21%", TicketRejection.Malformed, TicketRejection.Malformed)]
    [InlineData("%00%21", TicketRejection.Malformed, TicketRejection.Malformed)]
    public void Validate_DegenerateEscapes_RejectedWithReason(string value, TicketRejection md5Reason, TicketRejection hmacReason)
    {
        var md5 = new TicketValidator(Options(TicketScheme.Md5)).Validate(value, null, Issued);
        var hmac = new TicketValidator(Options(TicketScheme.HmacSha256)).Validate(value, null, Issued);

        Assert.Equal(md5Reason, md5.Reason);
        Assert.Equal(hmacReason, hmac.Reason);
    }
}
