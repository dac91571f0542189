using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Cookies;
using Tessera.Legacy;
using Tessera.Keys;

namespace Tessera.Cli;

/// <summary>
/// <c>tessera cookie open|seal --format tessera|beaker|pyramid-nacl [keys] [settings] ...</c>: reads or writes a cookie
/// session with any setting the peers have (docs/interop-options.md). <c>open</c> prints
/// <c>{"valid", "reason", "data", "created", "accessed", "needs_reissue"}</c> and exits 0 (valid) or 1 (invalid);
/// <c>seal</c> prints the cookie value (or, with <c>--set-cookie</c>, the whole header) and exits 1 when the format
/// cannot carry the data. Usage errors (missing or unusable keys, bad JSON, a setting of another format) exit 2.
/// </summary>
internal static class CookieCommand
{
    private const string Tessera = SealedCookieFormat.FormatName;
    private const string Beaker = BeakerCookieFormat.FormatName;
    private const string Pyramid = PyramidNaclCookieFormat.FormatName;

    // The open verdict wraps the session in one more object, so it may be one level deeper than a session.
    private static readonly JsonSerializerOptions Output = new() { WriteIndented = false, MaxDepth = JsonLimits.MaxDepth + 1 };
    private static readonly JsonDocumentOptions DataOptions = new() { MaxDepth = JsonLimits.MaxDepth };

    /// <summary>Creates the command; <paramref name="stdin"/> is what <c>--data -</c> and <c>--value -</c> read (the console when null).</summary>
    public static Command Create(TextReader? stdin = null)
    {
        var command = new Command("cookie", "Open or seal cookie sessions: Tessera's sealed format, Beaker (json) and pyramid_nacl_session (json).");
        command.Subcommands.Add(CreateOpen(stdin));
        command.Subcommands.Add(CreateSeal(stdin));
        return command;
    }

    private sealed class FormatOptions
    {
        public Option<string> Format { get; } = new("--format") { Description = "tessera, beaker or pyramid-nacl.", Required = true };

        public Option<string[]> KeyHex { get; } = new("--key-hex") { Description = "tessera: a 32-byte key in hex; repeat for a keyring, the first seals.", Arity = ArgumentArity.ZeroOrMore };

        public Option<string?> CookieName { get; } = new("--cookie-name") { Description = "The cookie name (bound into Tessera's format; Beaker's session.key, Pyramid's cookie_name). Defaults: tessera, beaker.session.id, session." };

        public Option<string?> ValidateKey { get; } = new("--validate-key") { Description = "beaker: session.validate_key (HMAC-SHA1 key)." };

        public Option<string?> EncryptKey { get; } = new("--encrypt-key") { Description = "beaker: session.encrypt_key. Omit for validate-only (signed, not encrypted) cookies." };

        public Option<string> Crypto { get; } = new("--crypto", "--crypto-type") { Description = "beaker: crypto_type. ctr = default or pycrypto (AES-256-CTR, pycryptodome); gcm = cryptography (AES-256-GCM).", DefaultValueFactory = _ => "ctr" };

        public Option<int> NonceBits { get; } = new("--nonce-bits") { Description = "beaker: encrypt_nonce_bits, a multiple of 8 (48 = before Beaker 1.8).", DefaultValueFactory = _ => 128 };

        public Option<string?> SecretHex { get; } = new("--secret-hex") { Description = "pyramid-nacl: session.secret, 64 hex characters." };

        public Option<OptionalDuration?> Timeout { get; } = OptionalDuration.CreateOption("--timeout", "Idle timeout in seconds, or none (never). Defaults: tessera 1200, beaker none, pyramid-nacl 1200.");

        public Option<OptionalDuration?> ReissueTime { get; } = OptionalDuration.CreateOption("--reissue-time", "Report needs_reissue when the cookie was issued longer ago than this, or none (never). Defaults: tessera 120, beaker 0 (Beaker re-issues on every load), pyramid-nacl 0 (reissue_time).");

        public Option<OptionalDuration?> AbsoluteLifetime { get; } = OptionalDuration.CreateOption("--absolute-lifetime", "tessera: lifetime from creation, however active, or none. Default 86400.");

