using System.Net;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Tessera.Tickets;

namespace Tessera.Tests.Tickets;

/// <summary>FsCheck properties: legal tickets round-trip; mutated, truncated and hostile input never throws and is never accepted with other fields.</summary>
public sealed class TicketPropertyTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("property-test secret, 32+ bytes long");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(400);

    private static readonly string[] Pieces = ["a", "Z", "0", "9", " ", ".", ",", ";", "=", "\"", "+", "/", "%21", "é", "ж", "漢", "😀", "-", "_"];
    private static readonly string[] UserIdPieces = [.. Pieces.Where(p => p != ";")]; // the issuer refuses ';' in user ids
    private static readonly string[] TokenPieces = ["a", "Z", "0", "9", ".", ";", "=", "+", "/", "é", "漢", "-", "_", ":"];

    private static readonly Gen<LegalCase> LegalCases =
        from scheme in Gen.Elements(Enum.GetValues<TicketScheme>())
        from uid in Text(UserIdPieces, 1)
        from tokens in Gen.ArrayOf(Text(TokenPieces, 1)).Select(t => t.Take(4).ToArray())
        from data in Text(Pieces, 0)
        from age in Gen.Choose(0, 3600)
        from ip in Gen.OneOf(Gen.Constant<IPAddress?>(null), Gen.Choose(1, 250).Select(b => (IPAddress?)new IPAddress([10, (byte)b, 0, 1])))
        select new LegalCase(scheme, new AuthTicket { UserId = uid, Tokens = tokens, UserData = data, IssuedAt = Now.AddSeconds(-age), ClientIp = ip });

    [Fact]
    public void IssueThenValidate_LegalInput_RoundTrips()
    {
        Check.One(Runs, Prop.ForAll(LegalCases.ToArbitrary(), c =>
        {
            var (issuer, validator) = For(c.Scheme, ignoreIp: c.Ticket.ClientIp is null);
            var verdict = validator.Validate(issuer.IssueCookieValue(c.Ticket), c.Ticket.ClientIp ?? IPAddress.Loopback, Now);
            return verdict.IsValid && SameFields(c.Ticket, verdict.Ticket!) && Equals(c.Ticket.ClientIp, verdict.Ticket!.ClientIp);
        }));
    }

    [Fact]
    public void Validate_ByteReplacedOutsideTimestamp_IsRejectedWithoutThrowing()
    {
        var gen = from c in LegalCases
                  from position in Gen.Choose(0, 10_000)
                  from value in Gen.Choose(0, 255)
                  select (c, position, (byte)value);
        Check.One(Runs, Prop.ForAll(gen.ToArbitrary(), x =>
        {
            var (c, position, value) = x;
            var (issuer, validator) = For(c.Scheme, ignoreIp: true);
            var ticket = issuer.IssueTicket(c.Ticket);
            var i = position % ticket.Length;
            var timestampStart = TicketFormat.DigestLength(c.Scheme);
            if (ticket[i] == value || (i >= timestampStart && i < timestampStart + 8 && SameHexDigit(ticket[i], value)))
            {
                return true; // not a change of the signed content: the timestamp's hex case is not authenticated
            }

            ticket[i] = value;
            return !validator.Validate(Convert.ToBase64String(ticket), null, Now).IsValid
                && !validator.ValidateTicket(ticket, null, Now).IsValid;
        }));
    }

    [Fact]
    public void Validate_InsertedDeletedOrTruncated_NeverAcceptsOtherFields()
    {
        var gen = from c in LegalCases
                  from op in Gen.Choose(0, 5)
                  from position in Gen.Choose(0, 10_000)
                  from value in Gen.Elements<byte>(0, (byte)'!', (byte)',', (byte)'a', (byte)'0', 0xFF, 0x80)
                  select (c, op, position, value);
        Check.One(Runs, Prop.ForAll(gen.ToArbitrary(), x =>
        {
            var (c, op, position, value) = x;
            var (issuer, validator) = For(c.Scheme, ignoreIp: true);
            var ticket = issuer.IssueTicket(c.Ticket).ToList();
            var cookie = issuer.IssueCookieValue(c.Ticket);
            var i = position % ticket.Count;
            string presented;
            switch (op)
            {
                case 0: ticket.Insert(i, value); presented = Convert.ToBase64String([.. ticket]); break;
                case 1: ticket.RemoveAt(i); presented = Convert.ToBase64String([.. ticket]); break;
                case 2: presented = Convert.ToBase64String([.. ticket.Take(i)]); break;
                case 3: presented = cookie[..(position % cookie.Length)]; break;
                case 4: presented = cookie.Insert(position % cookie.Length, ((char)value).ToString()); break;
                default: presented = cookie.Remove(position % cookie.Length, 1); break;
            }

            var verdict = validator.Validate(presented, null, Now);
            return !verdict.IsValid || SameFields(c.Ticket, verdict.Ticket!);
        }));
    }

    [Fact]
    public void Validate_HostileStrings_NeverThrow()
    {
        var hostile = Gen.OneOf(
            ArbMap.Default.GeneratorFor<string>(),
            Text(["!", "%21", "%", "\"", "=", "\0", "\uD800", "A", "/", "+", " ", ";", "auth_tkt=", "ff", "0"], 0),
            Gen.Choose(0, 20_000).Select(n => new string('A', n)),
            Gen.Choose(0, 20_000).Select(n => new string('!', n)));
        var validators = Enum.GetValues<TicketScheme>().Select(s => new TicketValidator(new TicketOptions { Scheme = s, Secrets = [Secret] })).ToArray();
        Check.One(Runs, Prop.ForAll(hostile.ToArbitrary(), s =>
        {
            foreach (var v in validators)
            {
                if (v.Validate(s, IPAddress.Loopback, Now).IsValid || v.ValidateCookieHeader(s, IPAddress.IPv6Loopback, Now).IsValid)
                {
                    return false;
                }
            }

            return true;
        }));
    }

    [Fact]
    public void ValidateTicket_RandomBytes_NeverThrowsNorAccepts()
    {
        var validators = Enum.GetValues<TicketScheme>().Select(s => new TicketValidator(new TicketOptions { Scheme = s, Secrets = [Secret], IgnoreIp = true })).ToArray();
        Check.One(Runs, Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
            validators.All(v => !v.ValidateTicket(bytes ?? [], null, Now).IsValid)));
    }

    private static Gen<string> Text(string[] pieces, int min) =>
        Gen.ArrayOf(Gen.Elements(pieces)).Where(a => a.Length >= min).Select(a => string.Concat(a));

    private static bool SameHexDigit(byte a, byte b) =>
        Uri.IsHexDigit((char)a) && Uri.IsHexDigit((char)b) && char.ToLowerInvariant((char)a) == char.ToLowerInvariant((char)b);

    private static bool SameFields(AuthTicket expected, AuthTicket actual) =>
        expected.UserId == actual.UserId && expected.Tokens.SequenceEqual(actual.Tokens) && expected.UserData == actual.UserData
        && expected.IssuedAt == actual.IssuedAt;

    private static (TicketIssuer Issuer, TicketValidator Validator) For(TicketScheme scheme, bool ignoreIp)
    {
        var options = new TicketOptions { Scheme = scheme, Secrets = [Secret], IgnoreIp = ignoreIp };
        return (new TicketIssuer(options), new TicketValidator(options));
    }

    public sealed record LegalCase(TicketScheme Scheme, AuthTicket Ticket);
}
