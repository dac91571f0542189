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

    public static Command Create() => new("ticket", "Issue and verify auth_tkt tickets (Apache mod_auth_tkt MD5/SHA256/SHA512, plone.session HMAC-SHA256).")
    {
        CreateIssue(),
        CreateVerify(),
    };

    private static Option<string> SchemeOption()
    {
        var scheme = new Option<string>("--scheme") { Description = "Digest scheme: md5, sha256, sha512 (mod_auth_tkt) or hmac-sha256 (plone.session).", Required = true };
        scheme.AcceptOnlyFromAmong("md5", "sha256", "sha512", "hmac-sha256");
        return scheme;
    }

    private static Command CreateIssue()
    {
        var scheme = SchemeOption();
        var secret = new Option<string>("--secret") { Description = "The secret as text (its UTF-8 bytes, like TKTAuthSecret). At least 16 bytes." };
        var secretHex = new Option<string>("--secret-hex") { Description = "The secret as hex." };
        var uid = new Option<string>("--uid") { Description = "User id.", Required = true };
        var tokens = new Option<string[]>("--token") { Description = "A token (repeatable)." };
        var userData = new Option<string>("--user-data") { Description = "User data (readable by anyone holding the cookie)." };
        var ip = new Option<string>("--ip") { Description = "Client IPv4 address to bind the ticket to. Omitted: unbound (0.0.0.0)." };
        var time = new Option<long?>("--time") { Description = "Issue time, Unix seconds. Omitted: now." };
        var raw = new Option<bool>("--raw") { Description = "Print the raw ticket instead of the base64 cookie value (not for hmac-sha256, whose digest is binary)." };
        var command = new Command("issue", "Print a ticket's cookie value (standard padded base64). Exit 1 with the reason on stderr when the input cannot be carried.")
        {
            scheme, secret, secretHex, uid, tokens, userData, ip, time, raw,
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
            if (!TryDecodeSecret(result.GetValue(secret), result.GetValue(secretHex), stderr, out var key))
            {
                return CliRunner.Usage;
            }

            try
            {
                IPAddress? address = null;
                if (result.GetValue(ip) is { } ipText && !IPAddress.TryParse(ipText, out address))
                {
                    throw new ArgumentException($"'{ipText}' is not an IPv4 address.", nameof(AuthTicket.ClientIp));
                }

                var options = new TicketOptions { Scheme = ParseScheme(result.GetValue(scheme)!), Secrets = [key] };
                var ticket = new AuthTicket
                {
                    UserId = result.GetValue(uid)!,
                    Tokens = result.GetValue(tokens) ?? [],
                    UserData = result.GetValue(userData) ?? "",
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

    private static Command CreateVerify()
    {
        var scheme = SchemeOption();
        var secret = new Option<string>("--secret") { Description = "The current secret as text (UTF-8 bytes)." };
        var secretHex = new Option<string>("--secret-hex") { Description = "The current secret as hex." };
        var oldSecret = new Option<string>("--old-secret") { Description = "A previous secret as text (TKTAuthSecretOld): still verifies, and a match asks for a refresh." };
        var oldSecretHex = new Option<string>("--old-secret-hex") { Description = "A previous secret as hex." };
        var clientIp = new Option<string>("--client-ip") { Description = "The client address; the ticket must be bound to it. Omitted: IP ignored." };
        var ignoreIp = new Option<bool>("--ignore-ip") { Description = "Ignore the client address (unbound tickets, TKTAuthIgnoreIP on). The default when --client-ip is omitted." };
        var timeout = new Option<long>("--timeout") { Description = "Ticket lifetime in seconds; 0 = no expiry check. Default 7200 (Apache's).", DefaultValueFactory = _ => DefaultTimeout };
        var refresh = new Option<double>("--refresh") { Description = "Refresh when less than this fraction of the timeout remains; 0 = no time-based refresh. Default 0.5 (Apache's).", DefaultValueFactory = _ => DefaultRefresh };
        var now = new Option<long?>("--now") { Description = "Validation time, Unix seconds. Omitted: now." };
        var requireTokens = new Option<string[]>("--require-token") { Description = "A required token (repeatable; any one suffices)." };
        var cookie = new Option<string>("--cookie") { Description = "The cookie value (base64, quoted, unpadded, raw or %21-escaped, as Apache accepts)." };
        var ticketText = new Option<string>("--ticket") { Description = "The raw ticket text." };
        var command = new Command("verify", "Validate a ticket and print one JSON object: valid, reason, uid, tokens, user_data, timestamp, refresh_cookie. Exit 0 valid, 1 invalid, 2 usage error.")
        {
            scheme, secret, secretHex, oldSecret, oldSecretHex, clientIp, ignoreIp, timeout, refresh, now, requireTokens, cookie, ticketText,
        };
        command.Validators.Add(r => RequireOneSecret(r, secret, secretHex));
        command.Validators.Add(Guarded(r => RequireUnixRange(r, now)));
        command.Validators.Add(Guarded(r =>
        {
            if (r.GetResult(oldSecret) is not null && r.GetResult(oldSecretHex) is not null)
            {
                r.AddError("Give at most one of --old-secret and --old-secret-hex.");
            }

            if (r.GetResult(clientIp) is not null && r.GetValue(ignoreIp))
            {
                r.AddError("Give either --client-ip or --ignore-ip, not both.");
            }

            if ((r.GetResult(cookie) is null) == (r.GetResult(ticketText) is null))
            {
                r.AddError("Give exactly one of --cookie and --ticket.");
            }

            if (r.GetValue(timeout) is < 0 or > uint.MaxValue)
            {
                r.AddError("--timeout must be between 0 and 4294967295 seconds.");
            }

            if (r.GetValue(refresh) is < 0 or > 1 || double.IsNaN(r.GetValue(refresh)))
            {
                r.AddError("--refresh must be between 0 and 1.");
            }
        }));
        command.SetAction(result =>
        {
            var stderr = result.InvocationConfiguration.Error;
            if (!TryDecodeSecret(result.GetValue(secret), result.GetValue(secretHex), stderr, out var key))
            {
                return CliRunner.Usage;
            }

            var secrets = new List<byte[]> { key };
            if (result.GetValue(oldSecret) is not null || result.GetValue(oldSecretHex) is not null)
            {
                if (!TryDecodeSecret(result.GetValue(oldSecret), result.GetValue(oldSecretHex), stderr, out var old))
                {
                    return CliRunner.Usage;
                }

                secrets.Add(old);
            }

            IPAddress? address = null;
            if (result.GetValue(clientIp) is { } ipText && !IPAddress.TryParse(ipText, out address))
            {
                stderr.WriteLine($"--client-ip: '{ipText}' is not an IP address.");
                return CliRunner.Usage;
            }

            TicketValidator validator;
            try
            {
                validator = new TicketValidator(new TicketOptions
                {
                    Scheme = ParseScheme(result.GetValue(scheme)!),
                    Secrets = secrets,
                    IgnoreIp = address is null,
                    Timeout = TimeSpan.FromSeconds(result.GetValue(timeout)),
                    RefreshFraction = result.GetValue(refresh),
                    RequiredTokens = result.GetValue(requireTokens) ?? [],
                });
            }
            catch (ArgumentException e)
            {
                stderr.WriteLine(e.Message);
                return CliRunner.Usage;
            }

            var at = result.GetValue(now) is { } n ? FromUnix(n) : TimeProvider.System.GetUtcNow();
            var verdict = result.GetValue(ticketText) is { } text
                ? validator.ValidateTicket(Encoding.UTF8.GetBytes(text), address, at)
                : validator.Validate(result.GetValue(cookie), address, at);
            result.InvocationConfiguration.Output.WriteLine(ToJson(verdict));
            return verdict.IsValid ? CliRunner.Ok : CliRunner.Invalid;
        });
        return command;
    }

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

    private static bool TryDecodeSecret(string? text, string? hex, TextWriter stderr, out byte[] secret)
    {
        secret = [];
        if (text is not null)
        {
            secret = Encoding.UTF8.GetBytes(text);
            return true;
        }

        try
        {
            secret = Convert.FromHexString(hex ?? "");
            return true;
        }
        catch (FormatException)
        {
            stderr.WriteLine("The hex secret is not an even number of hex digits.");
            return false;
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
