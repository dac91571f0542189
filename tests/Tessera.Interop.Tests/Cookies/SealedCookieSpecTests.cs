using System.Text;
using System.Text.Json.Nodes;
using Tessera.Cookies;

namespace Tessera.Interop.Tests.Cookies;

/// <summary>
/// Tessera's sealed layout as documented (docs/cookies.md, SealedCookieFormat remarks), re-implemented independently in
/// Python with pyca/cryptography (python3-cryptography): both directions must agree byte for byte.
/// </summary>
public sealed class SealedCookieSpecTests
{
    private const string Script = """
import base64, hashlib, hmac, json, sys
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
LABEL = b"tessera cookie v1"
out = []
for c in json.load(sys.stdin):
    key = bytes.fromhex(c["key"]); salt = bytes.fromhex(c["salt"]); name = c["name"].encode("utf-8")
    key_id = hashlib.sha256(b"tessera cookie key id" + key).digest()[:4]
    prk = hmac.new(LABEL, key, hashlib.sha256).digest()
    message_key = HKDFExpand(hashes.SHA256(), 32, LABEL + salt).derive(prk)
    header = b"\x01" + key_id + salt
    sealed = AESGCM(message_key).encrypt(b"\x00" * 12, c["plaintext"].encode("utf-8"), header + name)
    value = base64.urlsafe_b64encode(header + sealed).rstrip(b"=").decode()
    # and open what Tessera wrote
    raw = base64.urlsafe_b64decode(c["tessera"] + "=" * (-len(c["tessera"]) % 4))
    salt2 = raw[5:21]
    k2 = HKDFExpand(hashes.SHA256(), 32, LABEL + salt2).derive(prk)
    opened = json.loads(AESGCM(k2).decrypt(b"\x00" * 12, raw[21:], raw[:21] + name))
    out.append({"value": value, "opened": opened, "key_id": key_id.hex()})
print(json.dumps({"out": out}))
""";

    [Fact]
    public void Seal_IndependentPythonImplementation_AgreesBothWays()
    {
        var random = new Random(77);
        var cases = new JsonArray();
        var expected = new List<(string Value, CookieSessionPayload Payload)>();
        for (var i = 0; i < 20; i++)
        {
            var key = new byte[32];
            var salt = new byte[16];
            random.NextBytes(key);
            random.NextBytes(salt);
            var name = i % 2 == 0 ? "session" : "tessera.sid-" + i;
            var payload = CookieSessionPayload.CreateNew(new JsonObject { ["user"] = "u" + i, ["n"] = i, ["ü"] = "😀" }, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000 + i));
            var plaintext = SealedCookieFormat.SerializePayload(payload);
            var ours = SealedCookieFormat.Seal(SealedCookieFormat.Prk(key), SealedCookieFormat.KeyId(key), name, plaintext, salt);
            var format = new SealedCookieFormat(new SealedCookieOptions { Keyring = new Tessera.Keys.Keyring([key]) });
            cases.Add(new JsonObject
            {
                ["key"] = Convert.ToHexStringLower(key),
                ["salt"] = Convert.ToHexStringLower(salt),
                ["name"] = name,
                ["plaintext"] = Encoding.UTF8.GetString(plaintext),
                ["tessera"] = format.Write(name, payload),
            });
            expected.Add((ours, payload));
        }

        var answers = PythonCookiePeer.Script(Script, cases)["out"]!.AsArray();

        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Value, (string)answers[i]!["value"]!);
            Assert.True(JsonNode.DeepEquals(expected[i].Payload.Data, answers[i]!["opened"]!["d"]), answers[i]!.ToJsonString());
            Assert.Equal(expected[i].Payload.Created.ToUnixTimeMilliseconds(), (long)answers[i]!["opened"]!["c"]!);
        }
    }
}
