using System.Net;
using System.Text;
using Tessera.Tickets;

namespace Tessera.Tests.Tickets;

public sealed class TicketIssuerTests
{
    private static readonly TicketIssuer Issuer = new(new TicketOptions { Scheme = TicketScheme.Md5, Secrets = [Encoding.UTF8.GetBytes("issuer tests secret of 32 bytes.")] });

    private static AuthTicket Valid => new() { UserId = "u", IssuedAt = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000) };

    public static TheoryData<AuthTicket, string> Refused => new()
    {
        { Valid with { UserId = "" }, nameof(AuthTicket.UserId) },
        { Valid with { UserId = "a!b" }, nameof(AuthTicket.UserId) },
        { Valid with { UserId = "a\0" }, nameof(AuthTicket.UserId) },
        { Valid with { UserId = "\uD800" }, nameof(AuthTicket.UserId) },
        { Valid with { UserId = "a\r\nb" }, nameof(AuthTicket.UserId) },
        { Valid with { UserId = "a;b" }, nameof(AuthTicket.UserId) },
        { Valid with { UserId = "a\tb" }, nameof(AuthTicket.UserId) },
        { Valid with { UserId = "a\u007F" }, nameof(AuthTicket.UserId) },
        { Valid with { Tokens = [""] }, nameof(AuthTicket.Tokens) },
        { Valid with { Tokens = ["a,b"] }, nameof(AuthTicket.Tokens) },
        { Valid with { Tokens = ["a b"] }, nameof(AuthTicket.Tokens) },
        { Valid with { Tokens = ["a\tb"] }, nameof(AuthTicket.Tokens) },
        { Valid with { Tokens = ["ok", "a!b"] }, nameof(AuthTicket.Tokens) },
        { Valid with { UserData = "x!y" }, nameof(AuthTicket.UserData) },
        { Valid with { UserData = "x\0y" }, nameof(AuthTicket.UserData) },
        { Valid with { UserData = "x\r\ny" }, nameof(AuthTicket.UserData) },
        { Valid with { UserData = "x\ny" }, nameof(AuthTicket.UserData) },
        { Valid with { UserData = new string('x', 4000) }, nameof(AuthTicket.UserData) },
        { Valid with { ClientIp = IPAddress.IPv6Loopback }, nameof(AuthTicket.ClientIp) },
        { Valid with { ClientIp = IPAddress.Broadcast }, nameof(AuthTicket.ClientIp) },
        { Valid with { IssuedAt = DateTimeOffset.FromUnixTimeSeconds(-1) }, nameof(AuthTicket.IssuedAt) },
        { Valid with { IssuedAt = DateTimeOffset.FromUnixTimeSeconds(1L << 32) }, nameof(AuthTicket.IssuedAt) },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void IssueTicket_FieldTheFormatCannotCarry_ThrowsNamingTheField(AuthTicket ticket, string field)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Issuer.IssueTicket(ticket));

        Assert.Equal(field, e.ParamName);
    }

    [Theory]
    [InlineData("alice\r\nX-Injected: 1", null, "UserId contains CR (a line break) at byte 5, which an auth_tkt ticket cannot carry: remove it.")]
    [InlineData("alice;admin", null, "UserId contains ';' (a cookie and header separator) at byte 5, which an auth_tkt ticket cannot carry: remove it.")]
    [InlineData("alice", "name\nrole=admin", "UserData contains LF (a line break) at byte 4, which an auth_tkt ticket cannot carry: remove it.")]
    [InlineData("alice", "a!b", "UserData contains '!' (the field separator) at byte 1, which an auth_tkt ticket cannot carry: remove it.")]
    [InlineData("alice", "a\u001Bb", "UserData contains the control character 0x1B at byte 1, which an auth_tkt ticket cannot carry: remove it.")]
    public void IssueTicket_ForbiddenCharacter_MessageNamesFieldCharacterAndPlace(string userId, string? userData, string message)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Issuer.IssueTicket(Valid with { UserId = userId, UserData = userData ?? "" }));

        Assert.Equal(message + $" (Parameter '{e.ParamName}')", e.Message);
    }

    [Fact]
    public void IssueTicket_SemicolonInUserData_Issued()
    {
        // Apache::AuthTkt issues it (vector md5-08) and the base64 cookie carries it.
        var bytes = Issuer.IssueTicket(Valid with { UserData = "Frank <f@example.org>; dept=R&D" });

        Assert.EndsWith("u!Frank <f@example.org>; dept=R&D", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void IssueTicket_MappedIPv6_BindsTheIPv4()
    {
        var mapped = Issuer.IssueTicket(Valid with { ClientIp = IPAddress.Parse("::ffff:10.1.2.3") });
        var plain = Issuer.IssueTicket(Valid with { ClientIp = IPAddress.Parse("10.1.2.3") });

        Assert.Equal(plain, mapped);
    }

    [Fact]
    public void IssueCookieValue_Always_EmitsPaddedStandardBase64()
    {
        var cookie = Issuer.IssueCookieValue(Valid with { UserData = "?>?>" });

        Assert.Equal(0, cookie.Length % 4);
        Assert.Equal(Convert.ToBase64String(Issuer.IssueTicket(Valid with { UserData = "?>?>" })), cookie);
    }

    [Fact]
    public void IssueTicket_TimestampBoundaries_AreAccepted()
    {
        var first = Issuer.IssueTicket(Valid with { IssuedAt = DateTimeOffset.UnixEpoch });
        var last = Issuer.IssueTicket(Valid with { IssuedAt = DateTimeOffset.FromUnixTimeSeconds(uint.MaxValue) });

        Assert.Equal("00000000", Encoding.ASCII.GetString(first, 32, 8));
        Assert.Equal("ffffffff", Encoding.ASCII.GetString(last, 32, 8));
    }
}
