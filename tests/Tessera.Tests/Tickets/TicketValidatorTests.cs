using System.Net;
using System.Text;
using Tessera.Keys;
using Tessera.Tickets;

namespace Tessera.Tests.Tickets;

[Collection(TicketMetricsGroup.Name)]
public sealed class TicketValidatorTests
{
    private static readonly byte[] Current = Encoding.UTF8.GetBytes("the current secret, 32 bytes ok!");
    private static readonly byte[] Old = Encoding.UTF8.GetBytes("the previous secret, also long enough");
    private static readonly DateTimeOffset Issued = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static AuthTicket Alice(DateTimeOffset? at = null, IPAddress? ip = null) =>
        new() { UserId = "alice", Tokens = ["admin", "ops"], UserData = "hello", IssuedAt = at ?? Issued, ClientIp = ip };

    private static TicketOptions Options(TicketScheme scheme = TicketScheme.Sha512, params byte[][] secrets) =>
        new() { Scheme = scheme, Secrets = secrets.Length == 0 ? [Current] : secrets, IgnoreIp = true, RefreshFraction = 0 };

    [Fact]
    public void Validate_TicketSignedWithOldSecret_AcceptsAndRefreshesWithNewest()
    {
        var cookie = new TicketIssuer(Options(secrets: Old)).IssueCookieValue(Alice());
        var now = Issued.AddSeconds(60);

        var verdict = new TicketValidator(Options(secrets: [Current, Old])).Validate(cookie, null, now);

        Assert.True(verdict.IsValid);
        Assert.True(verdict.MatchedOldSecret);
        var refreshed = new TicketValidator(Options(secrets: Current)).Validate(verdict.RefreshCookieValue, null, now);
        Assert.True(refreshed.IsValid);
        Assert.False(refreshed.MatchedOldSecret);
        Assert.Equal(now, refreshed.Ticket!.IssuedAt);
        Assert.Equal(["admin", "ops"], refreshed.Ticket.Tokens);
    }

    [Fact]
    public void Validate_KeyringOptions_VerifiesEverySecret()
    {
        var cookie = new TicketIssuer(Options(secrets: Old)).IssueCookieValue(Alice());
        var options = new TicketOptions { Scheme = TicketScheme.Sha512, Keyring = new Keyring([Current, Old]), IgnoreIp = true };

        var verdict = new TicketValidator(options).Validate(cookie, null, Issued);

        Assert.True(verdict.IsValid);
        Assert.True(verdict.MatchedOldSecret);
    }

    [Theory]
    [InlineData(3599, false)] // 3601 s left of 7200: more than half
    [InlineData(3600, false)] // exactly half left: Apache refreshes only on strictly less
    [InlineData(3601, true)]
    public void Validate_RefreshFraction_RefreshesWhenLessThanFractionRemains(int age, bool refreshed)
    {
        var options = Options();
        options.RefreshFraction = 0.5;
        var cookie = new TicketIssuer(options).IssueCookieValue(Alice());

        var verdict = new TicketValidator(options).Validate(cookie, null, Issued.AddSeconds(age));

        Assert.True(verdict.IsValid);
        Assert.Equal(refreshed, verdict.RefreshCookieValue is not null);
        Assert.False(verdict.MatchedOldSecret);
    }

