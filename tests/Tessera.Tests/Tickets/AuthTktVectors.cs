using System.Net;
using System.Text;
using System.Text.Json;
using Tessera.TestSupport;
using Tessera.Tickets;

namespace Tessera.Tests.Tickets;

/// <summary>The shared vectors ../shared/vectors/auth_tkt.json, read once.</summary>
internal static class AuthTktVectors
{
    private static readonly Lazy<Dictionary<string, JsonElement>> Cases = new(Load);

    public static JsonElement Case(string id) => Cases.Value[id];

    public static IEnumerable<object[]> Ids(Func<JsonElement, bool> filter) =>
        Cases.Value.Where(kv => filter(kv.Value)).Select(kv => new object[] { kv.Key });

    public static bool IsIssueCase(JsonElement c) => c.TryGetProperty("operation", out var op) && op.GetString() == "issue";

    public static TicketScheme Scheme(string name) => name switch
    {
        "mod_auth_tkt/MD5" or "MD5" => TicketScheme.Md5,
        "mod_auth_tkt/SHA256" or "SHA256" => TicketScheme.Sha256,
        "mod_auth_tkt/SHA512" or "SHA512" => TicketScheme.Sha512,
        "plone/HMAC-SHA256" => TicketScheme.HmacSha256,
        _ => throw new InvalidDataException("Unknown scheme in vectors: " + name),
    };

    /// <summary>The validator's scheme: the case's, unless the verdict is Apache's for a ticket presented to another digest type.</summary>
    public static TicketScheme ValidatorScheme(JsonElement c) =>
        c.GetProperty("validate").TryGetProperty("apache_digest_type_tried", out var tried) && c.GetProperty("expected_from").GetString() == "apache_mod_auth_tkt"
            ? Scheme(tried.GetString()!)
            : Scheme(c.GetProperty("scheme").GetString()!);

    /// <summary>Validator options exactly as the case's validation context describes; everything else is Tessera's default.</summary>
    public static TicketOptions ValidatorOptions(JsonElement c)
    {
        var v = c.GetProperty("validate");
        var secrets = new List<byte[]> { Convert.FromHexString(v.GetProperty("secret_hex").GetString()!) };
        if (v.GetProperty("old_secret").GetString() is { } old)
        {
            secrets.Add(Encoding.UTF8.GetBytes(old));
        }

        return new TicketOptions
        {
            Scheme = ValidatorScheme(c),
            Secrets = secrets,
            Timeout = TimeSpan.FromSeconds(v.GetProperty("timeout").GetInt64()),
            RefreshFraction = v.GetProperty("timeout_refresh").GetDouble(),
            IgnoreIp = v.GetProperty("ignore_ip").GetBoolean(),
            RequiredTokens = [.. v.GetProperty("required_tokens").EnumerateArray().Select(t => t.GetString()!)],
        };
    }

    public static IPAddress ClientIp(JsonElement c) => IPAddress.Parse(c.GetProperty("validate").GetProperty("client_ip").GetString()!);

    public static DateTimeOffset Now(JsonElement c) => DateTimeOffset.FromUnixTimeSeconds(c.GetProperty("validate").GetProperty("now").GetInt64());

    public static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    private static Dictionary<string, JsonElement> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestPaths.SharedFile("vectors", "auth_tkt.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!, c => c.Clone());
    }
}
