using System.CommandLine;
using System.Text.Json.Nodes;
using Tessera.Cli;

namespace Tessera.Cli.Tests;

public sealed class CookieCommandTests
{
    private const string KeyA = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private const string KeyB = "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f";

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CliRunner.Run(new RootCommand { CookieCommand.Create() }, args, stdout, stderr);
        return (exit, stdout.ToString().Trim(), stderr.ToString().Trim());
    }

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
}