        public Option<double?> Now { get; } = new("--now") { Description = "Unix time in seconds to read or seal at (default: the clock)." };

        public FormatOptions()
        {
            Format.AcceptOnlyFromAmong(Tessera, Beaker, Pyramid);
            Crypto.AcceptOnlyFromAmong("ctr", "gcm", "default", "pycrypto", "cryptography");
        }

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { Format, KeyHex, CookieName, ValidateKey, EncryptKey, Crypto, NonceBits, SecretHex, Timeout, ReissueTime, AbsoluteLifetime, Now })
            {
                command.Options.Add(option);
            }
        }

        /// <summary>The clock the command reads and seals at.</summary>
        public DateTimeOffset NowOf(ParseResult result) => result.GetValue(Now) is { } n
            ? n is >= 0 and <= 253402300799
                ? DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(n * TimeSpan.TicksPerSecond, MidpointRounding.AwayFromZero))
                : throw new CliUsageException("--now must be Unix seconds between 0 and 253402300799.")
            : TimeProvider.System.GetUtcNow();

        /// <summary>Builds the format; a usage error throws <see cref="CliUsageException"/>.</summary>
        public (ICookieSessionFormat Format, string CookieName) Build(ParseResult result, DateTimeOffset now, SetCookieOptions? cookie)
        {
            var format = result.GetValue(Format)!;
            RequireFormat(result, format, KeyHex, Tessera);
            RequireFormat(result, format, AbsoluteLifetime, Tessera);
            RequireFormat(result, format, ValidateKey, Beaker);
            RequireFormat(result, format, EncryptKey, Beaker);
            RequireFormat(result, format, Crypto, Beaker);
            RequireFormat(result, format, NonceBits, Beaker);
            RequireFormat(result, format, SecretHex, Pyramid);
            var clock = new FixedClock(now);
            var timeout = result.GetValue(Timeout);
            var reissue = result.GetValue(ReissueTime);
            try
            {
                switch (format)
                {
                    case Tessera:
                        var keys = result.GetValue(KeyHex) ?? [];
                        if (keys.Length == 0)
                        {
                            throw new CliUsageException("--format tessera needs --key-hex HEX (32 bytes; repeat for a keyring, the first seals).");
                        }

                        var options = new SealedCookieOptions { Keyring = new Keyring(keys.Select(k => Convert.FromHexString(k.Trim())), minimumLength: 1) };
                        if (timeout is not null)
                        {
                            options.IdleTimeout = timeout.Value;
                            options.ReissueTime = timeout.Value is { } idle ? (idle > TimeSpan.Zero ? idle / 10 : null) : options.ReissueTime;
                        }

                        options.ReissueTime = reissue is null ? options.ReissueTime : reissue.Value;
                        options.AbsoluteLifetime = result.GetValue(AbsoluteLifetime) is { } lifetime ? lifetime.Value : options.AbsoluteLifetime;
                        return (new SealedCookieFormat(options, clock), result.GetValue(CookieName) ?? "tessera");
                    case Beaker:
                        var validate = result.GetValue(ValidateKey);
                        if (string.IsNullOrEmpty(validate))
                        {
                            throw new CliUsageException("--format beaker needs --validate-key TEXT (Beaker's session.validate_key).");
                        }

                        var beaker = new BeakerCookieOptions
                        {
                            ValidateKey = validate,
                            EncryptKey = result.GetValue(EncryptKey),
                            Crypto = result.GetValue(Crypto) is "gcm" or "cryptography" ? BeakerCrypto.Gcm : BeakerCrypto.Ctr,
                            NonceBits = result.GetValue(NonceBits),
                            Timeout = timeout?.Value,
                            Path = cookie?.Path ?? "/",
                            Domain = cookie?.Domain,
                        };
                        beaker.ReissueTime = reissue is null ? beaker.ReissueTime : reissue.Value;
                        return (new BeakerCookieFormat(beaker, clock), result.GetValue(CookieName) ?? "beaker.session.id");
                    default:
                        var secret = result.GetValue(SecretHex);
                        if (string.IsNullOrEmpty(secret))
                        {
                            throw new CliUsageException("--format pyramid-nacl needs --secret-hex HEX (64 hex characters).");
                        }

                        var pyramid = new PyramidNaclCookieOptions { Secret = Convert.FromHexString(secret.Trim()) };
                        pyramid.Timeout = timeout is null ? pyramid.Timeout : timeout.Value;
                        pyramid.ReissueTime = reissue is null ? pyramid.ReissueTime : reissue.Value;
                        return (new PyramidNaclCookieFormat(pyramid, clock), result.GetValue(CookieName) ?? "session");
                }
            }
            catch (FormatException)
            {
                throw new CliUsageException("A hex key or secret is not valid hex.");
            }
            catch (ArgumentException e)
            {
                throw new CliUsageException(e.Message);
            }
        }

        private static void RequireFormat(ParseResult result, string format, Option option, string owner)
        {
            if (format != owner && result.GetResult(option) is { Implicit: false })
            {
                throw new CliUsageException($"{option.Name} applies to --format {owner} only, not {format}.");
            }
        }
    }

    /// <summary>The Set-Cookie attributes <c>seal --set-cookie</c> prints; Beaker also stores path and domain in the value.</summary>
    private sealed class SetCookieOptions
    {
        public Option<bool> Print { get; } = new("--set-cookie") { Description = "Print the whole Set-Cookie header value instead of the cookie value." };

        public Option<string?> PathOption { get; } = new("--path") { Description = "Path attribute (beaker: cookie_path, also stored in the value as _path). Default /." };

        public Option<string?> DomainOption { get; } = new("--domain") { Description = "Domain attribute (beaker: cookie_domain, also stored in the value as _domain). Default none." };

        public Option<OptionalDuration?> MaxAge { get; } = OptionalDuration.CreateOption("--max-age", "Max-Age (and Expires) of the cookie, or none for a browser-session cookie (the default).");

        public Option<bool> Secure { get; } = new("--secure") { Description = "Secure attribute: true (default) or false.", DefaultValueFactory = _ => true };

        public Option<bool> HttpOnly { get; } = new("--httponly") { Description = "HttpOnly attribute: true (default) or false.", DefaultValueFactory = _ => true };

        public Option<string> SameSite { get; } = new("--samesite") { Description = "SameSite attribute: lax (default), strict, none, or unspecified (no attribute).", DefaultValueFactory = _ => "lax" };

        public SetCookieOptions() => SameSite.AcceptOnlyFromAmong("lax", "strict", "none", "unspecified");

        public string Path { get; private set; } = "/";

        public string? Domain { get; private set; }

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { Print, PathOption, DomainOption, MaxAge, Secure, HttpOnly, SameSite })
            {
                command.Options.Add(option);
            }
        }

        public SetCookieOptions Bind(ParseResult result)
        {
            Path = result.GetValue(PathOption) ?? "/";
            Domain = result.GetValue(DomainOption);
            return this;
        }

        public string Header(ParseResult result, string name, string value, DateTimeOffset now) =>
            new SetCookieHeader(name, value)
            {
                Path = Path,
                Domain = Domain,
                MaxAge = result.GetValue(MaxAge)?.Value,
                IssuedAt = now,
                Secure = result.GetValue(Secure),
                HttpOnly = result.GetValue(HttpOnly),
                SameSite = result.GetValue(SameSite) switch
                {
                    "strict" => CookieSameSite.Strict,
                    "none" => CookieSameSite.None,
                    "unspecified" => CookieSameSite.Unspecified,
                    _ => CookieSameSite.Lax,
                },
            }.ToString();
    }

    private static Command CreateOpen(TextReader? stdin)
    {
        var common = new FormatOptions();
        var value = new Option<string>("--value") { Description = "The cookie value; @FILE reads it from a file, - from standard input.", Required = true };
        var command = new Command("open", "Read a cookie value and print the verdict and data as JSON (exit 0 valid, 1 invalid).");
        common.AddTo(command);
        command.Options.Add(value);
        command.SetAction(result =>
        {
            var (format, name) = common.Build(result, common.NowOf(result), cookie: null);
            var verdict = format.Read(name, CliInput.Read(result.GetValue(value)!, "--value", stdin).Trim());
            var output = new JsonObject
            {
                ["valid"] = verdict.IsValid,
                ["reason"] = ReasonName(verdict.Reason),
                ["data"] = verdict.IsValid ? verdict.StoredData!.DeepClone() : null,
                ["created"] = verdict.Created is { } c ? ToUnix(c) : null,
                ["accessed"] = verdict.Renewed is { } r ? ToUnix(r) : null,
                ["needs_reissue"] = verdict.IsValid && verdict.NeedsReissue,
            };
            result.InvocationConfiguration.Output.WriteLine(output.ToJsonString(Output));
            return verdict.IsValid ? CliRunner.Ok : CliRunner.Invalid;
        });
        return command;
    }

    private static Command CreateSeal(TextReader? stdin)
    {
        var common = new FormatOptions();
        var cookie = new SetCookieOptions();
        var data = new Option<string>("--data") { Description = "The session dictionary as a JSON object; @FILE reads it from a file, - from standard input.", Required = true };
        var command = new Command("seal", "Write a cookie value for a session dictionary and print it (exit 1 when the format cannot carry it).");
        common.AddTo(command);
        cookie.AddTo(command);
        command.Options.Add(data);
        command.SetAction(result =>
        {
            var now = common.NowOf(result);
            var (format, name) = common.Build(result, now, cookie.Bind(result));
            var stderr = result.InvocationConfiguration.Error;
            var text = CliInput.Read(result.GetValue(data)!, "--data", stdin);
            var depth = NestingDepth(text);
            if (depth > JsonLimits.MaxDepth)
            {
                stderr.WriteLine($"refused: --data is nested {depth} levels deep; the cookie formats carry at most {JsonLimits.MaxDepth} (the session object counts as one), as Python's json reads.");
                return CliRunner.Invalid;
            }

            if ((depth == 0 ? null : ParseData(text)) is not JsonObject dictionary)
            {
                throw new CliUsageException("--data must be a JSON object, e.g. '{\"user\": \"alice\"}'.");
            }

            if (!IsValidUnicode(dictionary))
            {
                stderr.WriteLine("refused: --data holds a string that is not valid Unicode (a lone surrogate escape such as \\udc00); no format can carry it.");
                return CliRunner.Invalid;
            }

            try
            {
                var value = format.Write(name, CookieSessionPayload.CreateNew(dictionary, now));
                result.InvocationConfiguration.Output.WriteLine(result.GetValue(cookie.Print) ? cookie.Header(result, name, value, now) : value);
                return CliRunner.Ok;
            }
            catch (Exception e) when (e is CookieTooLargeException or ArgumentException)
            {
                // Too large, or data the format cannot carry (the legacy writers refuse lone surrogates and over-deep data).
                stderr.WriteLine(e.Message);
                return CliRunner.Invalid;
            }
        });
        return command;
    }

    private static JsonNode? ParseData(string text)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: DataOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // JsonNode parses escapes lazily: a lone surrogate surfaces only when the string is read, here rather than in a writer.
    private static bool IsValidUnicode(JsonObject dictionary)
    {
        try
        {
            _ = dictionary.ToJsonString(Output);
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>How deeply <paramref name="json"/> nests (0 when it is not JSON), read without a depth limit so "too deep" is told apart from "not JSON".</summary>
    private static int NestingDepth(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), new JsonReaderOptions { MaxDepth = int.MaxValue });
        var depth = 0;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    depth = Math.Max(depth, reader.CurrentDepth + 1);
                }
            }

            return Math.Max(depth, 1);
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    private static string ReasonName(CookieRejection reason) => reason switch
    {
        CookieRejection.None => "valid",
        CookieRejection.BadSignature => "bad_signature",
        CookieRejection.UnknownKey => "unknown_key",
        _ => reason.ToString().ToLowerInvariant(),
    };

    private static double ToUnix(DateTimeOffset time) => Math.Round((time - DateTimeOffset.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond, 6);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
