using System.Buffers;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Diagnostics;

namespace Tessera.Tickets;

/// <summary>
/// Validates auth_tkt cookies as Apache mod_auth_tkt does (spec §2.1), with the safer policy of docs/tickets.md:
/// NUL bytes, empty user ids and non-UTF-8 fields are rejected, future dates beyond a small skew are rejected, digests
/// are compared in constant time. Never throws on client input; a rejection allocates nothing. Every verdict of a
/// public method is counted on the <c>Tessera</c> meter (<c>tessera.ticket.validations{tessera.ticket.scheme, tessera.ticket.verdict}</c>, ...)
/// and every rejection logged at Debug with its reason (event 1000), never with the ticket.
/// </summary>
public sealed class TicketValidator
{
    private const int StackLimit = 1024;
    private static readonly TicketScheme[] AllSchemes = Enum.GetValues<TicketScheme>();

    private readonly TicketSettings _s;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TesseraMetrics _metrics;

    /// <summary>Creates a validator.</summary>
    /// <param name="options">Scheme, secrets (every one verifies) and policy.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Receives rejections (Debug, with the reason) and old-secret matches (Information); <see cref="NullLogger.Instance"/> when null.</param>
    /// <param name="meterFactory">Where the <c>Tessera</c> meter comes from (the application's, with dependency injection); a process-wide meter when null.</param>
    /// <exception cref="ArgumentException">The options are unusable (no secret, a secret shorter than 16 bytes, ...).</exception>
    public TicketValidator(TicketOptions options, TimeProvider? timeProvider = null, ILogger? logger = null, IMeterFactory? meterFactory = null)
    {
        _s = new TicketSettings(options);
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _metrics = TesseraMetrics.For(meterFactory);
    }

    /// <summary>Validates a cookie value (what follows <c>auth_tkt=</c>) at the current time.</summary>
    /// <param name="cookieValue">The cookie value as received; null or empty is <see cref="TicketRejection.Malformed"/>.</param>
    /// <param name="clientIp">The client address; only used when IP binding is on (or to diagnose a rejection).</param>
    public TicketVerdict Validate(string? cookieValue, IPAddress? clientIp) => Validate(cookieValue, clientIp, _time.GetUtcNow());

    /// <summary>Validates a cookie value at <paramref name="now"/>.</summary>
    /// <param name="cookieValue">The cookie value as received; null or empty is <see cref="TicketRejection.Malformed"/>.</param>
    /// <param name="clientIp">The client address; only used when IP binding is on (or to diagnose a rejection).</param>
    /// <param name="now">The time to judge expiry and refresh by.</param>
    public TicketVerdict Validate(string? cookieValue, IPAddress? clientIp, DateTimeOffset now) =>
        Record(ValidateValue(cookieValue, clientIp, now), cookieValue, default);

    private TicketVerdict ValidateValue(string? cookieValue, IPAddress? clientIp, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(cookieValue) || cookieValue.Length > TicketCookie.MaxValueLength)
        {
            return TicketVerdict.Reject(TicketRejection.Malformed);
        }

