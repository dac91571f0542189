using System.Text.Json.Nodes;
using Tessera.Interop.Tests.Cookies;
using Tessera.Tickets;
using Xunit.Abstractions;

namespace Tessera.Interop.Tests.Tickets;

/// <summary>
/// plone.session tickets in its mod_auth_tkt form (MD5, unbound, cookie <c>__ac</c>; our issuer writes tktauth.py's bytes),
/// quoted as Zope's default cookie value policy quotes them (Python's <c>urllib.parse.quote</c>, run by Debian's python3),
/// sent to the real Apache and to Tessera.
/// </summary>
[Collection(ApacheTktGroup.Name)]
public sealed class PloneQuotedTicketTests(ApacheTktFixture apache, ITestOutputHelper output)
{
    private const int Count = 80;
    private const string Printable = " \"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

    [Fact]
    public async Task ZopeQuotedPloneTickets_ApacheAndTessera_SameVerdictAndPaddedOnesAccepted()
    {
        var now = DateTimeOffset.UtcNow;
        var issuer = new TicketIssuer(ApacheCookieFormTests.Options(TicketScheme.Md5, "__ac"));
        var validator = new TicketValidator(ApacheCookieFormTests.Options(TicketScheme.Md5, "__ac"));
        var random = new Random(20261201);
        var cookies = Enumerable.Range(0, Count).Select(_ => issuer.IssueCookieValue(RandomTicket(random, now.AddSeconds(-random.Next(1, 3600))))).ToArray();
        var quoted = ZopeQuote(cookies);
        var server = apache.Get("--secret", ApacheTktFixture.Secret, "--digest", "MD5", "--ignore-ip", "on", "--cookie-name", "__ac", "--timeout", "7200", "--refresh", "0");

        var accepted = 0;
        for (var i = 0; i < Count; i++)
        {
            var header = "__ac=" + quoted[i];
            var (status, _) = await server.GetWithRawCookieAsync("secret/", header);
            var verdict = validator.ValidateCookieHeader(header, null, now);

            // Zope quotes '+' as %2B; Apache's decoder stops there, so only tickets whose base64 has no '+' can pass.
            var expected = !cookies[i].Contains('+', StringComparison.Ordinal);
            Assert.True(expected == (status == 200), $"ticket {i}: Apache answered {status}, expected {(expected ? "acceptance" : "refusal")}");
            Assert.True(expected == verdict.IsValid, $"ticket {i}: Tessera said {verdict.Reason}");
            accepted += expected ? 1 : 0;
        }

        output.WriteLine($"{accepted} of {Count} Zope-quoted tickets accepted by both, {Count - accepted} (with %2B) refused by both");
        Assert.True(accepted >= 50, $"only {accepted} of {Count} random tickets were free of '+'");
        Assert.Contains(quoted, q => q.EndsWith("%3D%3D", StringComparison.Ordinal));
        Assert.Contains(quoted, q => q.EndsWith("%3D", StringComparison.Ordinal) && !q.EndsWith("%3D%3D", StringComparison.Ordinal));
    }

    /// <summary>Zope's <c>DefaultCookieValuePolicy.dump</c> is <c>urllib.parse.quote(value)</c>, with its default <c>safe='/'</c>.</summary>
    private static string[] ZopeQuote(string[] values)
    {
        const string Script = "import json, sys, urllib.parse\nprint(json.dumps({'quoted': [urllib.parse.quote(v) for v in json.load(sys.stdin)]}))";
        var answer = PythonCookiePeer.Script(Script, new JsonArray([.. values.Select(v => JsonValue.Create(v))]));
        return [.. answer["quoted"]!.AsArray().Select(v => v!.GetValue<string>())];
    }

    private static AuthTicket RandomTicket(Random random, DateTimeOffset issued) => new()
    {
        UserId = Text(random, "abcdefghijklmnopqrstuvwxyz0123456789._@-", random.Next(1, 24)),
        Tokens = [.. Enumerable.Range(0, random.Next(0, 3)).Select(_ => Text(random, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_", random.Next(1, 10)))],
        UserData = Text(random, Printable, random.Next(0, 40)),
        IssuedAt = issued,
    };

    private static string Text(Random random, string alphabet, int length) =>
        string.Create(length, (random, alphabet), static (span, state) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = state.alphabet[state.random.Next(state.alphabet.Length)];
            }
        });
}
