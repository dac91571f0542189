using System.Text;
using System.Text.Json.Nodes;
using Tessera.Cookies;

namespace Tessera.Legacy.Tests;

/// <summary>Every case of shared/vectors/pyramid_nacl_cookie.json, as recorded from pyramid_nacl_session 1.0.0.</summary>
public sealed class PyramidNaclCookieFormatVectorTests
{
    public static TheoryData<string> Positives => CookieVectors.PyramidIds("positive");

    public static TheoryData<string> Negatives => CookieVectors.PyramidIds("negative");

    public static TheoryData<string> Quirks => CookieVectors.PyramidIds("quirk");

    public static TheoryData<string> Rejected => CookieVectors.PyramidIds("encode_rejected");

    // Pyramid's single "invalid" verdict, refined into our reasons case by case.
    private static readonly Dictionary<string, CookieRejection> InvalidReasons = new()
    {
        ["p-neg-01"] = CookieRejection.BadSignature,
        ["p-neg-02"] = CookieRejection.BadSignature,
        ["p-neg-03"] = CookieRejection.BadSignature,
        ["p-neg-04"] = CookieRejection.BadSignature,
        ["p-neg-05"] = CookieRejection.Malformed, // 111 chars: the last one carries non-zero unused bits
        ["p-neg-06"] = CookieRejection.Malformed,
        ["p-neg-07"] = CookieRejection.Malformed,
        ["p-neg-08"] = CookieRejection.Malformed,
        ["p-neg-09"] = CookieRejection.Absent,
        ["p-neg-15"] = CookieRejection.Corrupt,
        ["p-neg-16"] = CookieRejection.Corrupt,
        ["p-neg-18"] = CookieRejection.BadSignature,
    };

    // Our documented choice for each quirk (docs/cookies.md): strict base64url and a strict [number, number, object] envelope.
    private static readonly Dictionary<string, CookieRejection> QuirkChoices = new()
    {
        ["p-quirk-01"] = CookieRejection.Malformed,
        ["p-quirk-02"] = CookieRejection.Malformed,
        ["p-quirk-03"] = CookieRejection.Corrupt,
        ["p-quirk-04"] = CookieRejection.Corrupt,
        ["p-quirk-05"] = CookieRejection.Corrupt,
        ["p-quirk-06"] = CookieRejection.Malformed,
        ["p-quirk-07"] = CookieRejection.Corrupt,
    };

    [Theory]
    [MemberData(nameof(Positives))]
    public void Read_PositiveVector_ReturnsValidWithPeerState(string id)
    {
        var c = CookieVectors.PyramidCase(id);
        var format = CookieVectors.PyramidFormat(c["config"]!.AsObject());

        var result = format.Read((string)c["cookie_value"]!, (double)c["now"]!);

        Assert.True(result.IsValid, $"{CookieVectors.Describe(c)} -> {result.Reason}");
        Assert.Equal("pyramid-nacl", result.FormatName);
        var session = c["expected"]!["session"]!.AsObject();
        Assert.True(JsonNode.DeepEquals(session["state"], result.Data), result.Data!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(session["state"], result.StoredData));
        Assert.Equal(CookieVectors.Time(session["created"]), result.Created);
        Assert.Equal(CookieVectors.Time(session["renewed"]), result.Renewed);
    }

    [Theory]
    [MemberData(nameof(Positives))]
    public void Seal_PositiveVectorInternals_ReproducesPeerCookieByteForByte(string id)
    {
        var c = CookieVectors.PyramidCase(id);
        var internals = c["internals"]!.AsObject();
        var format = CookieVectors.PyramidFormat(c["config"]!.AsObject());
        var json = Encoding.UTF8.GetBytes((string)internals["plaintext_json_text"]!);

        var value = format.Seal(json, Convert.FromHexString((string)internals["nonce_hex"]!));

        Assert.Equal((string)c["cookie_value"]!, value);
        Assert.Equal((int)internals["decoded_length"]!, 40 + json.Length);
    }

    [Theory]
    [MemberData(nameof(Positives))]
    public void Serialize_PositiveVectorEnvelope_MatchesPythonJsonDumps(string id)
    {
        var c = CookieVectors.PyramidCase(id);
        var jsonText = (string)c["internals"]!["plaintext_json_text"]!;

        Assert.Equal(jsonText, PythonJson.Serialize(JsonNode.Parse(jsonText)));
    }

