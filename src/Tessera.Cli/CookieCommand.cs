using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tessera.Cookies;
using Tessera.Legacy;
using Tessera.Keys;

namespace Tessera.Cli;

/// <summary>
/// <c>tessera cookie open|seal --format tessera|beaker|pyramid-nacl [keys] ...</c>: reads or writes a cookie session.
/// <c>open</c> prints <c>{"valid", "reason", "data", "created", "accessed"}</c> and exits 0 (valid) or 1 (invalid);
/// <c>seal</c> prints the cookie value. Usage errors (missing or unusable keys, bad JSON) exit 2.
/// </summary>
internal static class CookieCommand
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static Command Create()
    {
        var command = new Command("cookie", "Open or seal cookie sessions: Tessera's sealed format, Beaker (json) and pyramid_nacl_session (json).");
        command.Subcommands.Add(CreateOpen());
        command.Subcommands.Add(CreateSeal());
        return command;
    }

    private sealed class CommonOptions
    {
        public Option<string> Format { get; } = new("--format") { Description = "tessera, beaker or pyramid-nacl.", Required = true };

        public Option<string[]> KeyHex { get; } = new("--key-hex") { Description = "tessera: a 32-byte key in hex; repeat for a keyring, the first seals.", Arity = ArgumentArity.ZeroOrMore };

        public Option<string?> CookieName { get; } = new("--cookie-name") { Description = "The cookie name (bound into Tessera's format). Defaults: tessera, beaker.session.id, session." };

        public Option<string?> ValidateKey { get; } = new("--validate-key") { Description = "beaker: session.validate_key." };

        public Option<string?> EncryptKey { get; } = new("--encrypt-key") { Description = "beaker: session.encrypt_key (omit for signed-only cookies)." };

        public Option<string> Crypto { get; } = new("--crypto") { Description = "beaker: ctr (crypto_type default) or gcm (crypto_type cryptography).", DefaultValueFactory = _ => "ctr" };

        public Option<int> NonceBits { get; } = new("--nonce-bits") { Description = "beaker: encrypt_nonce_bits.", DefaultValueFactory = _ => 128 };

        public Option<string?> SecretHex { get; } = new("--secret-hex") { Description = "pyramid-nacl: the 32-byte secret as 64 hex characters." };

        public Option<double?> Timeout { get; } = new("--timeout") { Description = "Idle timeout in seconds (tessera default 1200, beaker none, pyramid-nacl 1200)." };

        public Option<double?> Now { get; } = new("--now") { Description = "Unix time in seconds to read or seal at (default: the clock)." };

        public CommonOptions()
        {
            Format.AcceptOnlyFromAmong("tessera", "beaker", "pyramid-nacl");
            Crypto.AcceptOnlyFromAmong("ctr", "gcm");
        }

        public void AddTo(Command command)
        {
            command.Options.Add(Format);
            command.Options.Add(KeyHex);
            command.Options.Add(CookieName);
            command.Options.Add(ValidateKey);
            command.Options.Add(EncryptKey);
            command.Options.Add(Crypto);
            command.Options.Add(NonceBits);
            command.Options.Add(SecretHex);
            command.Options.Add(Timeout);
            command.Options.Add(Now);
        }

        /// <summary>Builds the format, or returns an error message for the user.</summary>
        public (ICookieSessionFormat? Format, string CookieName, string? Error) Build(ParseResult result)
        {
            var format = result.GetValue(Format)!;
            var timeout = result.GetValue(Timeout) is { } t ? TimeSpan.FromSeconds(t) : (TimeSpan?)null;
            if (result.GetValue(Now) is { } n && !(n >= 0 && n <= 253402300799))
            {
                return (null, string.Empty, "--now must be Unix seconds between 0 and 253402300799.");
            }

            var time = result.GetValue(Now) is { } now ? new FixedClock(FromUnix(now)) : TimeProvider.System;
            try
            {
                switch (format)
                {
                    case "tessera":
                        var keys = result.GetValue(KeyHex) ?? [];
                        if (keys.Length == 0)
                        {
                            return (null, string.Empty, "--format tessera needs --key-hex HEX (32 bytes; repeat for a keyring, the first seals).");
                        }

                        var options = new SealedCookieOptions { Keyring = new Keyring(keys.Select(k => Convert.FromHexString(k.Trim())), minimumLength: 1) };
                        if (timeout is not null)
                        {
                            options.IdleTimeout = timeout;
                            options.ReissueTime = timeout.Value > TimeSpan.Zero ? timeout.Value / 10 : null;
                        }

                        return (new SealedCookieFormat(options, time), result.GetValue(CookieName) ?? "tessera", null);
                    case "beaker":
                        var validate = result.GetValue(ValidateKey);
                        if (string.IsNullOrEmpty(validate))
                        {
                            return (null, string.Empty, "--format beaker needs --validate-key TEXT (Beaker's session.validate_key).");
                        }

                        var beaker = new BeakerCookieOptions
                        {
                            ValidateKey = validate,
                            EncryptKey = result.GetValue(EncryptKey),
                            Crypto = result.GetValue(Crypto) == "gcm" ? BeakerCrypto.Gcm : BeakerCrypto.Ctr,
                            NonceBits = result.GetValue(NonceBits),
                            Timeout = timeout,
                        };
                        return (new BeakerCookieFormat(beaker, time), result.GetValue(CookieName) ?? "beaker.session.id", null);
                    default:
                        var secret = result.GetValue(SecretHex);
                        if (string.IsNullOrEmpty(secret))
                        {
                            return (null, string.Empty, "--format pyramid-nacl needs --secret-hex HEX (64 hex characters).");
                        }

                        var pyramid = new PyramidNaclCookieOptions { Secret = Convert.FromHexString(secret.Trim()) };
                        if (result.GetValue(Timeout) is not null)
                        {
                            pyramid.Timeout = timeout;
                        }

                        return (new PyramidNaclCookieFormat(pyramid, time), result.GetValue(CookieName) ?? "session", null);
                }
            }
            catch (FormatException)
            {
                return (null, string.Empty, "A hex key or secret is not valid hex.");
            }
            catch (ArgumentException e)
            {
                return (null, string.Empty, e.Message);
            }
        }
    }

    private static Command CreateOpen()
    {
        var common = new CommonOptions();
        var value = new Option<string>("--value") { Description = "The cookie value.", Required = true };
        var command = new Command("open", "Read a cookie value and print the verdict and data as JSON (exit 0 valid, 1 invalid).");
        common.AddTo(command);
        command.Options.Add(value);
        command.SetAction(result =>
        {
            var (format, name, error) = common.Build(result);
            if (format is null)
            {
                result.InvocationConfiguration.Error.WriteLine(error);
                return CliRunner.Usage;
            }

            var verdict = format.Read(name, result.GetValue(value));
            var output = new JsonObject
            {
                ["valid"] = verdict.IsValid,
                ["reason"] = ReasonName(verdict.Reason),
                ["data"] = verdict.IsValid ? verdict.StoredData!.DeepClone() : null,
                ["created"] = verdict.Created is { } c ? ToUnix(c) : null,
                ["accessed"] = verdict.Renewed is { } r ? ToUnix(r) : null,
            };
            result.InvocationConfiguration.Output.WriteLine(output.ToJsonString(Compact));
            return verdict.IsValid ? CliRunner.Ok : CliRunner.Invalid;
        });
        return command;
    }

    private static Command CreateSeal()
    {
        var common = new CommonOptions();
        var data = new Option<string>("--data") { Description = "The session dictionary as a JSON object.", Required = true };
        var command = new Command("seal", "Write a cookie value for a session dictionary and print it.");
        common.AddTo(command);
        command.Options.Add(data);
        command.SetAction(result =>
        {
            var (format, name, error) = common.Build(result);
            if (format is null)
            {
                result.InvocationConfiguration.Error.WriteLine(error);
                return CliRunner.Usage;
            }

            JsonObject dictionary;
            try
            {
                dictionary = JsonNode.Parse(result.GetValue(data)!) as JsonObject
                    ?? throw new JsonException("not an object");
            }
            catch (JsonException)
            {
                result.InvocationConfiguration.Error.WriteLine("--data must be a JSON object, e.g. '{\"user\": \"alice\"}'.");
                return CliRunner.Usage;
            }

            var now = result.GetValue(common.Now) is { } n ? FromUnix(n) : DateTimeOffset.UtcNow;
            try
            {
                result.InvocationConfiguration.Output.WriteLine(format.Write(name, CookieSessionPayload.CreateNew(dictionary, now)));
                return CliRunner.Ok;
            }
            catch (Exception e) when (e is CookieTooLargeException or ArgumentException)
            {
                // Too large, or data the format cannot carry (the legacy writers refuse lone surrogates and over-deep data).
                result.InvocationConfiguration.Error.WriteLine(e.Message);
                return CliRunner.Invalid;
            }
        });
        return command;
    }

    private static string ReasonName(CookieRejection reason) => reason switch
    {
        CookieRejection.None => "valid",
        CookieRejection.BadSignature => "bad_signature",
        CookieRejection.UnknownKey => "unknown_key",
        _ => reason.ToString().ToLowerInvariant(),
    };

    private static double ToUnix(DateTimeOffset time) => Math.Round((time - DateTimeOffset.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond, 6);

    private static DateTimeOffset FromUnix(double seconds) =>
        DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond, MidpointRounding.AwayFromZero));

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
