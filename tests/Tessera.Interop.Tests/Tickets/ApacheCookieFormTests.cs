using System.Net;
using System.Text;
using Tessera.Tickets;

namespace Tessera.Interop.Tests.Tickets;

/// <summary>
/// Cookie forms (padding, quoting, escapes, trailing characters) sent to the real Apache mod_auth_tkt as raw Cookie
/// headers and to Tessera (as a value and inside a Cookie header): the verdict must be the same, and each row states it.
/// </summary>
[Collection(ApacheTktGroup.Name)]
public sealed class ApacheCookieFormTests(ApacheTktFixture apache)
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes(ApacheTktFixture.Secret);

    /// <summary>A row: the value built from a valid ticket, the verdict both must give, Tessera's reason, and why.</summary>
    public sealed record CookieForm(string Name, Func<FormTickets, string> Value, bool Accepted, TicketRejection Reason, string Why, int? OnlyPadding = null);

    /// <summary>
    /// Valid tickets for one scheme: <see cref="Base64"/> padded with <see cref="Padding"/> '=' and holding no '+' or '/';
    /// <see cref="Plus"/> padded base64 holding '+' and '/'; <see cref="Raw"/> a raw ticket; <see cref="RawWithPercent"/> a raw
    /// ticket whose data is <c>50%zz/x</c>.
    /// </summary>
    public sealed record FormTickets(string Base64, string Plus, string Raw, string RawWithPercent, int Padding)
    {
        public string Unpadded => Base64.TrimEnd('=');

        public string Pads(string pad) => string.Concat(Enumerable.Repeat(pad, Padding));
    }

    private static readonly CookieForm[] Forms =
    [
        new("canonical", t => t.Base64, true, TicketRejection.None, "what every issuer writes"),
        new("unpadded", t => t.Unpadded, true, TicketRejection.None, "APR's decoder stops at the end of the alphabet run; padding is optional"),
        new("padding quoted %3D", t => t.Unpadded + t.Pads("%3D"), true, TicketRejection.None, "Zope's quoting of '='; the decoder stops at '%'"),
        new("padding quoted %3d", t => t.Unpadded + t.Pads("%3d"), true, TicketRejection.None, "lower-case escape, same"),
        new("padding doubly quoted %253D", t => t.Unpadded + t.Pads("%253D"), true, TicketRejection.None, "stops at '%'; never unescaped"),
        new("three extra '='", t => t.Base64 + "===", true, TicketRejection.None, "stops at the first '='"),
        new("trailing '.'", t => t.Base64 + ".", true, TicketRejection.None, "ignored after the run"),
        new("trailing -junk", t => t.Base64 + "-junk", true, TicketRejection.None, "'-' ends the run"),
        new("trailing %00", t => t.Base64 + "%00", true, TicketRejection.None, "never unescaped without %21"),
        new("trailing '*'", t => t.Base64 + "*", true, TicketRejection.None, "ignored after the run"),
        new("trailing %2B", t => t.Base64 + "%2B", true, TicketRejection.None, "ignored after the run"),
        new("trailing %2521", t => t.Base64 + "%2521", true, TicketRejection.None, "holds no literal %21"),
        new("trailing lone '%'", t => t.Base64 + "%", true, TicketRejection.None, "ignored after the run"),
        new("trailing %zz", t => t.Base64 + "%zz", true, TicketRejection.None, "ignored after the run"),
        new("trailing non-ASCII", t => t.Base64 + "é€", true, TicketRejection.None, "bytes >= 0x80 end the run"),
        new("trailing 4000 junk characters", t => t.Base64 + "-" + new string('j', 4000), true, TicketRejection.None, "ignored after the run"),
        new("closing quote only", t => t.Base64 + "\"", true, TicketRejection.None, "one trailing '\"' is stripped"),
        new("opening quote only", t => "\"" + t.Base64, true, TicketRejection.None, "one leading '\"' is stripped"),
        new("both quotes", t => "\"" + t.Base64 + "\"", true, TicketRejection.None, "older Zope's quoting"),
        new("spaces before ';'", t => t.Base64 + "   ", true, TicketRejection.None, "the value runs to ';'; spaces end the run"),
        new("TAB before ';'", t => t.Base64 + "\t", true, TicketRejection.None, "same for a TAB"),
        new("unpadded + 'A'", t => t.Unpadded + "A", true, TicketRejection.None, "decodes to nothing or to a NUL, and the ticket is a C string cut at its first NUL"),
        new("unpadded + 'AAAA'", t => t.Unpadded + "AAAA", true, TicketRejection.None, "NUL bytes after the ticket are cut"),
        new("complete groups + 'B'", t => t.Unpadded + "B", true, TicketRejection.None, "a lone last character decodes to nothing", OnlyPadding: 0),
        new("two-'=' group + 'B'", t => t.Unpadded + "B", true, TicketRejection.None, "its bits fall in a NUL byte, which is cut", OnlyPadding: 2),
        new("raw ticket", t => t.Raw, true, TicketRejection.None, "a value with '!' is used as it is"),
        new("quoted raw ticket", t => "\"" + t.Raw + "\"", true, TicketRejection.None, "quotes stripped first"),
        new("raw ticket escaped %21", t => t.Raw.Replace("!", "%21", StringComparison.Ordinal), true, TicketRejection.None, "a value with %21 is URL-unescaped"),
        new("escaped raw ticket + %00junk", t => t.Raw.Replace("!", "%21", StringComparison.Ordinal) + "%00junk", true, TicketRejection.None, "%00 unescapes to NUL, which cuts the ticket"),
        new("escaped raw ticket with %zz and %2F in data", t => t.RawWithPercent.Replace("!", "%21", StringComparison.Ordinal).Replace("/", "%2F", StringComparison.Ordinal), true, TicketRejection.None, "a bad escape stays as it is; %2F unescapes to '/'"),

        new("%2B inside the base64", t => ZopeQuote(t.Plus), false, TicketRejection.BadCookieEncoding, "the decoder stops at '%': the ticket is cut short"),
        new("URL-safe alphabet", t => t.Plus.Replace('+', '-').Replace('/', '_'), false, TicketRejection.BadCookieEncoding, "'-' ends the run inside the ticket"),
        new("%00 in the middle", t => t.Base64.Insert(20, "%00"), false, TicketRejection.BadCookieEncoding, "the run ends inside the ticket"),
        new("%3D in the middle", t => t.Base64.Insert(20, "%3D"), false, TicketRejection.BadCookieEncoding, "the run ends inside the ticket"),
        new("non-ASCII in the middle", t => t.Base64.Insert(20, "é"), false, TicketRejection.BadCookieEncoding, "the run ends inside the ticket"),
        new("truncated ticket + junk", t => t.Base64[..^8] + "-junk", false, TicketRejection.BadCookieEncoding, "the run ends inside the ticket"),
        new("leading space", t => " " + t.Base64, false, TicketRejection.BadCookieEncoding, "the run is empty"),
        new("two opening quotes", t => "\"\"" + t.Base64, false, TicketRejection.BadCookieEncoding, "only one quote is stripped; the run is empty"),
        new("escaped raw with %2521", t => t.Raw.Replace("!", "%2521", StringComparison.Ordinal), false, TicketRejection.BadCookieEncoding, "not %21: read as base64, which stops at '%'"),
        new("one-'=' group + 'B'", t => t.Unpadded + "B", false, TicketRejection.BadDigest, "completes the group with byte 0x01, which joins the user data", OnlyPadding: 1),
        new("trailing %21", t => t.Base64 + "%21", false, TicketRejection.Malformed, "%21 turns the whole value into a raw ticket whose timestamp slot holds base64, not hex"),
        new("raw ticket + junk", t => t.Raw + "junk", false, TicketRejection.BadDigest, "a raw ticket's data runs to the end"),
        new("escaped raw ticket + lone '%'", t => t.Raw.Replace("!", "%21", StringComparison.Ordinal) + "%", false, TicketRejection.BadDigest, "a bad escape stays in the data"),
        new("escaped raw ticket + %zz", t => t.Raw.Replace("!", "%21", StringComparison.Ordinal) + "%zz", false, TicketRejection.BadDigest, "a bad escape stays in the data"),
        new("one '!' escaped, one raw", t => ReplaceFirst(t.Raw, "!", "%21"), false, TicketRejection.BadDigest, "with a '!' present, %21 is never unescaped"),
        new("quotes only", _ => "\"\"", false, TicketRejection.Malformed, "nothing left"),
        new("lone '%'", _ => "%", false, TicketRejection.BadCookieEncoding, "nothing decodes"),
    ];

    public static TheoryData<TicketScheme, string, int> Cases()
    {
        var data = new TheoryData<TicketScheme, string, int>();
        foreach (var scheme in new[] { TicketScheme.Md5, TicketScheme.Sha256, TicketScheme.Sha512 })
        {
            foreach (var form in Forms)
            {
                for (var padding = 0; padding <= 2; padding++)
                {
                    if (form.OnlyPadding is null || form.OnlyPadding == padding)
                    {
                        data.Add(scheme, form.Name, padding);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task CookieForm_SentToApacheAndTessera_SameVerdict(TicketScheme scheme, string formName, int padding)
    {
        var form = Forms.Single(f => f.Name == formName);
        var now = DateTimeOffset.UtcNow;
        var value = form.Value(Tickets(scheme, padding, now.AddMinutes(-1)));
        var header = "auth_tkt=" + value + "; theme=dark";
        var server = apache.Get("--secret", ApacheTktFixture.Secret, "--digest", ApacheTicketInteropTests.Digest(scheme), "--ignore-ip", "on", "--timeout", "7200", "--refresh", "0");
        var validator = new TicketValidator(Options(scheme));

        var (status, location) = await server.GetWithRawCookieAsync("secret/", header);
        var fromValue = validator.Validate(value, null, now);
        var fromHeader = validator.ValidateCookieHeader(header, null, now);

        Assert.True(status is 200 or 307, $"Apache answered {status}");
        Assert.Equal(form.Accepted, status == 200);
        if (!form.Accepted)
        {
            Assert.Contains("/_tkt/login", location, StringComparison.Ordinal);
        }

        Assert.Equal((form.Accepted, form.Reason), (fromValue.IsValid, fromValue.Reason));
        Assert.Equal((form.Accepted, form.Reason), (fromHeader.IsValid, fromHeader.Reason));
        if (form.Accepted)
        {
            Assert.Equal("alice", fromValue.Ticket!.UserId);
        }
    }

    [Fact]
    public void Forms_CoverEveryRuleBothWays_TableIsSound()
    {
        Assert.Equal(Forms.Length, Forms.Select(f => f.Name).Distinct().Count());
        Assert.All(Forms, f => Assert.Equal(f.Accepted, f.Reason == TicketRejection.None));
        var sample = Tickets(TicketScheme.Md5, 1, DateTimeOffset.UtcNow);
        Assert.Contains('+', sample.Plus);
        Assert.Contains('/', sample.Plus);
        Assert.DoesNotContain('+', sample.Base64);
    }

    internal static TicketOptions Options(TicketScheme scheme, string cookieName = "auth_tkt") =>
        new() { Scheme = scheme, Secrets = [Secret], IgnoreIp = true, Timeout = TimeSpan.FromHours(2), RefreshFraction = 0, CookieName = cookieName };

    /// <summary>What Zope's default cookie value policy does to a value: Python's <c>urllib.parse.quote</c>, which keeps '/'.</summary>
    private static string ZopeQuote(string base64) => base64.Replace("+", "%2B", StringComparison.Ordinal).Replace("=", "%3D", StringComparison.Ordinal);

    private static string ReplaceFirst(string text, string what, string with)
    {
        var at = text.IndexOf(what, StringComparison.Ordinal);
        return text[..at] + with + text[(at + what.Length)..];
    }

    private static FormTickets Tickets(TicketScheme scheme, int padding, DateTimeOffset issued)
    {
        var issuer = new TicketIssuer(Options(scheme));
        AuthTicket Ticket(string data) => new() { UserId = "alice", Tokens = ["admin"], UserData = data, IssuedAt = issued };
        var base64 = Enumerable.Range(1, 3).Select(n => issuer.IssueCookieValue(Ticket(new string('d', n))))
            .Single(c => c.Length - c.TrimEnd('=').Length == padding);
        return new FormTickets(
            base64,
            issuer.IssueCookieValue(Ticket("~~~>>>???")),
            Encoding.UTF8.GetString(issuer.IssueTicket(Ticket("plain"))),
            Encoding.UTF8.GetString(issuer.IssueTicket(Ticket("50%zz/x"))),
            padding);
    }
}