    [Fact]
    public void Validate_RefreshFractionOne_RefreshesEveryTimeWithApacheLayout()
    {
        var options = Options(TicketScheme.Md5);
        options.RefreshFraction = 1;
        var issuer = new TicketIssuer(options);
        var cookie = issuer.IssueCookieValue(Alice() with { Tokens = [] });

        var verdict = new TicketValidator(options).Validate(cookie, null, Issued.AddSeconds(1));

        var raw = Encoding.UTF8.GetString(Convert.FromBase64String(verdict.RefreshCookieValue!));
        Assert.EndsWith("alice!!hello", raw, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TimeoutZero_NeverExpiresNorRefreshes()
    {
        var options = Options();
        options.Timeout = TimeSpan.Zero;
        options.RefreshFraction = 1;
        var cookie = new TicketIssuer(options).IssueCookieValue(Alice());

        var verdict = new TicketValidator(options).Validate(cookie, null, Issued.AddYears(10));

        Assert.True(verdict.IsValid);
        Assert.Null(verdict.RefreshCookieValue);
    }

    [Theory]
    [InlineData(299, TicketRejection.None)]
    [InlineData(300, TicketRejection.None)]
    [InlineData(301, TicketRejection.IssuedInFuture)]
    public void Validate_FutureTimestamp_AllowedOnlyWithinSkew(int secondsAhead, TicketRejection expected)
    {
        var cookie = new TicketIssuer(Options()).IssueCookieValue(Alice());

        var verdict = new TicketValidator(Options()).Validate(cookie, null, Issued.AddSeconds(-secondsAhead));

        Assert.Equal(expected, verdict.Reason);
    }

    [Fact]
    public void Validate_InclusiveBound_WrapsAt32BitsLikeApache()
    {
        var options = Options(TicketScheme.Md5);
        options.MaxFutureSkew = null;
        var issuer = new TicketIssuer(options);
        var validator = new TicketValidator(options);
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        const long Timeout = 7200;

        var wrapped = validator.Validate(issuer.IssueCookieValue(Alice(DateTimeOffset.FromUnixTimeSeconds(uint.MaxValue + 1L - Timeout))), null, now);
        var last = validator.Validate(issuer.IssueCookieValue(Alice(DateTimeOffset.FromUnixTimeSeconds(uint.MaxValue - Timeout))), null, now);

        Assert.Equal(TicketRejection.Expired, wrapped.Reason);
        Assert.True(last.IsValid);
    }

    [Fact]
    public void Validate_BoundTicketFromMappedIPv6Client_Accepts()
    {
        var options = Options();
        options.IgnoreIp = false;
        var cookie = new TicketIssuer(options).IssueCookieValue(Alice(ip: IPAddress.Parse("192.0.2.7")));

        var verdict = new TicketValidator(options).Validate(cookie, IPAddress.Parse("::ffff:192.0.2.7"), Issued);

        Assert.True(verdict.IsValid);
        Assert.Equal(IPAddress.Parse("192.0.2.7"), verdict.Ticket!.ClientIp);
    }

    [Theory]
    [InlineData("2001:db8::1")]
    [InlineData("255.255.255.255")]
    [InlineData(null)]
    public void Validate_BindingWithUnusableClientAddress_ReturnsUnsupportedClientIp(string? client)
    {
        var options = Options();
        options.IgnoreIp = false;
        var cookie = new TicketIssuer(options).IssueCookieValue(Alice(ip: IPAddress.Parse("192.0.2.7")));

        var verdict = new TicketValidator(options).Validate(cookie, client is null ? null : IPAddress.Parse(client), Issued);

        Assert.Equal(TicketRejection.UnsupportedClientIp, verdict.Reason);
    }

    [Fact]
    public void Validate_IgnoreIpWithIPv6Client_Accepts()
    {
        var cookie = new TicketIssuer(Options()).IssueCookieValue(Alice());

        var verdict = new TicketValidator(Options()).Validate(cookie, IPAddress.Parse("2001:db8::1"), Issued);

        Assert.True(verdict.IsValid);
        Assert.Null(verdict.Ticket!.ClientIp);
    }

    [Fact]
    public void Validate_BoundTicketToOtherAddress_ReturnsBadDigest()
    {
        var options = Options();
        options.IgnoreIp = false;
        var cookie = new TicketIssuer(options).IssueCookieValue(Alice(ip: IPAddress.Parse("192.0.2.7")));

        var verdict = new TicketValidator(options).Validate(cookie, IPAddress.Parse("192.0.2.8"), Issued);

        Assert.Equal(TicketRejection.BadDigest, verdict.Reason);
    }

    [Theory]
    [InlineData("ops", true)]
    [InlineData("Admin", false)]
    [InlineData("adm", false)]
    public void Validate_RequiredTokens_MatchWholeTokensCaseSensitively(string required, bool valid)
    {
        var options = Options();
        options.RequiredTokens = [required, "nobody"];
        var cookie = new TicketIssuer(Options()).IssueCookieValue(Alice());

        var verdict = new TicketValidator(options).Validate(cookie, null, Issued);

        Assert.Equal(valid ? TicketRejection.None : TicketRejection.MissingToken, verdict.Reason);
    }

    [Fact]
    public void Validate_UsesInjectedTimeProvider()
    {
        var clock = new FakeTimeProvider(Issued);
        var options = Options();
        var cookie = new TicketIssuer(options, clock).IssueCookieValue(Alice() with { IssuedAt = null });
        var validator = new TicketValidator(options, clock);

        var fresh = validator.Validate(cookie, null);
        clock.SetUtcNow(Issued.AddHours(2).AddSeconds(1));
        var stale = validator.Validate(cookie, null);

        Assert.Equal(Issued, fresh.Ticket!.IssuedAt);
        Assert.Equal(TicketRejection.Expired, stale.Reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("\"\"")]
    [InlineData("!")]
    [InlineData("abc%2")]
    [InlineData("abc%zz%21")]
    public void Validate_DegenerateCookie_ReturnsRejectionWithoutThrowing(string? cookie)
    {
        var verdict = new TicketValidator(Options()).Validate(cookie, null, Issued);

        Assert.False(verdict.IsValid);
        Assert.True(verdict.Reason is TicketRejection.Malformed or TicketRejection.BadCookieEncoding);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(1500)]
    [InlineData(2900)]
    public void Validate_LongTicketPaddedOrNot_Accepts(int dataLength)
    {
        var data = new string('d', dataLength);
        var cookie = new TicketIssuer(Options(TicketScheme.Sha256)).IssueCookieValue(Alice() with { UserData = data });
        var validator = new TicketValidator(Options(TicketScheme.Sha256));

        foreach (var value in new[] { cookie, cookie.TrimEnd('='), $"\"{cookie}\"" })
        {
            var verdict = validator.Validate(value, null, Issued);

            Assert.Equal(TicketRejection.None, verdict.Reason);
            Assert.Equal(data, verdict.Ticket!.UserData);
        }
    }

    [Theory]
    [InlineData("al\0ice", "admin", "data")]
    [InlineData("alice", "ad\0min", "data")]
    [InlineData("alice", "admin", "da\0ta")]
    [InlineData("alice\xC3", "admin", "data")]
    [InlineData("alice", "\u00A9admin", "data")]
    [InlineData("alice\xC3", "\u00A9admin", "data")]
    [InlineData("alice", "admin", "data\xE2\x82")]
    [InlineData("alice", "", "\u00FFdata")]
    public void ValidateTicket_NulOrNonUtf8InAnyField_Malformed(string userId, string tokens, string userData)
    {
        static byte[] Bytes(string latin1) => Encoding.Latin1.GetBytes(latin1);
        var ticket = TicketFormat.Write(TicketScheme.Sha256, Current, new byte[4], (uint)Issued.ToUnixTimeSeconds(), Bytes(userId), Bytes(tokens), Bytes(userData), alwaysWriteTokens: true);
        var validator = new TicketValidator(Options(TicketScheme.Sha256));

        Assert.Equal(TicketRejection.Malformed, validator.ValidateTicket(ticket, null, Issued).Reason);
        var clean = TicketFormat.Write(TicketScheme.Sha256, Current, new byte[4], (uint)Issued.ToUnixTimeSeconds(), "alice"u8, Bytes(tokens.Replace("\0", "", StringComparison.Ordinal)).Where(b => b < 0x80).ToArray(), "data"u8, alwaysWriteTokens: true);
        Assert.Equal(TicketRejection.None, validator.ValidateTicket(clean, null, Issued).Reason);
    }

    [Fact]
    public void Validate_BadDigest_AllocatesNothing()
    {
        var validator = new TicketValidator(Options(TicketScheme.Sha256));
        var cookie = new TicketIssuer(Options(TicketScheme.Sha256, Old)).IssueCookieValue(Alice());
        validator.Validate(cookie, null, Issued); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        var verdict = validator.Validate(cookie, null, Issued);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(TicketRejection.BadDigest, verdict.Reason);
        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData(15)]
    [InlineData(0)]
    public void Constructor_ShortSecret_Throws(int length)
    {
        var e = Assert.Throws<ArgumentException>(() => new TicketValidator(new TicketOptions { Secrets = [new byte[length]] }));
        Assert.Contains("16", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new TicketIssuer(new TicketOptions { Secrets = [Current, new byte[length]] }));
    }

    [Fact]
    public void Constructor_BothOrNoSecretSources_Throws()
    {
        Assert.Throws<ArgumentException>(() => new TicketValidator(new TicketOptions()));
        Assert.Throws<ArgumentException>(() => new TicketValidator(new TicketOptions { Secrets = [Current], Keyring = new Keyring([Current]) }));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Constructor_RefreshFractionOutOfRange_Throws(double fraction)
    {
        Assert.Throws<ArgumentException>(() => new TicketValidator(new TicketOptions { Secrets = [Current], RefreshFraction = fraction }));
    }
}
