using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Tessera.Tickets;

namespace Tessera.Cli;

/// <summary>
/// <c>tessera ticket issue|verify</c>: auth_tkt tickets compatible with Apache mod_auth_tkt and plone.session.
/// The forms are a contract; see docs/tickets.md.
/// </summary>
internal static class TicketCommand
{
    private const long DefaultTimeout = 7200;
    private const double DefaultRefresh = 0.5;

    /// <summary>Creates the command; <paramref name="stdin"/> is what <c>-</c> values read (the console when null).</summary>
    public static Command Create(TextReader? stdin = null) => new("ticket", "Issue and verify auth_tkt tickets (Apache mod_auth_tkt MD5/SHA256/SHA512, plone.session HMAC-SHA256).")
    {
        CreateIssue(stdin),
        CreateVerify(stdin),
    };

    private static Option<string> SchemeOption()
    {
        var scheme = new Option<string>("--scheme") { Description = "Digest scheme: md5, sha256, sha512 (mod_auth_tkt) or hmac-sha256 (plone.session).", Required = true };
        scheme.AcceptOnlyFromAmong("md5", "sha256", "sha512", "hmac-sha256");
        return scheme;
    }

    private static Command CreateIssue(TextReader? stdin)
    {
        var scheme = SchemeOption();
        var secret = new Option<string>("--secret") { Description = "The secret as text (its UTF-8 bytes, like TKTAuthSecret). At least 16 bytes." };
        var secretHex = new Option<string>("--secret-hex") { Description = "The secret as hex." };
        var uid = new Option<string>("--uid") { Description = "User id.", Required = true };
        var tokens = new Option<string[]>("--token") { Description = "A token (repeatable)." };
        var userData = new Option<string>("--user-data") { Description = "User data (readable by anyone holding the cookie); @FILE reads it from a file, - from standard input." };
        var ip = new Option<string>("--ip") { Description = "Client IPv4 address to bind the ticket to. Omitted: unbound (0.0.0.0, for TKTAuthIgnoreIP on and Plone)." };
        var time = new Option<long?>("--time") { Description = "Issue time, Unix seconds. Omitted: now." };
        var raw = new Option<bool>("--raw") { Description = "Print the raw ticket instead of the base64 cookie value (not for hmac-sha256, whose digest is binary)." };
        var allowEmptyUid = AllowEmptyUidOption();
        var command = new Command("issue", "Print a ticket's cookie value (standard padded base64). Exit 1 with the reason on stderr when the input cannot be carried.")
        {
            scheme, secret, secretHex, uid, tokens, userData, ip, time, raw, allowEmptyUid,
        };
        command.Validators.Add(r => RequireOneSecret(r, secret, secretHex));
        command.Validators.Add(Guarded(r => RequireUnixRange(r, time)));
        command.Validators.Add(Guarded(r =>
        {
            if (r.GetValue(raw) && r.GetValue(scheme) == "hmac-sha256")
            {
                r.AddError("--raw is not available for hmac-sha256: its digest is 32 binary bytes; use the cookie value.");
            }
        }));
        command.SetAction(result =>
        {
            var stdout = result.InvocationConfiguration.Output;
            var stderr = result.InvocationConfiguration.Error;
            var key = DecodeSecret(result.GetValue(secret), result.GetValue(secretHex));
            IPAddress? address = null;
            if (result.GetValue(ip) is { } ipText && !IPAddress.TryParse(ipText, out address))
            {
                stderr.WriteLine($"refused: '{ipText}' is not an IPv4 address ({nameof(AuthTicket.ClientIp)}).");
                return CliRunner.Invalid;
            }

            try
            {
                var options = new TicketOptions { Scheme = ParseScheme(result.GetValue(scheme)!), Secrets = [key], AllowEmptyUserId = result.GetValue(allowEmptyUid) };
                var ticket = new AuthTicket
                {
                    UserId = result.GetValue(uid)!,
                    Tokens = result.GetValue(tokens) ?? [],
                    UserData = result.GetValue(userData) is { } data ? CliInput.Read(data, "--user-data", stdin) : "",
                    IssuedAt = result.GetValue(time) is { } t ? FromUnix(t) : null,
                    ClientIp = address,
                };
                var issuer = new TicketIssuer(options);
                stdout.WriteLine(result.GetValue(raw) ? Encoding.UTF8.GetString(issuer.IssueTicket(ticket)) : issuer.IssueCookieValue(ticket));
                return CliRunner.Ok;
            }
            catch (ArgumentException e)
            {
                stderr.WriteLine($"refused: {e.Message}");
                return CliRunner.Invalid;
            }
        });
        return command;
    }

