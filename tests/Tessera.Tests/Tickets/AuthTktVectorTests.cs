using System.Net;
using System.Text;
using System.Text.Json;
using Tessera.Tickets;

namespace Tessera.Tests.Tickets;

/// <summary>
/// Every case of ../shared/vectors/auth_tkt.json. Non-quirk cases must give the reference peer's verdict; quirk cases
/// follow the policy in docs/tickets.md (table <see cref="PolicyOverrides"/>), and the compatibility switches are
/// checked to restore the peer's verdict.
/// </summary>
public sealed class AuthTktVectorTests
{
    /// <summary>Vectors where Tessera deliberately differs from the reference peer (docs/tickets.md, "Quirk vectors").</summary>
    private static readonly System.Buffers.SearchValues<char> TokenForbidden = System.Buffers.SearchValues.Create("!,\0 \t\r\n");

    private static readonly Dictionary<string, TicketRejection> PolicyOverrides = new()
    {
        ["md5-18-future-timestamp"] = TicketRejection.IssuedInFuture, // MaxFutureSkew 5 min
        ["md5-23-non-utf8-uid"] = TicketRejection.Malformed,          // fields must be UTF-8
        ["md5-25-empty-uid"] = TicketRejection.Malformed,             // AllowEmptyUserId off
        ["cookie-07-duplicate-cookie-first-wins"] = TicketRejection.None, // every candidate tried
    };

    public static IEnumerable<object[]> ValidateCases => AuthTktVectors.Ids(c => !AuthTktVectors.IsIssueCase(c));

    public static IEnumerable<object[]> IssueCases => AuthTktVectors.Ids(AuthTktVectors.IsIssueCase);

    public static IEnumerable<object[]> IssuedTicketCases => AuthTktVectors.Ids(c =>
        !AuthTktVectors.IsIssueCase(c) && !c.TryGetProperty("mutation", out _) && AuthTktVectors.Text(c.GetProperty("inputs"), "userid") is not null);

    public static IEnumerable<object[]> WrongSecretCases => AuthTktVectors.Ids(c => Reason(c) == "wrong_secret");

    [Fact]
    public void Vectors_File_HasAllCases()
    {
        Assert.Equal(98, ValidateCases.Count() + IssueCases.Count());
        Assert.Equal(10, IssueCases.Count());
    }

    [Theory]
    [MemberData(nameof(ValidateCases))]
    public void Validate_VectorCookieValue_GivesPolicyVerdict(string id)
    {
        var c = AuthTktVectors.Case(id);
        var expected = ExpectedReason(c);

        var verdict = Validator(c).Validate(c.GetProperty("cookie_value").GetString(), AuthTktVectors.ClientIp(c));

        Assert.Equal(expected, verdict.Reason);
        if (expected == TicketRejection.None)
        {
            AssertFields(c, verdict);
        }
        else
        {
            Assert.Null(verdict.Ticket);
            Assert.Null(verdict.RefreshCookieValue);
        }
    }

    [Theory]
    [MemberData(nameof(ValidateCases))]
    public void ValidateCookieHeader_VectorHeader_GivesPolicyVerdict(string id)
    {
        var c = AuthTktVectors.Case(id);

        var verdict = Validator(c).ValidateCookieHeader(c.GetProperty("cookie_header").GetString(), AuthTktVectors.ClientIp(c));

        Assert.Equal(ExpectedReason(c), verdict.Reason);
    }

    [Fact]
    public void ValidateCookieHeader_OnlyGarbageCandidate_ReturnsItsRejection()
    {
        var c = AuthTktVectors.Case("cookie-07-duplicate-cookie-first-wins");
        var header = c.GetProperty("cookie_header").GetString()!;
        var garbageOnly = header[..header.IndexOf(';', StringComparison.Ordinal)];

        var verdict = Validator(c).ValidateCookieHeader(garbageOnly, AuthTktVectors.ClientIp(c));

        Assert.Equal(TicketRejection.Malformed, verdict.Reason);
    }

    [Fact]
    public void Validate_FutureTimestampWithoutSkewLimit_AcceptsLikeApache()
    {
        var c = AuthTktVectors.Case("md5-18-future-timestamp");
        var options = AuthTktVectors.ValidatorOptions(c);
        options.MaxFutureSkew = null;

        var verdict = new TicketValidator(options).Validate(c.GetProperty("cookie_value").GetString(), AuthTktVectors.ClientIp(c), AuthTktVectors.Now(c));

        Assert.True(verdict.IsValid);
        AssertFields(c, verdict);
    }

    [Fact]
    public void Validate_EmptyUidWithCompatibilitySwitch_AcceptsLikePeers()
    {
        var c = AuthTktVectors.Case("md5-25-empty-uid");
        var options = AuthTktVectors.ValidatorOptions(c);
        options.AllowEmptyUserId = true;

        var verdict = new TicketValidator(options).Validate(c.GetProperty("cookie_value").GetString(), AuthTktVectors.ClientIp(c), AuthTktVectors.Now(c));

        Assert.True(verdict.IsValid);
        Assert.Equal("", verdict.Ticket!.UserId);
    }