        var size = TicketCookie.MaxDecodedLength(cookieValue);
        byte[]? rented = null;
        var buffer = size <= StackLimit ? stackalloc byte[size] : (rented = ArrayPool<byte>.Shared.Rent(size));
        try
        {
            // Apache validates what it decoded even when it ignored characters; a failure is then blamed on the decoding.
            var blame = TicketCookie.Decode(cookieValue, _s.Scheme, buffer, out var written);
            var verdict = written == 0 ? TicketVerdict.Reject(TicketRejection.Malformed) : ValidateCore(buffer[..written], clientIp, now);
            return blame != TicketRejection.None && verdict.Reason is TicketRejection.Malformed or TicketRejection.BadDigest ? TicketVerdict.Reject(blame) : verdict;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Validates raw ticket bytes (already cookie-decoded) at <paramref name="now"/>.</summary>
    /// <param name="ticket">The ticket bytes.</param>
    /// <param name="clientIp">The client address; only used when IP binding is on (or to diagnose a rejection).</param>
    /// <param name="now">The time to judge expiry and refresh by.</param>
    public TicketVerdict ValidateTicket(ReadOnlySpan<byte> ticket, IPAddress? clientIp, DateTimeOffset now) =>
        Record(ticket.Length > TicketCookie.MaxValueLength ? TicketVerdict.Reject(TicketRejection.Malformed) : ValidateCore(ticket, clientIp, now), default, ticket);

    /// <summary>
    /// Validates the ticket cookies in a whole <c>Cookie</c> header at the current time. Cookies are found as
    /// mod_auth_tkt finds them (name preceded by the start, a space or <c>;</c>; empty values skipped), but where Apache
    /// looks only at the first, every candidate is tried and the first valid one wins: a stale or tossed cookie
    /// ahead of ours does not sign the user out. With no valid candidate, the first candidate's verdict is returned.
    /// </summary>
    /// <param name="cookieHeader">The <c>Cookie</c> request header.</param>
    /// <param name="clientIp">The client address.</param>
    public TicketVerdict ValidateCookieHeader(string? cookieHeader, IPAddress? clientIp) => ValidateCookieHeader(cookieHeader, clientIp, _time.GetUtcNow());

    /// <summary>Validates the ticket cookies in a whole <c>Cookie</c> header at <paramref name="now"/>; see <see cref="ValidateCookieHeader(string?, IPAddress?)"/>.</summary>
    /// <param name="cookieHeader">The <c>Cookie</c> request header.</param>
    /// <param name="clientIp">The client address.</param>
    /// <param name="now">The time to judge expiry and refresh by.</param>
    public TicketVerdict ValidateCookieHeader(string? cookieHeader, IPAddress? clientIp, DateTimeOffset now)
    {
        TicketVerdict? first = null;
        string? firstValue = null;
        var prefix = _s.CookieNamePrefix;
        var from = 0;
        while (cookieHeader is not null && from < cookieHeader.Length)
        {
            var at = cookieHeader.IndexOf(prefix, from, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            from = at + prefix.Length;
            if (at > 0 && cookieHeader[at - 1] is not (' ' or ';'))
            {
                continue;
            }

            var end = cookieHeader.IndexOf(';', from);
            var value = end < 0 ? cookieHeader[from..] : cookieHeader[from..end];
            if (value.Length == 0)
            {
                continue;
            }

            var verdict = ValidateValue(value, clientIp, now);
            if (verdict.IsValid)
            {
                return Record(verdict, value, default);
            }

            if (first is null)
            {
                first = verdict;
                firstValue = value;
            }
        }

        return Record(first ?? TicketVerdict.Reject(TicketRejection.Malformed), firstValue, default);
    }

    /// <summary>Counts the verdict and logs a rejection or an old-secret match; the fingerprint is hashed only when the message is written.</summary>
    private TicketVerdict Record(TicketVerdict verdict, ReadOnlySpan<char> presentedText, ReadOnlySpan<byte> presentedBytes)
    {
        TicketMetrics.Record(_metrics, _s.Scheme, verdict);
        if (!verdict.IsValid)
        {
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                TicketLog.Rejected(_logger, _s.Scheme, verdict.Reason, Fingerprint(presentedText, presentedBytes));
            }
        }
        else if (verdict.MatchedOldSecret && _logger.IsEnabled(LogLevel.Information))
        {
            TicketLog.MatchedOldSecret(_logger, _s.Scheme, Fingerprint(presentedText, presentedBytes));
        }

        return verdict;
    }

    private static uint Fingerprint(ReadOnlySpan<char> text, ReadOnlySpan<byte> bytes) =>
        text.IsEmpty ? TicketMetrics.Fingerprint(bytes) : TicketMetrics.Fingerprint(text);

    private TicketVerdict ValidateCore(ReadOnlySpan<byte> ticket, IPAddress? clientIp, DateTimeOffset now)
    {
        Span<byte> ip4 = stackalloc byte[4];
        if (!_s.IgnoreIp && !TicketIp.TryWriteIPv4(clientIp, ip4))
        {
            return TicketVerdict.Reject(TicketRejection.UnsupportedClientIp);
        }

        var status = Match(_s.Scheme, ticket, ip4, _s.Secrets, out var parsed, out var matched);
        if (status != TicketRejection.None)
        {
            return TicketVerdict.Reject(Diagnose(status, ticket, ip4, clientIp));
        }

        var nowSeconds = now.ToUnixTimeSeconds();
        if (_s.MaxFutureSkewSeconds is { } skew && parsed.Timestamp > nowSeconds + skew)
        {
            return TicketVerdict.Reject(TicketRejection.IssuedInFuture);
        }

        var timeout = _s.TimeoutSeconds;
        if (timeout > 0 && IsExpired(parsed.Timestamp, timeout, nowSeconds))
        {
            return TicketVerdict.Reject(TicketRejection.Expired);
        }

        if (_s.RequiredTokens.Length > 0 && !HasRequiredToken(parsed.Tokens))
        {
            return TicketVerdict.Reject(TicketRejection.MissingToken);
        }

        string? refresh = null;
        var refreshDue = timeout > 0 && _s.RefreshFraction > 0 && (parsed.Timestamp + (long)timeout - nowSeconds) < _s.RefreshFraction * timeout;
        if ((matched > 0 || refreshDue) && nowSeconds is >= 0 and <= uint.MaxValue)
        {
            var fresh = TicketFormat.Write(_s.Scheme, _s.Secrets[0], ip4, (uint)nowSeconds, parsed.UserId, parsed.Tokens, parsed.UserData, alwaysWriteTokens: true);
            refresh = Convert.ToBase64String(fresh);
        }

        var result = new AuthTicket
        {
            UserId = Encoding.UTF8.GetString(parsed.UserId),
            Tokens = SplitTokens(parsed.Tokens),
            UserData = Encoding.UTF8.GetString(parsed.UserData),
            IssuedAt = DateTimeOffset.FromUnixTimeSeconds(parsed.Timestamp),
            ClientIp = _s.IgnoreIp || ip4.IndexOfAnyExcept((byte)0) < 0 ? null
                : clientIp!.AddressFamily == AddressFamily.InterNetwork ? clientIp : new IPAddress(ip4),
        };
        return TicketVerdict.Accept(result, matched > 0, refresh);
    }

    private bool IsExpired(uint timestamp, uint timeout, long now) =>
        _s.InclusiveExpiry
            ? unchecked(timestamp + timeout) < now  // Apache: 32-bit sum, wraps near 2106
            : timestamp + (long)timeout <= now;

    private bool HasRequiredToken(ReadOnlySpan<byte> tokens)
    {
        foreach (var range in tokens.Split((byte)','))
        {
            var token = tokens[range];
            foreach (var required in _s.RequiredTokens)
            {
                if (token.SequenceEqual(required))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string[] SplitTokens(ReadOnlySpan<byte> tokens)
    {
        if (tokens.IsEmpty)
        {
            return [];
        }

        var result = new string[tokens.Count((byte)',') + 1];
        var i = 0;
        foreach (var range in tokens.Split((byte)','))
        {
            result[i++] = Encoding.UTF8.GetString(tokens[range]);
        }

        return result;
    }

    /// <summary>Parses under <paramref name="scheme"/> and tries each secret; <paramref name="matched"/> is the secret's index.</summary>
    private TicketRejection Match(TicketScheme scheme, ReadOnlySpan<byte> ticket, ReadOnlySpan<byte> ip4, byte[][] secrets, out ParsedTicket parsed, out int matched)
    {
        matched = -1;
        if (!TicketFormat.TryParse(scheme, ticket, out parsed) || !IsAcceptableContent(parsed))
        {
            return TicketRejection.Malformed;
        }

        // Raw bytes are compared, not hex: half the work for the constant-time comparison.
        var length = TicketFormat.RawDigestLength(scheme);
        Span<byte> presented = stackalloc byte[64];
        if (!TicketFormat.TryReadDigest(scheme, parsed.Digest, presented))
        {
            return TicketRejection.BadDigest;
        }

        Span<byte> expected = stackalloc byte[64];
        for (var i = 0; i < secrets.Length; i++)
        {
            TicketFormat.ComputeDigest(scheme, secrets[i], ip4, parsed.Timestamp, parsed.UserId, parsed.Tokens, parsed.UserData, expected[..length], raw: true);
            if (CryptographicOperations.FixedTimeEquals(expected[..length], presented[..length]))
            {
                matched = i;
                return TicketRejection.None;
            }
        }

        return TicketRejection.BadDigest;
    }

    // NUL shifts field boundaries without changing the digest input (spec §5); an empty user id means nobody; non-UTF-8
    // bytes cannot be returned as text without two user ids becoming one. The fields are checked in one pass: the
    // separators are ASCII '!', which no multi-byte UTF-8 sequence can span, so the whole is valid iff every part is.
    private bool IsAcceptableContent(in ParsedTicket parsed) =>
        (!parsed.UserId.IsEmpty || _s.AllowEmptyUserId)
        && !parsed.Fields.Contains((byte)0)
        && Utf8.IsValid(parsed.Fields);

    /// <summary>Runs only on rejection: finds a more telling reason than "malformed" or "bad digest" where one exists.</summary>
    private TicketRejection Diagnose(TicketRejection status, ReadOnlySpan<byte> ticket, ReadOnlySpan<byte> ip4, IPAddress? clientIp)
    {
        foreach (var other in AllSchemes)
        {
            if (other != _s.Scheme && Match(other, ticket, ip4, _s.Secrets, out _, out _) == TicketRejection.None)
            {
                return TicketRejection.WrongScheme;
            }
        }

        if (status != TicketRejection.BadDigest)
        {
            return status;
        }

        Span<byte> other4 = stackalloc byte[4];
        var tryOtherIp = _s.IgnoreIp
            ? TicketIp.TryWriteIPv4(clientIp, other4) && other4.IndexOfAnyExcept((byte)0) >= 0
            : ip4.IndexOfAnyExcept((byte)0) >= 0;
        if (tryOtherIp && Match(_s.Scheme, ticket, other4, _s.Secrets, out _, out _) == TicketRejection.None)
        {
            return TicketRejection.WrongIp;
        }

        if (_s.RetiredSecrets.Length > 0 && Match(_s.Scheme, ticket, ip4, _s.RetiredSecrets, out _, out _) == TicketRejection.None)
        {
            return TicketRejection.WrongSecret;
        }

        return TicketRejection.BadDigest;
    }
}