    private static Command CreateVerify(TextReader? stdin)
    {
        var scheme = SchemeOption();
        var secret = new Option<string>("--secret") { Description = "The current secret as text (UTF-8 bytes, TKTAuthSecret)." };
        var secretHex = new Option<string>("--secret-hex") { Description = "The current secret as hex." };
        var oldSecret = new Option<string[]>("--old-secret") { Description = "A previous secret as text (TKTAuthSecretOld; repeat for a plone.keyring): still verifies, and a match asks for a refresh." };
        var oldSecretHex = new Option<string[]>("--old-secret-hex") { Description = "A previous secret as hex (repeatable)." };
        var clientIp = new Option<string>("--client-ip") { Description = "The client address; the ticket must be bound to it (TKTAuthIgnoreIP off). Omitted: IP ignored." };
        var ignoreIp = new Option<bool>("--ignore-ip") { Description = "Ignore the client address (unbound tickets, TKTAuthIgnoreIP on, Plone). The default when --client-ip is omitted." };
        var timeout = OptionalDuration.CreateOption("--timeout", "Ticket lifetime (TKTAuthTimeout): seconds or Apache's units (2h, \"1w 4d\"); 0 or none = no expiry check. Default 7200 (Apache's and plone's).", wholeSeconds: true);
        var refresh = new Option<double>("--refresh") { Description = "Refresh when less than this fraction of the timeout remains (TKTAuthTimeoutRefresh); 0 = no time-based refresh. Default 0.5 (Apache's).", DefaultValueFactory = _ => DefaultRefresh };
        var maxFutureSkew = OptionalDuration.CreateOption("--max-future-skew", "Reject tickets dated more than this after now, or none to accept any future date (both peers' behaviour). Default 300.", wholeSeconds: true);
        var expiryBound = new Option<string>("--expiry-bound") { Description = "Is a ticket valid at the second issued+timeout? scheme (default: inclusive for mod_auth_tkt schemes, exclusive for hmac-sha256), inclusive (Apache), exclusive (plone, also its MD5 mode).", DefaultValueFactory = _ => "scheme" };
        expiryBound.AcceptOnlyFromAmong("scheme", "inclusive", "exclusive");
        var allowEmptyUid = AllowEmptyUidOption();
        var now = new Option<long?>("--now") { Description = "Validation time, Unix seconds. Omitted: now." };
        var requireTokens = new Option<string[]>("--require-token") { Description = "A required token (TKTAuthToken; repeatable, any one suffices)." };
        var cookieName = new Option<string>("--cookie-name") { Description = "The cookie --cookie-header looks for (TKTAuthCookieName; plone: __ac). Default auth_tkt.", DefaultValueFactory = _ => "auth_tkt" };
        var cookie = new Option<string>("--cookie") { Description = "The cookie value (base64, quoted, unpadded, raw or %21-escaped, as Apache accepts); @FILE or - (standard input) read it." };
        var cookieHeader = new Option<string>("--cookie-header") { Description = "A whole Cookie request header; every --cookie-name cookie in it is tried. @FILE or - read it." };
        var ticketText = new Option<string>("--ticket") { Description = "The raw ticket text (not base64); @FILE or - read it." };
        var command = new Command("verify", "Validate a ticket and print one JSON object: valid, reason, uid, tokens, user_data, timestamp, refresh_cookie. Exit 0 valid, 1 invalid, 2 usage error.")
        {
            scheme, secret, secretHex, oldSecret, oldSecretHex, clientIp, ignoreIp, timeout, refresh, maxFutureSkew, expiryBound, allowEmptyUid, now,
            requireTokens, cookieName, cookie, cookieHeader, ticketText,
        };
        command.Validators.Add(r => RequireOneSecret(r, secret, secretHex));
        command.Validators.Add(Guarded(r => RequireUnixRange(r, now)));
        command.Validators.Add(Guarded(r =>
        {
            if (r.GetResult(clientIp) is not null && r.GetValue(ignoreIp))
            {
                r.AddError("Give either --client-ip or --ignore-ip, not both.");
            }

            if (new Option[] { cookie, cookieHeader, ticketText }.Count(o => r.GetResult(o) is not null) != 1)
            {
                r.AddError("Give exactly one of --cookie, --cookie-header and --ticket.");
            }

            if (r.GetValue(refresh) is < 0 or > 1 || double.IsNaN(r.GetValue(refresh)))
            {
                r.AddError("--refresh must be between 0 and 1.");
            }
        }));
        command.SetAction(result =>
        {
            var secrets = new List<byte[]> { DecodeSecret(result.GetValue(secret), result.GetValue(secretHex)) };
            secrets.AddRange((result.GetValue(oldSecret) ?? []).Select(s => DecodeSecret(s, null)));
            secrets.AddRange((result.GetValue(oldSecretHex) ?? []).Select(s => DecodeSecret(null, s)));
            IPAddress? address = null;
            if (result.GetValue(clientIp) is { } ipText && !IPAddress.TryParse(ipText, out address))
            {
                throw new CliUsageException($"--client-ip: '{ipText}' is not an IP address.");
            }

            TicketValidator validator;
            try
            {
                var options = new TicketOptions
                {
                    Scheme = ParseScheme(result.GetValue(scheme)!),
                    Secrets = secrets,
                    IgnoreIp = address is null,
                    Timeout = result.GetValue(timeout) is { } t ? t.Value ?? TimeSpan.Zero : TimeSpan.FromSeconds(DefaultTimeout),
                    RefreshFraction = result.GetValue(refresh),
                    ExpiryBound = result.GetValue(expiryBound) switch
                    {
                        "inclusive" => TicketExpiryBound.Inclusive,
                        "exclusive" => TicketExpiryBound.Exclusive,
                        _ => TicketExpiryBound.SchemeDefault,
                    },
                    AllowEmptyUserId = result.GetValue(allowEmptyUid),
                    RequiredTokens = result.GetValue(requireTokens) ?? [],
                    CookieName = result.GetValue(cookieName)!,
                };
                if (result.GetValue(maxFutureSkew) is { } skew)
                {
                    options.MaxFutureSkew = skew.Value;
                }

                validator = new TicketValidator(options);
            }
            catch (ArgumentException e)
            {
                throw new CliUsageException(e.Message);
            }

            var at = result.GetValue(now) is { } n ? FromUnix(n) : TimeProvider.System.GetUtcNow();
            var verdict = result.GetValue(ticketText) is { } text ? validator.ValidateTicket(Encoding.UTF8.GetBytes(CliInput.Read(text, "--ticket", stdin)), address, at)
                : result.GetValue(cookieHeader) is { } header ? validator.ValidateCookieHeader(CliInput.Read(header, "--cookie-header", stdin).Trim(), address, at)
                : validator.Validate(CliInput.Read(result.GetValue(cookie)!, "--cookie", stdin).Trim(), address, at);
            result.InvocationConfiguration.Output.WriteLine(ToJson(verdict));
            return verdict.IsValid ? CliRunner.Ok : CliRunner.Invalid;
        });
        return command;
    }

