using System.Globalization;
using System.Text.Json.Nodes;
using Tessera.Cookies;
using Tessera.Legacy;

namespace Tessera.Interop.Tests.Cookies;

/// <summary>Live round trips with the real Beaker 1.11 (python3-beaker) through shared/peers/pycookies/make.py.</summary>
public sealed class BeakerPeerRoundTripTests
{
    private const double At = 1_700_000_000.25;

    public static TheoryData<string, string?, string, int> Configs => new()
    {
        { "validate-key-one", "encrypt-key-one", "ctr", 128 },
        { "validate-key-one", "encrypt-key-one", "gcm", 128 },
        { "validate-key-one", null, "ctr", 128 },
        { "legacy-12chr", "legacy-encr", "ctr", 48 },
        { "n96-validate", "n96-encrypt", "gcm", 96 },
    };

    private static readonly string[] Datasets =
    [
        """{"user": "alice"}""",
        """{"cart": [1, 2, {"sku": "X-1", "qty": 3}], "prefs": {"theme": "dark", "n": null, "ok": true}}""",
        """{"ünï": "😀 snow ☃", "ctl": "tab\tquote\"back\\slash\u0000nul", "html": "<b>&amp;</b>;,"}""",
        """{"big": 1180591620717411303424, "neg": -12345678901234567890, "f": 0.1, "tiny": 1e-07, "huge": 1e+100, "z": -0.0}""",
        "{}",
    ];