    [Theory]
    [InlineData(TicketExpiryBound.SchemeDefault, TicketRejection.None)]
    [InlineData(TicketExpiryBound.Inclusive, TicketRejection.None)]
    [InlineData(TicketExpiryBound.Exclusive, TicketRejection.Expired)]
    public void Validate_TimeoutBoundaryVector_FollowsExpiryBound(TicketExpiryBound bound, TicketRejection expected)
    {
        var c = AuthTktVectors.Case("md5-12-timeout-boundary");
        var options = AuthTktVectors.ValidatorOptions(c);
        options.ExpiryBound = bound;

        var verdict = new TicketValidator(options).Validate(c.GetProperty("cookie_value").GetString(), null, AuthTktVectors.Now(c));

        Assert.Equal(expected, verdict.Reason);
    }

    [Fact]
    public void Validate_HmacBoundaryWithInclusiveBound_AcceptsLikeApache()
    {
        var c = AuthTktVectors.Case("hmac-neg-06-expiry-boundary");
        var options = AuthTktVectors.ValidatorOptions(c);
        options.ExpiryBound = TicketExpiryBound.Inclusive;

        var verdict = new TicketValidator(options).Validate(c.GetProperty("cookie_value").GetString(), null, AuthTktVectors.Now(c));

        Assert.True(verdict.IsValid);
    }

    [Theory]
    [MemberData(nameof(WrongSecretCases))]
    public void Validate_WrongSecretVectorWithRetiredSecret_ReturnsWrongSecret(string id)
    {
        var c = AuthTktVectors.Case(id);
        var options = AuthTktVectors.ValidatorOptions(c);
        options.RetiredSecrets = [Convert.FromHexString(c.GetProperty("inputs").GetProperty("secret_hex").GetString()!)];

        var verdict = new TicketValidator(options).Validate(c.GetProperty("cookie_value").GetString(), AuthTktVectors.ClientIp(c), AuthTktVectors.Now(c));

        Assert.Equal(TicketRejection.WrongSecret, verdict.Reason);
    }

    [Theory]
    [MemberData(nameof(IssuedTicketCases))]
    public void IssueTicket_VectorInputs_ReproducesPeerBytesOrRefusesByPolicy(string id)
    {
        var c = AuthTktVectors.Case(id);
        var inputs = c.GetProperty("inputs");
        var issuer = Issuer(c);
        var ticket = TicketFrom(inputs);

        var refusedField = PolicyRefusedField(inputs);
        if (refusedField is not null)
        {
            var e = Assert.ThrowsAny<ArgumentException>(() => issuer.IssueTicket(ticket));
            Assert.Equal(refusedField, e.ParamName);
            return;
        }

        var bytes = issuer.IssueTicket(ticket);

        Assert.Equal(c.GetProperty("ticket_hex").GetString(), Convert.ToHexStringLower(bytes));
        if (c.GetProperty("cookie_form").GetString() == "base64")
        {
            Assert.Equal(c.GetProperty("cookie_value").GetString(), issuer.IssueCookieValue(ticket));
        }
    }

    [Theory]
    [MemberData(nameof(IssueCases))]
    public void IssueTicket_RefusedVector_ThrowsNamingTheField(string id)
    {
        var c = AuthTktVectors.Case(id);
        var inputs = c.GetProperty("inputs");
        var reason = Reason(c);
        var ipText = inputs.GetProperty("ip").GetString()!;

        if (!IPAddress.TryParse(ipText, out var ip))
        {
            // A malformed address cannot even become an IPAddress: the typed API makes it unrepresentable.
            Assert.Equal("unsupported_client_ip", reason);
            return;
        }

        var ticket = TicketFrom(inputs) with { ClientIp = ip };
        var e = Assert.ThrowsAny<ArgumentException>(() => Issuer(c).IssueTicket(ticket));

        var expectedField = reason switch
        {
            "unsupported_client_ip" => nameof(AuthTicket.ClientIp),
            "timestamp_out_of_range" => nameof(AuthTicket.IssuedAt),
            "illegal_char" => PolicyRefusedField(inputs),
            _ => throw new InvalidDataException("Unknown issue reason " + reason),
        };
        Assert.Equal(expectedField, e.ParamName);
    }

    private static TicketValidator Validator(JsonElement c) =>
        new(AuthTktVectors.ValidatorOptions(c), new FakeTimeProvider(AuthTktVectors.Now(c)));

    private static TicketIssuer Issuer(JsonElement c) => new(new TicketOptions
    {
        Scheme = AuthTktVectors.Scheme(c.GetProperty("scheme").GetString()!),
        Secrets = [Convert.FromHexString(c.GetProperty("inputs").GetProperty("secret_hex").GetString()!)],
    });

