using System.Buffers;
using System.Net;
using System.Text;

namespace Tessera.Tickets;

/// <summary>
/// Issues auth_tkt tickets byte for byte as Apache::AuthTkt and plone.session's tktauth.py do, signed with the newest
/// secret. It refuses what the peers would mis-parse with an <see cref="ArgumentException"/> whose
/// <see cref="ArgumentException.ParamName"/> names the <see cref="AuthTicket"/> property.
/// </summary>
public sealed class TicketIssuer
{
    /// <summary>Longest cookie value issued: browsers keep at most 4096 bytes per cookie, name and attributes included.</summary>
    public const int MaxCookieValueLength = 4000;

    // Control characters (NUL, CR, LF, ...) would be cut (NUL) or split a header when Apache hands the field on as
    // REMOTE_USER / REMOTE_USER_DATA; '!' separates the fields. The user id also refuses ';', which ends a cookie value
    // or header parameter wherever the user id is written unencoded. User data keeps ';' (Apache::AuthTkt issues it, vector md5-08).
    private static readonly byte[] ControlAndBang = [.. Enumerable.Range(0, 0x20).Select(b => (byte)b), 0x7F, (byte)'!'];
    private static readonly SearchValues<byte> ForbiddenInUserData = SearchValues.Create(ControlAndBang);
    private static readonly SearchValues<byte> ForbiddenInUserId = SearchValues.Create([.. ControlAndBang, (byte)';']);

    // ',' joins tokens and '!' separates fields; Apache::AuthTkt also refuses whitespace.
    private static readonly SearchValues<byte> ForbiddenInToken = SearchValues.Create("!,\0 \t\r\n\v\f"u8);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly TicketSettings _settings;
    private readonly TimeProvider _time;

    /// <summary>Creates an issuer.</summary>
    /// <param name="options">Scheme and secrets; the first secret signs.</param>
    /// <param name="timeProvider">The clock for tickets without <see cref="AuthTicket.IssuedAt"/>; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentException">The options are unusable (no secret, a secret shorter than 16 bytes, ...).</exception>
    public TicketIssuer(TicketOptions options, TimeProvider? timeProvider = null)
    {
        _settings = new TicketSettings(options);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Issues the cookie value: the ticket in standard, padded base64.</summary>
    /// <exception cref="ArgumentException">A field the format cannot carry; <see cref="ArgumentException.ParamName"/> names it.</exception>
    public string IssueCookieValue(AuthTicket ticket) => Convert.ToBase64String(IssueTicket(ticket));

    /// <summary>Issues the raw ticket bytes (before cookie encoding).</summary>
    /// <exception cref="ArgumentException">A field the format cannot carry; <see cref="ArgumentException.ParamName"/> names it.</exception>
    public byte[] IssueTicket(AuthTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var userId = Encode(ticket.UserId, nameof(AuthTicket.UserId));
        if (userId.Length == 0 && !_settings.AllowEmptyUserId)
        {
            throw FieldError(nameof(AuthTicket.UserId), "The user id is empty; validators reject empty user ids (TicketOptions.AllowEmptyUserId).");
        }

        Refuse(userId, ForbiddenInUserId, nameof(AuthTicket.UserId));
        var tokens = JoinTokens(ticket.Tokens);
        var userData = Encode(ticket.UserData, nameof(AuthTicket.UserData));

        // '!' in user data is read differently by Apache and plone (spec §2.2), so neither may see it.
        Refuse(userData, ForbiddenInUserData, nameof(AuthTicket.UserData));

        var issuedAt = (ticket.IssuedAt ?? _time.GetUtcNow()).ToUnixTimeSeconds();
        if (issuedAt is < 0 or > uint.MaxValue)
        {
            throw FieldError(nameof(AuthTicket.IssuedAt), "The issue time must lie between 1970-01-01 and 2106-02-07 (Unix seconds 0 to 2^32-1).");
        }

        Span<byte> ip4 = stackalloc byte[4];
        if (!_settings.IgnoreIp && ticket.ClientIp is { } ip && !TicketIp.TryWriteIPv4(ip, ip4))
        {
            throw FieldError(nameof(AuthTicket.ClientIp), $"Only an IPv4 address (or IPv4-mapped IPv6) other than 255.255.255.255 can be bound; got {ip.AddressFamily}. Use null for an unbound ticket.");
        }

        var bytes = TicketFormat.Write(_settings.Scheme, _settings.Secrets[0], ip4, (uint)issuedAt, userId, tokens, userData, alwaysWriteTokens: false);
        if (((bytes.Length + 2) / 3 * 4) > MaxCookieValueLength)
        {
            throw FieldError(nameof(AuthTicket.UserData), $"The ticket would make a cookie longer than {MaxCookieValueLength} characters; shorten the user data.");
        }

        return bytes;
    }

    private static byte[] JoinTokens(IReadOnlyList<string>? tokens)
    {
        if (tokens is null || tokens.Count == 0)
        {
            return [];
        }

        var joined = new List<byte>();
        foreach (var token in tokens)
        {
            var bytes = Encode(token, nameof(AuthTicket.Tokens));
            if (bytes.Length == 0)
            {
                throw FieldError(nameof(AuthTicket.Tokens), "A token is empty.");
            }

            Refuse(bytes, ForbiddenInToken, nameof(AuthTicket.Tokens));
            if (joined.Count > 0)
            {
                joined.Add((byte)',');
            }

            joined.AddRange(bytes);
        }

        return [.. joined];
    }

    // The field name as ParamName tells the caller which AuthTicket property to fix.
    private static ArgumentException FieldError(string field, string message) => new(message, field);

    private static byte[] Encode(string? text, string field)
    {
        if (text is null)
        {
            throw new ArgumentException($"{field} is null.", field);
        }

        try
        {
            return StrictUtf8.GetBytes(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"{field} is not valid UTF-16 text (lone surrogate).", field, e);
        }
    }

    private static void Refuse(ReadOnlySpan<byte> value, SearchValues<byte> forbidden, string field)
    {
        var at = value.IndexOfAny(forbidden);
        if (at >= 0)
        {
            throw new ArgumentException($"{field} contains {Describe(value[at])} at byte {at}, which an auth_tkt ticket cannot carry: remove it.", field);
        }
    }

    private static string Describe(byte b) => b switch
    {
        (byte)'!' => "'!' (the field separator)",
        (byte)',' => "',' (the token separator)",
        (byte)';' => "';' (a cookie and header separator)",
        (byte)' ' => "a space",
        0 => "NUL",
        (byte)'\r' => "CR (a line break)",
        (byte)'\n' => "LF (a line break)",
        _ => $"the control character 0x{b:X2}",
    };
}