    [Theory]
    [MemberData(nameof(Configs))]
    public void TesseraWrites_BeakerReadsEqualData(string validateKey, string? encryptKey, string crypto, int nonceBits)
    {
        var format = Format(validateKey, encryptKey, crypto, nonceBits);
        foreach (var json in Datasets)
        {
            var data = JsonNode.Parse(json)!.AsObject();
            var value = format.Write("beaker.session.id", new CookieSessionPayload(data, Time(At), Time(At + 1)));

            var answer = PythonCookiePeer.Make(value, [.. Args("decode", validateKey, encryptKey, crypto, nonceBits), "--cookie", "-", "--now", "1700000010"]);

            Assert.True((string?)answer["verdict"] == "valid", $"Beaker said {answer.ToJsonString()} for {json}");
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), answer["user_data"]), $"Beaker decoded {answer["user_data"]?.ToJsonString()} for {json}");
            Assert.Equal(At, (double)answer["data"]!["_creation_time"]!, 6);
            Assert.Equal(At + 1, (double)answer["data"]!["_accessed_time"]!, 6);
        }
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void BeakerWrites_TesseraReadsEqualData(string validateKey, string? encryptKey, string crypto, int nonceBits)
    {
        var format = Format(validateKey, encryptKey, crypto, nonceBits);
        foreach (var json in Datasets)
        {
            var emitted = PythonCookiePeer.Make(string.Empty, [.. Args("encode", validateKey, encryptKey, crypto, nonceBits), "--data", json, "--time", At.ToString("R", CultureInfo.InvariantCulture)]);

            var result = format.Read("beaker.session.id", (string)emitted["cookie_value"]!, Time(At + 5));

            Assert.True(result.IsValid, $"{result.Reason} for {json}");
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), result.Data), $"{result.Data!.ToJsonString()} for {json}");
            Assert.Equal(Time(At), result.Created);
            Assert.Equal(32, ((string)result.StoredData!["_id"]!).Length);
        }
    }

    [Fact]
    public void TesseraWritesNearBeakerLimit_BeakerAcceptsAndTimesOutAsTessera()
    {
        var format = Format("validate-key-one", "encrypt-key-one", "ctr", 128, TimeSpan.FromSeconds(600));
        var random = new Random(11);
        var blob = new string([.. Enumerable.Range(0, 2800).Select(_ => (char)random.Next('a', 'z' + 1))]);
        var value = format.Write("s", CookieSessionPayload.CreateNew(new JsonObject { ["blob"] = blob }, Time(At)));

        var fresh = PythonCookiePeer.Make(value, [.. Args("decode", "validate-key-one", "encrypt-key-one", "ctr", 128), "--timeout", "600", "--cookie", "-", "--now", "1700000600.25"]);
        var stale = PythonCookiePeer.Make(value, [.. Args("decode", "validate-key-one", "encrypt-key-one", "ctr", 128), "--timeout", "600", "--cookie", "-", "--now", "1700000600.26"]);

        Assert.Equal("valid", (string?)fresh["verdict"]);
        Assert.Equal("expired", (string?)stale["verdict"]);
        Assert.True(format.Read("s", value, Time(1_700_000_600.25)).IsValid);
        Assert.Equal(CookieRejection.Expired, format.Read("s", value, Time(1_700_000_600.26)).Reason);
    }

    [Fact]
    public void TamperedTesseraWrittenCookie_BeakerAndTesseraBothRefuse()
    {
        var format = Format("validate-key-one", "encrypt-key-one", "gcm", 128);
        var value = format.Write("s", CookieSessionPayload.CreateNew(new JsonObject { ["user"] = "mallory" }, Time(At)));
        var tampered = value[..^5] + (value[^5] == 'A' ? 'B' : 'A') + value[^4..];

        var answer = PythonCookiePeer.Make(tampered, [.. Args("decode", "validate-key-one", "encrypt-key-one", "gcm", 128), "--cookie", "-", "--now", "1700000001"]);

        Assert.Equal("invalid_signature", (string?)answer["verdict"]);
        Assert.Equal(CookieRejection.BadSignature, format.Read("s", tampered, Time(At)).Reason);
    }

    [Fact]
    public void BeakerWritesNearItsDepthLimit_TesseraReadsEqualData()
    {
        // Beaker 1.11 on Python 3.11 writes 989 levels through make.py (the session dict is level 1); 980 leaves margin.
        var data = new JsonObject { ["k"] = Nested(979) };
        var emitted = Encode(data);

        var result = Format("validate-key-one", "encrypt-key-one", "ctr", 128).Read("beaker.session.id", (string)emitted["cookie_value"]!, Time(At + 5));

        Assert.True(result.IsValid, result.Reason.ToString());
        Assert.True(JsonNode.DeepEquals(data, result.Data));
    }

    [Fact]
    public void TesseraWritesDeepestAllowed_BeakerReadsEqualData()
    {
        var format = Format("validate-key-one", "encrypt-key-one", "ctr", 128);
        var data = new JsonObject { ["k"] = Nested(899) };
        var value = format.Write("beaker.session.id", CookieSessionPayload.CreateNew(data, Time(At)));

        var answer = Decode(value);

        Assert.Equal("valid", (string?)answer["verdict"]);
        Assert.True(JsonNode.DeepEquals(data, answer["user_data"]));
        Assert.Throws<ArgumentException>(() => format.Write("beaker.session.id", CookieSessionPayload.CreateNew(new JsonObject { ["k"] = Nested(900) }, Time(At))));
    }

    [Fact]
    public void LargeCompressibleValue_BothDirections_Read()
    {
        // 1.1 MB of JSON compresses to under 2 KB: a cookie Beaker writes and reads, under the 4 MiB inflate cap.
        var data = new JsonObject { ["k"] = new string('a', 1_100_000) };
        var format = Format("validate-key-one", "encrypt-key-one", "ctr", 128);

        var fromBeaker = format.Read("beaker.session.id", (string)Encode(data)["cookie_value"]!, Time(At + 5));
        var answer = Decode(format.Write("beaker.session.id", CookieSessionPayload.CreateNew(data, Time(At))));

        Assert.True(fromBeaker.IsValid, fromBeaker.Reason.ToString());
        Assert.True(JsonNode.DeepEquals(data, fromBeaker.Data));
        Assert.Equal("valid", (string?)answer["verdict"]);
        Assert.Equal(1_100_000, ((string)answer["user_data"]!["k"]!).Length);
    }

    [Fact]
    public void UnbalancedQuote_BeakerStartsNewSession_TesseraSaysMalformed()
    {
        var format = Format("validate-key-one", "encrypt-key-one", "ctr", 128);
        var value = (string)Encode(new JsonObject { ["user"] = "alice" })["cookie_value"]!;

        foreach (var form in new[] { "\"" + value, value + "\"", "\"\"" + value + "\"\"", "\"" + value + "\"\"" })
        {
            Assert.Equal("absent", (string?)Decode(form)["verdict"]);
            Assert.Equal(CookieRejection.Malformed, format.Read("beaker.session.id", form, Time(At + 5)).Reason);
        }

        Assert.Equal("valid", (string?)Decode("\"" + value + "\"")["verdict"]);
        Assert.True(format.Read("beaker.session.id", "\"" + value + "\"", Time(At + 5)).IsValid);
    }

    private static JsonObject Encode(JsonObject data)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, data.ToJsonString());
            return PythonCookiePeer.Make(string.Empty, [.. Args("encode", "validate-key-one", "encrypt-key-one", "ctr", 128), "--data-file", file, "--time", At.ToString("R", CultureInfo.InvariantCulture)]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static JsonObject Decode(string value) =>
        PythonCookiePeer.Make(value, [.. Args("decode", "validate-key-one", "encrypt-key-one", "ctr", 128), "--cookie", "-", "--now", "1700000010"]);

    private static JsonNode Nested(int levels)
    {
        JsonNode node = 1;
        for (var i = 0; i < levels; i++)
        {
            node = new JsonArray(node);
        }

        return node;
    }

    private static BeakerCookieFormat Format(string validateKey, string? encryptKey, string crypto, int nonceBits, TimeSpan? timeout = null) =>
        new(new BeakerCookieOptions
        {
            ValidateKey = validateKey,
            EncryptKey = encryptKey,
            Crypto = crypto == "gcm" ? BeakerCrypto.Gcm : BeakerCrypto.Ctr,
            NonceBits = nonceBits,
            Timeout = timeout,
        });

    private static string[] Args(string verb, string validateKey, string? encryptKey, string crypto, int nonceBits)
    {
        var args = new List<string> { "beaker", verb, "--validate-key", validateKey, "--crypto-type", crypto == "gcm" ? "cryptography" : "default", "--nonce-bits", nonceBits.ToString(CultureInfo.InvariantCulture) };
        if (encryptKey is not null)
        {
            args.AddRange(["--encrypt-key", encryptKey]);
        }

        return [.. args];
    }

    private static DateTimeOffset Time(double seconds) => DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
}