    private static AuthTicket TicketFrom(JsonElement inputs)
    {
        var ip = IPAddress.TryParse(inputs.GetProperty("ip").GetString(), out var parsed) ? parsed : null;
        return new AuthTicket
        {
            UserId = inputs.GetProperty("userid").GetString()!,
            Tokens = [.. inputs.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!)],
            UserData = inputs.GetProperty("user_data").GetString()!,
            IssuedAt = DateTimeOffset.FromUnixTimeSeconds(inputs.GetProperty("timestamp").GetInt64()),
            ClientIp = ip,
        };
    }

    /// <summary>The issuer rules of docs/tickets.md, applied to vector inputs: which field is refused, if any.</summary>
    private static string? PolicyRefusedField(JsonElement inputs)
    {
        var uid = inputs.GetProperty("userid").GetString()!;
        if (uid.Length == 0 || uid.AsSpan().IndexOfAny('!', '\0') >= 0)
        {
            return nameof(AuthTicket.UserId);
        }

        if (inputs.GetProperty("tokens").EnumerateArray().Any(t => t.GetString()!.Length == 0 || t.GetString()!.AsSpan().IndexOfAny(TokenForbidden) >= 0))
        {
            return nameof(AuthTicket.Tokens);
        }

        return inputs.GetProperty("user_data").GetString()!.AsSpan().IndexOfAny('!', '\0') >= 0 ? nameof(AuthTicket.UserData) : null;
    }

    private static string? Reason(JsonElement c) => AuthTktVectors.Text(c.GetProperty("expected"), "reason");

    private static TicketRejection ExpectedReason(JsonElement c)
    {
        if (PolicyOverrides.TryGetValue(c.GetProperty("id").GetString()!, out var overridden))
        {
            return overridden;
        }

        if (c.GetProperty("expected").GetProperty("verdict").GetString() == "accept")
        {
            return TicketRejection.None;
        }

        return Reason(c) switch
        {
            "malformed" => TicketRejection.Malformed,
            "bad_digest" => TicketRejection.BadDigest,
            "bad_cookie_encoding" => TicketRejection.BadCookieEncoding,
            "wrong_scheme" => TicketRejection.WrongScheme,
            "expired" => TicketRejection.Expired,
            "missing_token" => TicketRejection.MissingToken,
            "unsupported_client_ip" => TicketRejection.UnsupportedClientIp,

            // Without the other secret a wrongly signed ticket is indistinguishable from a tampered one.
            "wrong_secret" => TicketRejection.BadDigest,
            "wrong_ip" => IsWrongIpDiagnosable(c) ? TicketRejection.WrongIp : TicketRejection.BadDigest,
            var r => throw new InvalidDataException("Unknown vector reason " + r),
        };
    }

    /// <summary>
    /// The validator can tell a wrong IP only when it knows the other address: the ticket is unbound and the validator
    /// binds, or the validator ignores addresses and the ticket is bound to the client address passed in.
    /// </summary>
    private static bool IsWrongIpDiagnosable(JsonElement c)
    {
        var ticketIp = c.GetProperty("inputs").GetProperty("ip").GetString();
        var v = c.GetProperty("validate");
        return v.GetProperty("ignore_ip").GetBoolean()
            ? ticketIp != "0.0.0.0" && ticketIp == v.GetProperty("client_ip").GetString()
            : ticketIp == "0.0.0.0";
    }

    private static void AssertFields(JsonElement c, TicketVerdict verdict)
    {
        // Accepted by policy where the peer rejects (cookie-07): the fields are the issued ones.
        var source = c.GetProperty("expected").GetProperty("verdict").GetString() == "accept" ? c.GetProperty("expected") : c.GetProperty("inputs");
        var t = verdict.Ticket!;
        Assert.Equal(source.GetProperty("userid_hex").GetString(), Convert.ToHexStringLower(Encoding.UTF8.GetBytes(t.UserId)));
        Assert.Equal(source.GetProperty("tokens").EnumerateArray().Select(x => x.GetString()), t.Tokens);
        Assert.Equal(source.GetProperty("user_data_hex").GetString(), Convert.ToHexStringLower(Encoding.UTF8.GetBytes(t.UserData)));
        Assert.Equal(source.GetProperty("timestamp").GetInt64(), t.IssuedAt!.Value.ToUnixTimeSeconds());

        var expectedRefresh = AuthTktVectors.Text(c.GetProperty("expected"), "refresh_cookie_value");
        Assert.Equal(expectedRefresh, verdict.RefreshCookieValue);
        Assert.Equal(c.GetProperty("validate").GetProperty("old_secret").ValueKind == JsonValueKind.String, verdict.MatchedOldSecret);
    }
}