    private static Option<bool> AllowEmptyUidOption() =>
        new("--allow-empty-uid") { Description = "Accept (and issue) an empty user id, as both peers do. Default: refused." };

    /// <summary>The verdict as the CLI's JSON contract; reasons in snake_case as in the shared vectors.</summary>
    internal static string ToJson(TicketVerdict verdict)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteBoolean("valid", verdict.IsValid);
            json.WriteString("reason", ReasonName(verdict.Reason));
            var t = verdict.Ticket;
            WriteStringOrNull(json, "uid", t?.UserId);
            json.WriteStartArray("tokens");
            foreach (var token in t?.Tokens ?? [])
            {
                json.WriteStringValue(token);
            }

            json.WriteEndArray();
            WriteStringOrNull(json, "user_data", t?.UserData);
            if (t?.IssuedAt is { } issued)
            {
                json.WriteNumber("timestamp", issued.ToUnixTimeSeconds());
            }
            else
            {
                json.WriteNull("timestamp");
            }

            WriteStringOrNull(json, "refresh_cookie", verdict.RefreshCookieValue);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    internal static string ReasonName(TicketRejection reason) => reason switch
    {
        TicketRejection.None => "ok",
        TicketRejection.Malformed => "malformed",
        TicketRejection.BadCookieEncoding => "bad_cookie_encoding",
        TicketRejection.BadDigest => "bad_digest",
        TicketRejection.WrongSecret => "wrong_secret",
        TicketRejection.WrongIp => "wrong_ip",
        TicketRejection.WrongScheme => "wrong_scheme",
        TicketRejection.UnsupportedClientIp => "unsupported_client_ip",
        TicketRejection.Expired => "expired",
        TicketRejection.IssuedInFuture => "issued_in_future",
        TicketRejection.MissingToken => "missing_token",
        _ => reason.ToString(),
    };

    private static void WriteStringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    // A value that fails to convert (e.g. an option given twice) throws from GetValue; report it as a usage error.
    private static Action<CommandResult> Guarded(Action<CommandResult> validate) => r =>
    {
        try
        {
            validate(r);
        }
        catch (InvalidOperationException e)
        {
            r.AddError(e.Message);
        }
    };

    private static void RequireOneSecret(CommandResult r, Option<string> text, Option<string> hex)
    {
        if ((r.GetResult(text) is null) == (r.GetResult(hex) is null))
        {
            r.AddError($"Give exactly one of {text.Name} and {hex.Name}.");
        }
    }

    private static byte[] DecodeSecret(string? text, string? hex)
    {
        if (text is not null)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        try
        {
            return Convert.FromHexString(hex ?? "");
        }
        catch (FormatException)
        {
            throw new CliUsageException("A hex secret is not an even number of hex digits.");
        }
    }

    private static TicketScheme ParseScheme(string name) => name switch
    {
        "md5" => TicketScheme.Md5,
        "sha256" => TicketScheme.Sha256,
        "sha512" => TicketScheme.Sha512,
        _ => TicketScheme.HmacSha256,
    };

    private static DateTimeOffset FromUnix(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds);

    private static void RequireUnixRange(CommandResult r, Option<long?> option)
    {
        if (r.GetValue(option) is { } seconds && seconds is < -62135596800 or > 253402300799)
        {
            r.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name}: Unix time {seconds} is outside what a date can hold."));
        }
    }
}
