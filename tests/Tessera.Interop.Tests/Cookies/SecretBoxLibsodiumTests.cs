using System.Buffers.Text;
using System.Text.Json.Nodes;
using Tessera.Cookies;
using Tessera.Legacy;

namespace Tessera.Interop.Tests.Cookies;

/// <summary>Our XSalsa20-Poly1305 against libsodium 1.0.18 through PyNaCl (python3-nacl), on random keys, nonces and messages.</summary>
public sealed class SecretBoxLibsodiumTests
{
    private const string OpenScript = """
import json, sys
import nacl.secret, nacl.exceptions
out = []
for case in json.load(sys.stdin):
    box = nacl.secret.SecretBox(bytes.fromhex(case["key"]))
    try:
        out.append(box.decrypt(bytes.fromhex(case["box"]), bytes.fromhex(case["nonce"])).hex())
    except nacl.exceptions.CryptoError:
        out.append(None)
print(json.dumps({"opened": out}))
""";

    private const string SealScript = """
import json, sys
import nacl.secret, nacl.utils
out = []
for case in json.load(sys.stdin):
    key = nacl.utils.random(32)
    nonce = nacl.utils.random(24)
    msg = nacl.utils.random(case["length"])
    sealed = nacl.secret.SecretBox(key).encrypt(msg, nonce)
    out.append({"key": key.hex(), "nonce": nonce.hex(), "message": msg.hex(), "box": sealed.ciphertext.hex()})
print(json.dumps({"cases": out}))
""";

    private const string PyramidScript = """
import base64, json, sys
import nacl.secret
out = []
for case in json.load(sys.stdin):
    raw = base64.urlsafe_b64decode(case["value"] + "=" * (-len(case["value"]) % 4))
    plain = nacl.secret.SecretBox(bytes.fromhex(case["key"])).decrypt(raw[24:], raw[:24])
    out.append(json.loads(plain.decode("utf-8")))
print(json.dumps({"envelopes": out}))
""";

    [Fact]
    public void Seal_RandomInputs_LibsodiumOpensToSameMessage()
    {
        var random = new Random(20261122);
        var cases = new JsonArray();
        var messages = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            var key = Bytes(random, 32);
            var nonce = Bytes(random, 24);
            var message = Bytes(random, i < 80 ? i : random.Next(0, 5000));
            var box = SecretBox.Seal(key, nonce, message);
            if (i % 50 == 49)
            {
                box[random.Next(box.Length)] ^= (byte)(1 << random.Next(8)); // tampered: libsodium must refuse too
                messages.Add("tampered");
            }
            else
            {
                messages.Add(Convert.ToHexStringLower(message));
            }

            cases.Add(new JsonObject { ["key"] = Convert.ToHexStringLower(key), ["nonce"] = Convert.ToHexStringLower(nonce), ["box"] = Convert.ToHexStringLower(box) });
        }

        var opened = PythonCookiePeer.Script(OpenScript, cases)["opened"]!.AsArray();

        Assert.Equal(messages.Count, opened.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            Assert.Equal(messages[i] == "tampered" ? null : messages[i], (string?)opened[i]);
        }
    }

    [Fact]
    public void Open_LibsodiumSealedRandomInputs_ReturnsSameMessageAndRejectsTampering()
    {
        var random = new Random(5);
        var request = new JsonArray([.. Enumerable.Range(0, 300).Select(i => (JsonNode)new JsonObject { ["length"] = i < 80 ? i : random.Next(0, 5000) })]);

        var cases = PythonCookiePeer.Script(SealScript, request)["cases"]!.AsArray();

        Assert.Equal(300, cases.Count);
        foreach (var c in cases)
        {
            var key = Convert.FromHexString((string)c!["key"]!);
            var nonce = Convert.FromHexString((string)c["nonce"]!);
            var box = Convert.FromHexString((string)c["box"]!);
            var message = SecretBox.TryOpen(key, nonce, box);
            Assert.NotNull(message);
            Assert.Equal((string)c["message"]!, Convert.ToHexStringLower(message));

            Assert.Equal(box, SecretBox.Seal(key, nonce, message));

            box[random.Next(box.Length)] ^= 0x80;
            Assert.Null(SecretBox.TryOpen(key, nonce, box));
        }
    }

    [Fact]
    public void PyramidWrite_PyNaClOpensEnvelopeAsPyramidWould()
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();
        var format = new PyramidNaclCookieFormat(new PyramidNaclCookieOptions { Secret = key });
        var created = DateTimeOffset.UnixEpoch.AddTicks(17_000_000_002_500_000L);
        var renewed = created.AddSeconds(99.9);
        var data = JsonNode.Parse("""{"user": "alice", "_csrft_": "0123456789abcdef0123456789abcdef01234567", "_f_": ["hi"], "n": 1180591620717411303424}""")!.AsObject();
        var value = format.Write("session", new CookieSessionPayload(data, created, renewed));

        var envelopes = PythonCookiePeer.Script(PyramidScript, new JsonArray(new JsonObject { ["key"] = Convert.ToHexStringLower(key), ["value"] = value }))["envelopes"]!.AsArray();

        var envelope = envelopes[0]!.AsArray();
        Assert.Equal(1_700_000_100L, (long)envelope[0]!); // int(renewed), as Pyramid's setters write it
        Assert.Equal(1_700_000_000.25, (double)envelope[1]!);
        Assert.True(JsonNode.DeepEquals(data, envelope[2]), envelope[2]!.ToJsonString());
        Assert.DoesNotContain('=', value);
        Assert.True(Base64Url.IsValid(value));
    }

    private static byte[] Bytes(Random random, int n)
    {
        var bytes = new byte[n];
        random.NextBytes(bytes);
        return bytes;
    }
}
