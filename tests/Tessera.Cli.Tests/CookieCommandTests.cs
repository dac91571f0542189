using System.CommandLine;
using System.Text.Json.Nodes;
using Tessera.Cli;
using Tessera.Cookies;

namespace Tessera.Cli.Tests;

public sealed class CookieCommandTests
{
    private const string KeyA = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private const string KeyB = "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f";

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CliRunner.Run(new RootCommand { CookieCommand.Create(new StringReader("")) }, args, stdout, stderr);
        return (exit, stdout.ToString().Trim(), stderr.ToString().Trim());
    }

    private static JsonObject Open(int expectedExit, params string[] args)
    {
        var (exit, output, err) = Run(["cookie", "open", .. args]);
        Assert.True(expectedExit == exit, $"exit {exit}: {output} {err}");
        return JsonNode.Parse(output, documentOptions: new() { MaxDepth = JsonLimits.MaxDepth + 1 })!.AsObject();
    }

    private static string Seal(params string[] args)
    {
        var (exit, output, err) = Run(["cookie", "seal", .. args]);
        Assert.True(exit == 0, $"exit {exit}: {err}");
        return output;
    }

    /// <summary>{"a": [[...]]} nested <paramref name="depth"/> levels, the outer object included.</summary>
    internal static string Nested(int depth) => "{\"a\": " + new string('[', depth - 1) + new string(']', depth - 1) + "}";

    public static TheoryData<string[]> FormatKeys => new()
    {
        new[] { "--format", "tessera", "--key-hex", KeyA },
        new[] { "--format", "beaker", "--validate-key", "validate-key-one", "--encrypt-key", "encrypt-key-one" },
        new[] { "--format", "beaker", "--validate-key", "validate-key-one", "--encrypt-key", "encrypt-key-one", "--crypto", "gcm", "--nonce-bits", "96" },
        new[] { "--format", "beaker", "--validate-key", "validate-key-one" },
        new[] { "--format", "pyramid-nacl", "--secret-hex", KeyA },
    };

    [Theory]
    [MemberData(nameof(FormatKeys))]
    public void SealThenOpen_EachFormat_RoundTripsDataAndTimes(string[] keys)
    {
        var seal = Run(["cookie", "seal", .. keys, "--data", """{"user": "alice", "n": [1, 2.5]}""", "--now", "1700000000.25"]);
        Assert.Equal(0, seal.Exit);

        var open = Run(["cookie", "open", .. keys, "--value", seal.Out, "--now", "1700000010"]);

        Assert.Equal(0, open.Exit);
        var json = JsonNode.Parse(open.Out)!.AsObject();
        Assert.True((bool)json["valid"]!);
        Assert.Equal("valid", (string)json["reason"]!);
        Assert.Equal("alice", (string)json["data"]!["user"]!);
        Assert.Equal(2.5, (double)json["data"]!["n"]![1]!);
        Assert.Equal(1700000000.25, (double)json["created"]!);
        Assert.True((double)json["accessed"]! is 1700000000.25 or 1700000000);
    }

    [Fact]
    public void Open_BeakerVectorCookie_PrintsStoredDictWithUnderscoreKeys()
    {
        var vectors = JsonNode.Parse(File.ReadAllText(Tessera.TestSupport.TestPaths.SharedFile("vectors", "beaker_cookie.json")))!;
        var c = vectors["cases"]!.AsArray().First(x => (string)x!["id"]! == "b-pos-01")!;

        var open = Run("cookie", "open", "--format", "beaker", "--validate-key", "validate-key-one", "--encrypt-key", "encrypt-key-one", "--value", (string)c["cookie_value"]!, "--now", "1700000005.25");

        Assert.Equal(0, open.Exit);
        var json = JsonNode.Parse(open.Out)!;
        Assert.True(JsonNode.DeepEquals(c["expected"]!["data"], json["data"]), open.Out);
        Assert.Equal(1700000000.25, (double)json["accessed"]!);
    }

    [Fact]
    public void Open_PyramidVectorExpired_PrintsInvalidExpiredWithExit1()
    {
        var vectors = JsonNode.Parse(File.ReadAllText(Tessera.TestSupport.TestPaths.SharedFile("vectors", "pyramid_nacl_cookie.json")))!;
        var c = vectors["cases"]!.AsArray().First(x => (string)x!["id"]! == "p-neg-10")!;

        var open = Run("cookie", "open", "--format", "pyramid-nacl", "--secret-hex", (string)c["config"]!["secret_hex"]!, "--value", (string)c["cookie_value"]!, "--now", ((double)c["now"]!).ToString("R", System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(1, open.Exit);
        var json = JsonNode.Parse(open.Out)!;
        Assert.False((bool)json["valid"]!);
        Assert.Equal("expired", (string)json["reason"]!);
        Assert.Null(json["data"]);
    }

    [Fact]
    public void Open_TesseraCookieAfterRotation_ValidWithOldKeyAndUnknownWithout()
    {
        var value = Run("cookie", "seal", "--format", "tessera", "--key-hex", KeyA, "--data", "{}", "--now", "1700000000").Out;

        var rotated = Run("cookie", "open", "--format", "tessera", "--key-hex", KeyB, "--key-hex", KeyA, "--value", value, "--now", "1700000001");
        var dropped = Run("cookie", "open", "--format", "tessera", "--key-hex", KeyB, "--value", value, "--now", "1700000001");

        Assert.Equal(0, rotated.Exit);
        Assert.Equal(1, dropped.Exit);
        Assert.Equal("unknown_key", (string)JsonNode.Parse(dropped.Out)!["reason"]!);
    }

    [Fact]
    public void Open_TesseraCookieUnderOtherName_BadSignature()
    {
        var value = Run("cookie", "seal", "--format", "tessera", "--key-hex", KeyA, "--cookie-name", "a", "--data", "{}", "--now", "1700000000").Out;

        var open = Run("cookie", "open", "--format", "tessera", "--key-hex", KeyA, "--cookie-name", "b", "--value", value, "--now", "1700000000");

        Assert.Equal(1, open.Exit);
        Assert.Equal("bad_signature", (string)JsonNode.Parse(open.Out)!["reason"]!);
    }

    [Fact]
    public void Open_Timeout_ExpiresAfterIdleSeconds()
    {
        var value = Run("cookie", "seal", "--format", "tessera", "--key-hex", KeyA, "--data", "{}", "--now", "1700000000").Out;

        Assert.Equal(0, Run("cookie", "open", "--format", "tessera", "--key-hex", KeyA, "--timeout", "60", "--value", value, "--now", "1700000060").Exit);
        var late = Run("cookie", "open", "--format", "tessera", "--key-hex", KeyA, "--timeout", "60", "--value", value, "--now", "1700000061");
        Assert.Equal(1, late.Exit);
        Assert.Equal("expired", (string)JsonNode.Parse(late.Out)!["reason"]!);
    }

    [Fact]
    public void Open_Garbage_Exit1Malformed()
    {
        var open = Run("cookie", "open", "--format", "pyramid-nacl", "--secret-hex", KeyA, "--value", "not a cookie");

        Assert.Equal(1, open.Exit);
        var json = JsonNode.Parse(open.Out)!;
        Assert.Equal("malformed", (string)json["reason"]!);
        Assert.Null(json["created"]);
    }

    [Theory]
    [InlineData("cookie", "open", "--format", "tessera", "--value", "x")]
    [InlineData("cookie", "open", "--format", "tessera", "--key-hex", "0011", "--value", "x")]
    [InlineData("cookie", "open", "--format", "tessera", "--key-hex", "zz", "--value", "x")]
    [InlineData("cookie", "open", "--format", "beaker", "--value", "x")]
    [InlineData("cookie", "open", "--format", "pyramid-nacl", "--secret-hex", "00", "--value", "x")]
    [InlineData("cookie", "open", "--format", "nope", "--value", "x")]
    [InlineData("cookie", "open", "--format", "beaker", "--validate-key", "v")]
    [InlineData("cookie", "seal", "--format", "beaker", "--validate-key", "v", "--data", "[1]")]
    [InlineData("cookie", "seal", "--format", "beaker", "--validate-key", "v", "--data", "{")]
    [InlineData("cookie", "seal", "--format", "beaker", "--validate-key", "v", "--data", "{}", "--now", "1e300")]
    [InlineData("cookie", "seal", "--format", "beaker", "--validate-key", "v", "--data", "")]
    [InlineData("cookie", "seal", "--format", "beaker", "--validate-key", "v", "--data", "@/nonexistent/session.json")]
    [InlineData("cookie", "open", "--format", "tessera", "--key-hex", KeyA, "--encrypt-key", "e", "--value", "x")]
    [InlineData("cookie", "open", "--format", "beaker", "--validate-key", "v", "--absolute-lifetime", "60", "--value", "x")]
    [InlineData("cookie", "open", "--format", "pyramid-nacl", "--secret-hex", KeyA, "--crypto", "gcm", "--value", "x")]
    [InlineData("cookie", "open", "--format", "pyramid-nacl", "--secret-hex", KeyA, "--timeout", "soon", "--value", "x")]
    [InlineData("cookie", "open", "--format", "beaker", "--validate-key", "v", "--crypto-type", "nss", "--value", "x")]
    [InlineData("cookie", "open", "--format", "beaker", "--validate-key", "v", "--nonce-bits", "100", "--value", "x")]
    public void Run_UsageError_Exit2WithMessage(params string[] args)
    {
        var (exit, _, err) = Run(args);

        Assert.Equal(2, exit);
        Assert.NotEmpty(err);
    }

    [Fact]
    public void Seal_TooLarge_Exit1SaysLimit()
    {
        var big = new JsonObject { ["blob"] = Convert.ToBase64String(new Random(3).GetItems<byte>([.. Enumerable.Range(0, 256).Select(i => (byte)i)], 3500)) };

        var (exit, output, err) = Run("cookie", "seal", "--format", "pyramid-nacl", "--secret-hex", KeyA, "--data", big.ToJsonString());

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.Contains("4064", err);
    }

    /// <summary>Format keys, and the flags under which a session idle for 1201 s has expired (the default, but for Beaker).</summary>
    public static TheoryData<string[], string[]> IdleFormats => new()
    {
        { new[] { "--format", "tessera", "--key-hex", KeyA }, Array.Empty<string>() },
        { new[] { "--format", "pyramid-nacl", "--secret-hex", KeyA }, Array.Empty<string>() },
        { new[] { "--format", "beaker", "--validate-key", "validate-key-one" }, new[] { "--timeout", "1200" } },
    };

    [Theory]
    [MemberData(nameof(IdleFormats))]
    public void Open_IdlePastTimeout_ExpiredUnlessTimeoutNone(string[] keys, string[] expiring)
    {
        var value = Seal([.. keys, "--data", """{"user": "alice"}""", "--now", "1700000000"]);

        var expired = Open(1, [.. keys, .. expiring, "--value", value, "--now", "1700001201"]);
        var eternal = Open(0, [.. keys, "--timeout", "none", "--value", value, "--now", "1700001201"]);

        Assert.Equal("expired", (string)expired["reason"]!);
        Assert.Equal("alice", (string)eternal["data"]!["user"]!);
    }

    [Fact]
    public void Open_BeakerWithoutTimeout_NeverExpiresUntilTimeoutGiven()
    {
        string[] keys = ["--format", "beaker", "--validate-key", "validate-key-one"];
        var value = Seal([.. keys, "--data", "{}", "--now", "1700000000"]);

        Assert.Equal("valid", (string)Open(0, [.. keys, "--value", value, "--now", "1800000000"])["reason"]!);
        Assert.Equal("expired", (string)Open(1, [.. keys, "--timeout", "60", "--value", value, "--now", "1700000061"])["reason"]!);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("10", false)]
    [InlineData("4", true)]
    [InlineData("none", false)]
    public void Open_PyramidReissueTime_DecidesNeedsReissue(string? reissueTime, bool expected)
    {
        string[] keys = ["--format", "pyramid-nacl", "--secret-hex", KeyA];
        var value = Seal([.. keys, "--data", "{}", "--now", "1700000000"]);

        var json = Open(0, [.. keys, .. reissueTime is null ? Array.Empty<string>() : ["--reissue-time", reissueTime], "--value", value, "--now", "1700000005"]);

        Assert.Equal(expected, (bool)json["needs_reissue"]!);
    }

    [Fact]
    public void Open_TesseraAbsoluteLifetime_ExpiresActiveSessionUnlessNone()
    {
        string[] keys = ["--format", "tessera", "--key-hex", KeyA, "--timeout", "none"];
        var value = Seal([.. keys, "--data", "{}", "--now", "1700000000"]);

        Assert.Equal("expired", (string)Open(1, [.. keys, "--value", value, "--now", "1700086401"])["reason"]!);
        Assert.Equal("expired", (string)Open(1, [.. keys, "--absolute-lifetime", "60", "--value", value, "--now", "1700000061"])["reason"]!);
        Assert.Equal("valid", (string)Open(0, [.. keys, "--absolute-lifetime", "none", "--value", value, "--now", "1800000000"])["reason"]!);
    }

    [Theory]
    [InlineData("--crypto-type", "cryptography", "--crypto", "gcm")]
    [InlineData("--crypto-type", "default", "--crypto", "ctr")]
    [InlineData("--crypto-type", "pycrypto", "--crypto", "ctr")]
    public void SealOpen_BeakerCryptoTypeNames_AreAliasesOfTheMode(string sealFlag, string sealType, string openFlag, string openMode)
    {
        string[] keys = ["--format", "beaker", "--validate-key", "validate-key-one", "--encrypt-key", "encrypt-key-one"];
        var value = Seal([.. keys, sealFlag, sealType, "--data", """{"user": "alice"}""", "--now", "1700000000"]);
        var otherMode = openMode == "gcm" ? "ctr" : "gcm";

        Assert.Equal("alice", (string)Open(0, [.. keys, openFlag, openMode, "--value", value, "--now", "1700000001"])["data"]!["user"]!);
        Assert.Equal("corrupt", (string)Open(1, [.. keys, openFlag, otherMode, "--value", value, "--now", "1700000001"])["reason"]!);
    }

    [Fact]
    public void SealOpen_BeakerNonceBits_MustMatch()
    {
        string[] keys = ["--format", "beaker", "--validate-key", "validate-key-one", "--encrypt-key", "encrypt-key-one"];
        var value = Seal([.. keys, "--nonce-bits", "48", "--data", """{"user": "alice"}""", "--now", "1700000000"]);

        Assert.Equal("alice", (string)Open(0, [.. keys, "--nonce-bits", "48", "--value", value, "--now", "1700000001"])["data"]!["user"]!);
        Assert.Equal("corrupt", (string)Open(1, [.. keys, "--value", value, "--now", "1700000001"])["reason"]!);
    }

    [Fact]
    public void SealOpen_BeakerValidateOnly_SignedNotEncrypted()
    {
        string[] signedOnly = ["--format", "beaker", "--validate-key", "validate-key-one"];
        var value = Seal([.. signedOnly, "--data", """{"user": "alice"}""", "--now", "1700000000"]);
        var inflated = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(new MemoryStream(Convert.FromBase64String(value[40..])), System.IO.Compression.CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        Assert.Contains("\"alice\"", System.Text.Encoding.UTF8.GetString(inflated.ToArray()));
        Assert.Equal("alice", (string)Open(0, [.. signedOnly, "--value", value, "--now", "1700000001"])["data"]!["user"]!);
        Assert.Equal("corrupt", (string)Open(1, [.. signedOnly, "--encrypt-key", "encrypt-key-one", "--value", value, "--now", "1700000001"])["reason"]!);
    }

    [Fact]
    public void Seal_BeakerPathAndDomain_StoredInValueAndSetCookie()
    {
        string[] keys = ["--format", "beaker", "--validate-key", "validate-key-one"];
        var header = Seal([.. keys, "--path", "/app", "--domain", "example.org", "--set-cookie", "--secure", "false", "--httponly", "false", "--samesite", "strict", "--data", "{}", "--now", "1700000000"]);
        var value = header[(header.IndexOf('=') + 1)..header.IndexOf(';')];

        Assert.Equal($"beaker.session.id={value}; Domain=example.org; Path=/app; SameSite=Strict", header);
        var stored = Open(0, [.. keys, "--value", value, "--now", "1700000001"])["data"]!;
        Assert.Equal("/app", (string)stored["_path"]!);
        Assert.Equal("example.org", (string)stored["_domain"]!);
    }

    [Fact]
    public void Seal_SetCookieDefaultsAndMaxAge_SecureHeader()
    {
        var plain = Seal("--format", "pyramid-nacl", "--secret-hex", KeyA, "--data", "{}", "--now", "1700000000", "--set-cookie");
        var persistent = Seal("--format", "pyramid-nacl", "--secret-hex", KeyA, "--cookie-name", "s", "--data", "{}", "--now", "1700000000", "--set-cookie", "--max-age", "60");

        Assert.Matches("^session=[A-Za-z0-9_-]+; Path=/; Secure; HttpOnly; SameSite=Lax$", plain);
        Assert.Matches("^s=[A-Za-z0-9_-]+; Max-Age=60; Expires=Tue, 14 Nov 2023 22:14:20 GMT; Path=/; Secure; HttpOnly; SameSite=Lax$", persistent);
    }

    [Fact]
    public void SealOpen_DataAndValueFromFiles_Over200KB()
    {
        var dir = Directory.CreateTempSubdirectory("tessera-cli-");
        try
        {
            var big = new string('x', 210_000) + "é";
            var dataFile = Path.Combine(dir.FullName, "session.json");
            File.WriteAllText(dataFile, new JsonObject { ["blob"] = big }.ToJsonString() + "\n");
            string[] keys = ["--format", "beaker", "--validate-key", "validate-key-one", "--encrypt-key", "encrypt-key-one"];
            var valueFile = Path.Combine(dir.FullName, "cookie.txt");
            File.WriteAllText(valueFile, Seal([.. keys, "--data", "@" + dataFile, "--now", "1700000000"]) + "\n");

            var json = Open(0, [.. keys, "--value", "@" + valueFile, "--now", "1700000001"]);

            Assert.Equal(big, (string)json["data"]!["blob"]!);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Seal_DataFromStandardInput_ReadsTheReader()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string[] keys = ["--format", "beaker", "--validate-key", "validate-key-one"];

        var exit = CliRunner.Run(new RootCommand { CookieCommand.Create(new StringReader("""{"user": "from-stdin"}""" + "\n")) }, ["cookie", "seal", .. keys, "--data", "-", "--now", "1700000000"], stdout, stderr);

        Assert.Equal(0, exit);
        Assert.Equal("from-stdin", (string)Open(0, [.. keys, "--value", stdout.ToString().Trim(), "--now", "1700000001"])["data"]!["user"]!);
    }

    [Fact]
    public void SealOpen_DataAtPythonPeerDepthLimit_RoundTrips()
    {
        string[] keys = ["--format", "beaker", "--validate-key", "validate-key-one"];
        var data = Nested(JsonLimits.PythonPeerWriteDepth);

        var json = Open(0, [.. keys, "--value", Seal([.. keys, "--data", data, "--now", "1700000000"]), "--now", "1700000001"]);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(data, documentOptions: new() { MaxDepth = JsonLimits.MaxDepth })!["a"], json["data"]!["a"]));
    }

    [Theory]
    [InlineData("beaker", "--validate-key", "validate-key-one")]
    [InlineData("pyramid-nacl", "--secret-hex", KeyA)]
    [InlineData("tessera", "--key-hex", KeyA)]
    public void Seal_DataPastDepthLimit_Exit1NamesTheLimit(string format, string keyOption, string key)
    {
        var (exit, output, err) = Run("cookie", "seal", "--format", format, keyOption, key, "--data", Nested(JsonLimits.MaxDepth + 1));

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.Equal($"refused: --data is nested {JsonLimits.MaxDepth + 1} levels deep; the cookie formats carry at most {JsonLimits.MaxDepth} (the session object counts as one), as Python's json reads.", err);
    }

    [Fact]
    public void Seal_LoneSurrogateInData_Exit1SaysWhy()
    {
        var (exit, output, err) = Run("cookie", "seal", "--format", "beaker", "--validate-key", "validate-key-one", "--data", """{"\udc00": "\ud800x"}""");

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.StartsWith("refused: --data holds a string that is not valid Unicode", err);
    }
}
