using System.CommandLine;
using System.Text.Json.Nodes;
using Tessera.Interop.Tests.Cookies;

namespace Tessera.Cli.Tests;

/// <summary>
/// <c>tessera cookie</c> against the real Beaker 1.11 (python3-beaker via shared/peers/pycookies/make.py): every Beaker
/// setting the CLI exposes, in both directions.
/// </summary>
public sealed class CookieCommandBeakerPeerTests
{
    private const string Data = """{"user": "alice", "cart": [1, 2.5, {"sku": "X-1"}], "ünï": "☃"}""";

    /// <summary>CLI flags, and the same configuration in make.py's words.</summary>
    public static TheoryData<string[], string[]> Configs => new()
    {
        { ["--encrypt-key", "encrypt-key-one"], ["--encrypt-key", "encrypt-key-one"] },
        { ["--encrypt-key", "encrypt-key-one", "--crypto-type", "default"], ["--encrypt-key", "encrypt-key-one", "--crypto-type", "default"] },
        { ["--encrypt-key", "encrypt-key-one", "--crypto-type", "pycrypto"], ["--encrypt-key", "encrypt-key-one", "--crypto-type", "pycrypto"] },
        { ["--encrypt-key", "encrypt-key-one", "--crypto-type", "cryptography"], ["--encrypt-key", "encrypt-key-one", "--crypto-type", "cryptography"] },
        { ["--encrypt-key", "encrypt-key-one", "--crypto", "gcm", "--nonce-bits", "96"], ["--encrypt-key", "encrypt-key-one", "--crypto-type", "cryptography", "--nonce-bits", "96"] },
        { ["--encrypt-key", "legacy-encr", "--nonce-bits", "48"], ["--encrypt-key", "legacy-encr", "--nonce-bits", "48"] },
        { [], [] }, // validate-only: signed, not encrypted
    };

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CliRunner.Run(new RootCommand { CookieCommand.Create(new StringReader("")) }, args, stdout, stderr);
        return (exit, stdout.ToString().Trim(), stderr.ToString().Trim());
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Seal_EachBeakerSetting_RealBeakerReadsTheData(string[] cli, string[] peer)
    {
        var (exit, value, err) = Run(["cookie", "seal", "--format", "beaker", "--validate-key", "validate-key-one", .. cli, "--data", Data, "--now", "1700000000.25"]);
        Assert.True(exit == 0, err);

        var answer = PythonCookiePeer.Make(value, ["beaker", "decode", "--validate-key", "validate-key-one", .. peer, "--cookie", "-", "--now", "1700000010"]);

        Assert.True((string?)answer["verdict"] == "valid", answer.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Data), answer["user_data"]), answer.ToJsonString());
        Assert.Equal(1700000000.25, (double)answer["data"]!["_accessed_time"]!, 6);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Open_CookieMadeByBeaker_EachSettingValid(string[] cli, string[] peer)
    {
        var emitted = PythonCookiePeer.Make(string.Empty, ["beaker", "encode", "--validate-key", "validate-key-one", .. peer, "--data", Data, "--time", "1700000000.25"]);

        var (exit, output, err) = Run(["cookie", "open", "--format", "beaker", "--validate-key", "validate-key-one", .. cli, "--value", (string)emitted["cookie_value"]!, "--now", "1700000010"]);

        Assert.True(exit == 0, err + output);
        var data = JsonNode.Parse(output)!["data"]!.AsObject();
        Assert.Equal("alice", (string)data["user"]!);
        Assert.Equal("☃", (string)data["ünï"]!);
        Assert.Equal(1700000000.25, (double)data["_creation_time"]!, 6);
    }

    [Fact]
    public void Open_DeepCookieMadeByBeaker_ValidNotACrash()
    {
        var deep = CookieCommandTests.Nested(500);
        var emitted = PythonCookiePeer.Make(string.Empty, ["beaker", "encode", "--validate-key", "validate-key-one", "--data", deep, "--time", "1700000000"]);

        var (exit, output, err) = Run("cookie", "open", "--format", "beaker", "--validate-key", "validate-key-one", "--value", (string)emitted["cookie_value"]!, "--now", "1700000001");

        Assert.True(exit == 0, err);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(deep, documentOptions: new() { MaxDepth = 600 })!["a"], JsonNode.Parse(output, documentOptions: new() { MaxDepth = 600 })!["data"]!["a"]));
    }

    [Fact]
    public void Seal_PathDomainAndTimeout_BeakerAgrees()
    {
        string[] keys = ["--validate-key", "validate-key-one", "--encrypt-key", "encrypt-key-one"];
        var (_, value, _) = Run(["cookie", "seal", "--format", "beaker", .. keys, "--path", "/app", "--domain", "example.org", "--data", Data, "--now", "1700000000"]);

        var fresh = PythonCookiePeer.Make(value, ["beaker", "decode", .. keys, "--timeout", "60", "--cookie", "-", "--now", "1700000060"]);
        var stale = PythonCookiePeer.Make(value, ["beaker", "decode", .. keys, "--timeout", "60", "--cookie", "-", "--now", "1700000061"]);
        var ours = Run(["cookie", "open", "--format", "beaker", .. keys, "--timeout", "60", "--value", value, "--now", "1700000061"]);

        Assert.Equal("valid", (string?)fresh["verdict"]);
        Assert.Equal("/app", (string?)fresh["data"]!["_path"]);
        Assert.Equal("example.org", (string?)fresh["data"]!["_domain"]);
        Assert.Equal("expired", (string?)stale["verdict"]);
        Assert.Equal(1, ours.Exit);
        Assert.Equal("expired", (string?)JsonNode.Parse(ours.Out)!["reason"]);
    }
}