    [Theory]
    [MemberData(nameof(Positives))]
    public void Write_FirstRequestVector_ProducesPeerPlaintextAndRoundTrips(string id)
    {
        var c = CookieVectors.PyramidCase(id);
        var format = CookieVectors.PyramidFormat(c["config"]!.AsObject());
        var name = (string)c["config"]!["cookie_name"]!;
        var at = CookieVectors.Time(c["emitted_at"]);
        // Later-request vectors record no input: the state the peer stored is the input then.
        var expectedState = c["input_data"] ?? c["expected"]!["session"]!["state"];
        var input = expectedState!.AsObject().DeepClone().AsObject();

        var value = format.Write(name, CookieSessionPayload.CreateNew(input, at));
        var result = format.Read(name, value, at);

        Assert.True(result.IsValid, result.Reason.ToString());
        Assert.True(JsonNode.DeepEquals(expectedState, result.Data), result.Data!.ToJsonString());
        if (c["reissued_from"] is null && (string)c["mode"]! == "update")
        {
            // Same JSON text as the peer, hence the same length the peer would measure.
            Assert.Equal(((string)c["cookie_value"]!).Length, value.Length);
        }
    }

    [Theory]
    [MemberData(nameof(Negatives))]
    public void Read_NegativeVector_ReturnsPeerVerdict(string id)
    {
        var c = CookieVectors.PyramidCase(id);
        var format = CookieVectors.PyramidFormat(c["config"]!.AsObject());

        var result = format.Read((string?)c["cookie_value"], (double)c["now"]!);

        Assert.False(result.IsValid, CookieVectors.Describe(c));
        var verdict = (string)c["expected"]!["verdict"]!;
        var expected = verdict switch
        {
            "invalid" => InvalidReasons[id],
            _ => MapVerdict(verdict),
        };
        Assert.Equal(expected, result.Reason);
        Assert.Null(result.Data);
        if (verdict == "expired")
        {
            // Pyramid keeps created on expiry and drops the state.
            Assert.Equal(CookieVectors.Time(c["expected"]!["session"]!["created"]), result.Created);
        }
    }

    [Theory]
    [MemberData(nameof(Quirks))]
    public void Read_QuirkVector_ReturnsDocumentedChoiceWithinPeerAcceptableVerdicts(string id)
    {
        var c = CookieVectors.PyramidCase(id);
        var format = CookieVectors.PyramidFormat(c["config"]!.AsObject());

        var result = format.Read((string?)c["cookie_value"], (double)c["now"]!);

        Assert.Equal(QuirkChoices[id], result.Reason);
        var acceptable = c["acceptable_verdicts"]!.AsArray().Select(v => (string)v!).ToList();
        Assert.Contains(acceptable, v => v == "invalid" ? result.Reason is CookieRejection.Malformed or CookieRejection.BadSignature or CookieRejection.Corrupt : MapVerdict(v) == result.Reason);
    }

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Write_RejectedVector_RefusesWithPeerSizeAndLimit(string id)
    {
        var c = CookieVectors.PyramidCase(id);
        var format = CookieVectors.PyramidFormat(c["config"]!.AsObject());
        var payload = CookieSessionPayload.CreateNew(c["input_data"]!.AsObject().DeepClone().AsObject(), CookieVectors.Time(c["emitted_at"]));

        var e = Assert.Throws<CookieTooLargeException>(() => format.Write((string)c["config"]!["cookie_name"]!, payload));

        // The peer said "Cookie value is too long to store (4066 bytes)": we measure the same value length.
        Assert.Contains("(4066 bytes)", (string)c["expected"]!["python_error"]!);
        Assert.Equal(4066, e.Size);
        Assert.Equal(PyramidNaclCookieFormat.ValueLimit, e.Limit);
        Assert.Contains("4064", e.Message);
        Assert.Contains("by 2", e.Message);
    }

    [Fact]
    public void Read_ReissueTime_FollowsPyramidIntegerSecondRule()
    {
        var c = CookieVectors.PyramidCase("p-pos-19");
        var format = CookieVectors.PyramidFormat(c["config"]!.AsObject());
        var value = (string)c["cookie_value"]!;
        var renewed = (double)c["expected"]!["session"]!["renewed"]!;

        Assert.False(format.Read(value, renewed + 120.9).NeedsReissue);
        Assert.True(format.Read(value, renewed + 121).NeedsReissue);
    }

    [Fact]
    public void Constructor_ShortSecret_ThrowsWithAdvice()
    {
        var e = Assert.Throws<ArgumentException>(() => new PyramidNaclCookieFormat(new PyramidNaclCookieOptions { Secret = new byte[16] }));
        Assert.Contains("32-byte", e.Message);
    }

    internal static CookieRejection MapVerdict(string verdict) => verdict switch
    {
        "valid" => CookieRejection.None,
        "expired" => CookieRejection.Expired,
        "invalid_envelope" => CookieRejection.Corrupt,
        "server_error" => CookieRejection.Corrupt,
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "unmapped Pyramid verdict"),
    };
}
