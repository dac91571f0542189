using System.Globalization;
using System.Text.Json.Nodes;
using Tessera.Cookies;
using Tessera.TestSupport;

namespace Tessera.Legacy.Tests;

/// <summary>The peers' recorded cookie vectors (shared/vectors), loaded once, by case id.</summary>
internal static class CookieVectors
{
    private static readonly Lazy<Dictionary<string, JsonObject>> Beaker = new(() => Load("beaker_cookie.json"));
    private static readonly Lazy<Dictionary<string, JsonObject>> Pyramid = new(() => Load("pyramid_nacl_cookie.json"));

    public static JsonObject BeakerCase(string id) => Beaker.Value[id];

    public static JsonObject PyramidCase(string id) => Pyramid.Value[id];

    public static TheoryData<string> BeakerIds(params string[] kinds) => Ids(Beaker.Value, kinds);

    public static TheoryData<string> PyramidIds(params string[] kinds) => Ids(Pyramid.Value, kinds);

    public static BeakerCookieFormat BeakerFormat(JsonObject config, TimeProvider? time = null) =>
        new(new BeakerCookieOptions
        {
            ValidateKey = (string)config["validate_key"]!,
            EncryptKey = (string?)config["encrypt_key"],
            Crypto = (string)config["crypto_type"]! == "cryptography" ? BeakerCrypto.Gcm : BeakerCrypto.Ctr,
            NonceBits = (int)config["encrypt_nonce_bits"]!,
            Timeout = config["timeout"] is { } t ? TimeSpan.FromSeconds((double)t) : null,
            Path = (string?)config["cookie_path"] ?? "/",
            Domain = (string?)config["cookie_domain"],
        }, time);

    public static PyramidNaclCookieFormat PyramidFormat(JsonObject config, TimeProvider? time = null) =>
        new(new PyramidNaclCookieOptions
        {
            Secret = Convert.FromHexString((string)config["secret_hex"]!),
            Timeout = config["timeout"] is { } t ? TimeSpan.FromSeconds((double)t) : null,
            ReissueTime = config["reissue_time"] is { } r ? TimeSpan.FromSeconds((double)r) : null,
        }, time);

    public static DateTimeOffset Time(JsonNode? seconds)
    {
        Assert.True(CookieJson.TryFromUnixSeconds((double)seconds!, out var time));
        return time;
    }

    public static string Describe(JsonObject c) => string.Create(CultureInfo.InvariantCulture, $"{c["id"]}: {c["description"]}");

    private static Dictionary<string, JsonObject> Load(string file)
    {
        var root = JsonNode.Parse(File.ReadAllText(TestPaths.SharedFile("vectors", file)))!.AsObject();
        return root["cases"]!.AsArray().Select(n => n!.AsObject()).ToDictionary(c => (string)c["id"]!);
    }

    private static TheoryData<string> Ids(Dictionary<string, JsonObject> cases, string[] kinds)
    {
        var data = new TheoryData<string>();
        foreach (var (id, c) in cases)
        {
            if (kinds.Contains((string)c["kind"]!))
            {
                data.Add(id);
            }
        }

        return data;
    }
}
