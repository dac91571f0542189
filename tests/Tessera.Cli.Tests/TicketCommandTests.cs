using System.CommandLine;
using System.Text.Json;
using Tessera.Cli;
using Tessera.TestSupport;

namespace Tessera.Cli.Tests;

/// <summary><c>tessera ticket issue|verify</c> run in-process: exit codes, stdout and the JSON contract, against the shared vectors.</summary>
public sealed class TicketCommandTests
{
    private static readonly Lazy<Dictionary<string, JsonElement>> Vectors = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestPaths.SharedFile("vectors", "auth_tkt.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!, c => c.Clone());
    });

    private static readonly string[] JsonKeys = ["valid", "reason", "uid", "tokens", "user_data", "timestamp", "refresh_cookie"];

    public static TheoryData<string> IssuableVectors => new()
    {
        "md5-01-doctest-basic", "md5-02-doctest-tokens-data", "md5-03-ipv4-loopback", "md5-09-unicode-uid", "md5-13-non-ascii-secret",
        "sha256-03-tokens-data", "sha256-05-ip-one-token", "sha512-02-ip-tokens", "sha512-04-non-ascii-secret",
        "hmac-02-tokens-data", "hmac-03-ip", "hmac-06-digest-contains-bang",
    };

    [Theory]
    [MemberData(nameof(IssuableVectors))]
    public void Issue_VectorInputs_PrintsPeerCookieValue(string id)
    {
        var c = Vectors.Value[id];
        var inputs = c.GetProperty("inputs");
        var args = new List<string>
        {
            "ticket", "issue", "--scheme", SchemeName(c.GetProperty("scheme").GetString()!),
            "--secret-hex", inputs.GetProperty("secret_hex").GetString()!, "--uid", inputs.GetProperty("userid").GetString()!,
            "--user-data", inputs.GetProperty("user_data").GetString()!, "--time", inputs.GetProperty("timestamp").GetInt64().ToString(),
        };
        foreach (var token in inputs.GetProperty("tokens").EnumerateArray())
        {
            args.AddRange(["--token", token.GetString()!]);
        }

        if (inputs.GetProperty("ip").GetString() is { } ip and not "0.0.0.0")
        {
            args.AddRange(["--ip", ip]);
        }

        var (code, stdout, _) = Run([.. args]);

        Assert.Equal(0, code);
        Assert.Equal(c.GetProperty("cookie_value").GetString(), stdout.Trim());
    }

    [Fact]
    public void Issue_Raw_PrintsTicketText()
    {
        var (code, stdout, _) = Run("ticket", "issue", "--scheme", "md5", "--secret", "abcdefghijklmnopqrstuvwxyz0123456789",
            "--uid", "jbloggs", "--token", "foo", "--token", "bar", "--user-data", "Joe Bloggs", "--time", "1216720800", "--raw");

        Assert.Equal(0, code);
        Assert.Equal("eea3630e98177bdbf0e7f803e1632b7e4885afa0jbloggs!foo,bar!Joe Bloggs", stdout.Trim());
    }

    [Theory]
    [InlineData("UserId", "--uid", "a!b")]
    [InlineData("UserId", "--uid", "")]
    [InlineData("Tokens", "--token", "a,b")]
    [InlineData("Tokens", "--token", "two words")]
    [InlineData("UserData", "--user-data", "hi!")]
    [InlineData("ClientIp", "--ip", "2001:db8::1")]
    [InlineData("ClientIp", "--ip", "300.1.2.3")]
    [InlineData("IssuedAt", "--time", "4294967296")]
    public void Issue_InputTheFormatCannotCarry_ExitsOneNamingTheField(string field, string option, string value)
    {
        var args = new List<string> { "ticket", "issue", "--scheme", "sha256", "--secret", "abcdefghijklmnopqrstuvwxyz0123456789", "--uid", "u" };
        if (option == "--uid")
        {
            args[^1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        var (code, stdout, stderr) = Run([.. args]);

        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.Contains(field, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ticket", "issue", "--scheme", "md5", "--uid", "u")]
    [InlineData("ticket", "issue", "--scheme", "md5", "--secret", "abcdefghijklmnopqrstuvwxyz", "--secret-hex", "00", "--uid", "u")]
    [InlineData("ticket", "issue", "--scheme", "sha1", "--secret", "abcdefghijklmnopqrstuvwxyz", "--uid", "u")]
    [InlineData("ticket", "issue", "--scheme", "hmac-sha256", "--secret", "abcdefghijklmnopqrstuvwxyz", "--uid", "u", "--raw")]
    [InlineData("ticket", "issue", "--scheme", "md5", "--secret-hex", "abc", "--uid", "u")]
    [InlineData("ticket", "verify", "--scheme", "md5", "--secret", "abcdefghijklmnopqrstuvwxyz")]
    [InlineData("ticket", "verify", "--scheme", "md5", "--secret", "abcdefghijklmnopqrstuvwxyz", "--cookie", "x", "--ticket", "y")]
    [InlineData("ticket", "verify", "--scheme", "md5", "--secret", "abcdefghijklmnopqrstuvwxyz", "--cookie", "x", "--client-ip", "1.2.3.4", "--ignore-ip")]
    [InlineData("ticket", "verify", "--scheme", "md5", "--secret", "abcdefghijklmnopqrstuvwxyz", "--cookie", "x", "--refresh", "2")]
    [InlineData("ticket", "verify", "--scheme", "md5", "--secret", "abcdefghijklmnopqrstuvwxyz", "--cookie", "x", "--timeout", "-1")]
    [InlineData("ticket", "verify", "--scheme", "md5", "--secret", "short", "--cookie", "x")]
    [InlineData("ticket", "verify", "--scheme", "md5", "--secret", "abcdefghijklmnopqrstuvwxyz", "--cookie", "x", "--client-ip", "nope")]
    [InlineData("ticket", "verify", "--scheme", "md5", "--secret", "abcdefghijklmnopqrstuvwxyz", "--cookie", "x", "--timeout", "1", "--timeout", "2")]
    [InlineData("ticket", "issue", "--scheme", "md5", "--secret", "abcdefghijklmnopqrstuvwxyz", "--uid", "u", "--time", "1", "--time", "2")]
    [InlineData("ticket", "verify", "--scheme", "md5", "--secret", "abcdefghijklmnopqrstuvwxyz", "--cookie", "x", "--max-future-skew", "soon")]
    [InlineData("ticket", "verify", "--scheme", "md5", "--secret", "abcdefghijklmnopqrstuvwxyz", "--cookie", "x", "--timeout", "1.5")]
    [InlineData("ticket", "verify", "--scheme", "md5", "--secret", "abcdefghijklmnopqrstuvwxyz", "--cookie", "x", "--timeout", "200y")]
    [InlineData("ticket", "verify", "--scheme", "md5", "--secret", "abcdefghijklmnopqrstuvwxyz", "--cookie", "x", "--expiry-bound", "sometimes")]
    [InlineData("ticket", "verify", "--scheme", "md5", "--secret", "abcdefghijklmnopqrstuvwxyz", "--cookie", "x", "--cookie-header", "auth_tkt=x")]
    [InlineData("ticket", "verify", "--scheme", "md5", "--secret", "abcdefghijklmnopqrstuvwxyz", "--cookie", "@/nonexistent/ticket")]
    [InlineData("ticket", "verify", "--scheme", "md5", "--secret", "abcdefghijklmnopqrstuvwxyz", "--old-secret-hex", "abc", "--cookie", "x")]
    public void Ticket_UsageError_ExitsTwo(params string[] args)
    {
        var (code, stdout, stderr) = Run(args);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.NotEmpty(stderr);
    }

    [Fact]
    public void Verify_ValidVector_ExitsZeroWithFields()
    {
        var json = Verify(0, "md5-02-doctest-tokens-data");

        Assert.True(json.GetProperty("valid").GetBoolean());
        Assert.Equal("ok", json.GetProperty("reason").GetString());
        Assert.Equal("jbloggs", json.GetProperty("uid").GetString());
        Assert.Equal(["foo", "bar"], json.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("Joe Bloggs", json.GetProperty("user_data").GetString());
        Assert.Equal(1216720800, json.GetProperty("timestamp").GetInt64());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("refresh_cookie").ValueKind);
    }

    [Fact]
    public void Verify_RefreshZoneVector_PrintsApachesRefreshCookie()
    {
        var c = Vectors.Value["md5-15-refresh-emitted"];

        var json = Verify(0, "md5-15-refresh-emitted", "--refresh", "0.5");
        var noRefresh = Verify(0, "md5-15-refresh-emitted", "--refresh", "0");

        Assert.Equal(c.GetProperty("expected").GetProperty("refresh_cookie_value").GetString(), json.GetProperty("refresh_cookie").GetString());
        Assert.Equal(JsonValueKind.Null, noRefresh.GetProperty("refresh_cookie").ValueKind);
    }

    [Fact]
    public void Verify_OldSecretVector_PrintsRefreshCookie()
    {
        var c = Vectors.Value["md5-17-old-secret-rotation"];

        var json = Verify(0, "md5-17-old-secret-rotation", "--old-secret", c.GetProperty("validate").GetProperty("old_secret").GetString()!);
        var without = Verify(1, "md5-17-old-secret-rotation");

        Assert.Equal(c.GetProperty("expected").GetProperty("refresh_cookie_value").GetString(), json.GetProperty("refresh_cookie").GetString());
        Assert.Equal("bad_digest", without.GetProperty("reason").GetString());
    }

    [Fact]
    public void Verify_ExpiredVector_ExitsOneUnlessTimeoutZero()
    {
        var expired = Verify(1, "md5-neg-10-expired");
        var eternal = Verify(0, "md5-neg-10-expired", "--timeout", "0");

        Assert.Equal("expired", expired.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, expired.GetProperty("uid").ValueKind);
        Assert.Empty(expired.GetProperty("tokens").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, expired.GetProperty("timestamp").ValueKind);
        Assert.True(eternal.GetProperty("valid").GetBoolean());
    }

    [Theory]
    [InlineData("127.0.0.1", 0, "ok")]
    [InlineData("127.0.0.2", 1, "bad_digest")]
    [InlineData("::1", 1, "unsupported_client_ip")]
    public void Verify_BoundVector_ChecksClientIp(string clientIp, int exit, string reason)
    {
        var json = Verify(exit, "md5-03-ipv4-loopback", "--client-ip", clientIp);

        Assert.Equal(reason, json.GetProperty("reason").GetString());
    }

    [Fact]
    public void Verify_RequiredTokenMissing_ReportsMissingToken()
    {
        var json = Verify(1, "md5-neg-26-missing-required-token", "--require-token", "admin");

        Assert.Equal("missing_token", json.GetProperty("reason").GetString());
    }

    [Fact]
    public void Verify_RawTicketText_IsValidated()
    {
        var c = Vectors.Value["md5-02-doctest-tokens-data"];
        var v = c.GetProperty("validate");

        var (code, stdout, _) = Run("ticket", "verify", "--scheme", "md5", "--secret-hex", v.GetProperty("secret_hex").GetString()!,
            "--now", v.GetProperty("now").GetInt64().ToString(), "--ticket", c.GetProperty("ticket").GetString()!);

        Assert.Equal(0, code);
        Assert.Equal("jbloggs", JsonDocument.Parse(stdout).RootElement.GetProperty("uid").GetString());
    }

    [Fact]
    public void Verify_Garbage_ExitsOneWithJson()
    {
        var (code, stdout, _) = Run("ticket", "verify", "--scheme", "sha512", "--secret", "abcdefghijklmnopqrstuvwxyz", "--cookie", "%2B%2B");

        Assert.Equal(1, code);
        Assert.Equal("bad_cookie_encoding", JsonDocument.Parse(stdout).RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public void IssueThenVerify_RoundTrips()
    {
        var (_, cookie, _) = Run("ticket", "issue", "--scheme", "hmac-sha256", "--secret", "abcdefghijklmnopqrstuvwxyz", "--uid", "zoë", "--ip", "10.0.0.1");

        var (code, stdout, _) = Run("ticket", "verify", "--scheme", "hmac-sha256", "--secret", "abcdefghijklmnopqrstuvwxyz", "--client-ip", "10.0.0.1", "--cookie", cookie.Trim());

        Assert.Equal(0, code);
        Assert.Equal("zoë", JsonDocument.Parse(stdout).RootElement.GetProperty("uid").GetString());
    }

    private const string Secret = "abcdefghijklmnopqrstuvwxyz0123456789";

    private static string Issue(params string[] extra)
    {
        var (code, stdout, stderr) = Run(["ticket", "issue", "--scheme", "md5", "--secret", Secret, "--uid", "alice", "--token", "admin", .. extra]);
        Assert.True(code == 0, stderr);
        return stdout.Trim();
    }

    private static JsonElement VerifyCookie(int expectedExit, string cookie, params string[] extra)
    {
        var (code, stdout, stderr) = Run(["ticket", "verify", "--scheme", "md5", "--secret", Secret, "--cookie", cookie, .. extra]);
        Assert.True(expectedExit == code, $"exit {code}, stderr: {stderr}, stdout: {stdout}");
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }

    [Fact]
    public void Verify_TenMinutesInFuture_RefusedUnlessMaxFutureSkewAllows()
    {
        var cookie = Issue("--time", "1700000600");

        Assert.Equal("issued_in_future", VerifyCookie(1, cookie, "--now", "1700000000").GetProperty("reason").GetString());
        Assert.Equal("issued_in_future", VerifyCookie(1, cookie, "--now", "1700000000", "--max-future-skew", "599").GetProperty("reason").GetString());
        Assert.Equal("ok", VerifyCookie(0, cookie, "--now", "1700000000", "--max-future-skew", "600").GetProperty("reason").GetString());
        Assert.Equal("ok", VerifyCookie(0, cookie, "--now", "1700000000", "--max-future-skew", "none").GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("3600", 1)]
    [InlineData("1h", 1)]
    [InlineData("59m 2s", 1)]
    [InlineData("1h 1s", 0)]
    [InlineData("1d", 0)]
    [InlineData("0", 0)]
    [InlineData("none", 0)]
    public void Verify_TimeoutInApacheUnits_DecidesExpiry(string timeout, int exit)
    {
        var json = VerifyCookie(exit, Issue("--time", "1700000000"), "--now", "1700003601", "--timeout", timeout, "--refresh", "0");

        Assert.Equal(exit == 0 ? "ok" : "expired", json.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("scheme", 0)]
    [InlineData("inclusive", 0)]
    [InlineData("exclusive", 1)]
    public void Verify_ExpiryBoundAtTheLastSecond_InclusiveAsApacheExclusiveAsPlone(string bound, int exit)
    {
        var json = VerifyCookie(exit, Issue("--time", "1700000000"), "--now", "1700000060", "--timeout", "60", "--expiry-bound", bound);

        Assert.Equal(exit == 0 ? "ok" : "expired", json.GetProperty("reason").GetString());
    }

    [Fact]
    public void Verify_SecondOldSecret_VerifiesAndAsksForRefresh()
    {
        var (_, cookie, _) = Run("ticket", "issue", "--scheme", "sha256", "--secret", "keyring-secret-three-0123456789", "--uid", "alice", "--time", "1700000000");

        var rejected = Run("ticket", "verify", "--scheme", "sha256", "--secret", Secret, "--old-secret", "keyring-secret-two-0123456789", "--cookie", cookie.Trim(), "--now", "1700000001");
        var accepted = Run("ticket", "verify", "--scheme", "sha256", "--secret", Secret, "--old-secret", "keyring-secret-two-0123456789",
            "--old-secret-hex", Convert.ToHexString("keyring-secret-three-0123456789"u8), "--cookie", cookie.Trim(), "--now", "1700000001");

        Assert.Equal(1, rejected.Code);
        Assert.Equal(0, accepted.Code);
        Assert.NotEqual(JsonValueKind.Null, JsonDocument.Parse(accepted.Stdout).RootElement.GetProperty("refresh_cookie").ValueKind);
    }

    [Fact]
    public void IssueVerify_EmptyUserId_OnlyWithAllowEmptyUid()
    {
        var refused = Run("ticket", "issue", "--scheme", "md5", "--secret", Secret, "--uid", "", "--time", "1700000000");
        var (_, cookie, _) = Run("ticket", "issue", "--scheme", "md5", "--secret", Secret, "--uid", "", "--time", "1700000000", "--allow-empty-uid");

        Assert.Equal(1, refused.Code);
        Assert.Equal("malformed", VerifyCookie(1, cookie.Trim(), "--now", "1700000001").GetProperty("reason").GetString());
        Assert.Equal("", VerifyCookie(0, cookie.Trim(), "--now", "1700000001", "--allow-empty-uid").GetProperty("uid").GetString());
    }

    [Fact]
    public void Verify_CookieHeader_FindsTheNamedCookie()
    {
        var cookie = Issue("--time", "1700000000");
        string[] verify = ["ticket", "verify", "--scheme", "md5", "--secret", Secret, "--now", "1700000001", "--cookie-header", $"theme=dark; __ac={cookie}"];

        var plone = Run([.. verify, "--cookie-name", "__ac"]);
        var apache = Run(verify);

        Assert.Equal(0, plone.Code);
        Assert.Equal("alice", JsonDocument.Parse(plone.Stdout).RootElement.GetProperty("uid").GetString());
        Assert.Equal(1, apache.Code);
        Assert.Equal("malformed", JsonDocument.Parse(apache.Stdout).RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public void Verify_CookieFromFile_ReadsIt()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, Issue("--time", "1700000000") + "\n");

            Assert.Equal("alice", VerifyCookie(0, "@" + file, "--now", "1700000001").GetProperty("uid").GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Verify_RequireToken_RefusesTicketWithout()
    {
        var cookie = Issue("--time", "1700000000");

        Assert.Equal("ok", VerifyCookie(0, cookie, "--now", "1700000001", "--require-token", "admin").GetProperty("reason").GetString());
        Assert.Equal("missing_token", VerifyCookie(1, cookie, "--now", "1700000001", "--require-token", "finance").GetProperty("reason").GetString());
    }

    private static JsonElement Verify(int expectedExit, string id, params string[] extra)
    {
        var c = Vectors.Value[id];
        var v = c.GetProperty("validate");
        var (code, stdout, stderr) = Run([
            "ticket", "verify", "--scheme", SchemeName(c.GetProperty("scheme").GetString()!), "--secret-hex", v.GetProperty("secret_hex").GetString()!,
            "--now", v.GetProperty("now").GetInt64().ToString(), "--cookie", c.GetProperty("cookie_value").GetString()!,
            .. extra.Contains("--timeout") ? extra : ["--timeout", v.GetProperty("timeout").GetInt64().ToString(), .. extra]]);
        Assert.True(expectedExit == code, $"exit {code}, stderr: {stderr}, stdout: {stdout}");
        var root = JsonDocument.Parse(stdout).RootElement.Clone();
        Assert.Equal(JsonKeys, root.EnumerateObject().Select(p => p.Name));
        return root;
    }

    private static string SchemeName(string vectorScheme) => vectorScheme switch
    {
        "mod_auth_tkt/MD5" => "md5",
        "mod_auth_tkt/SHA256" => "sha256",
        "mod_auth_tkt/SHA512" => "sha512",
        _ => "hmac-sha256",
    };

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var root = new RootCommand("test") { TicketCommand.Create() };
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = CliRunner.Run(root, args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
