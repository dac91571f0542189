using System.CommandLine;
using System.Security.Cryptography;
using Tessera.Keys;

namespace Tessera.Cli;

/// <summary><c>tessera secret [--bytes N] [--format hex|base64]</c>: prints a fresh random secret.</summary>
internal static class SecretCommand
{
    public static Command Create()
    {
        var bytes = new Option<int>("--bytes") { Description = $"Number of random bytes ({SecretRule.MinimumLength} to 1024).", DefaultValueFactory = _ => SecretRule.MinimumLength };
        var format = new Option<string>("--format") { Description = "Output encoding.", DefaultValueFactory = _ => "hex" };
        format.AcceptOnlyFromAmong("hex", "base64");
        var command = new Command("secret", "Print a fresh random secret from the operating system's CSPRNG.") { bytes, format };
        command.SetAction(result =>
        {
            var n = result.GetValue(bytes);
            if (n is < SecretRule.MinimumLength or > 1024)
            {
                result.InvocationConfiguration.Error.WriteLine($"--bytes must be between {SecretRule.MinimumLength} and 1024: shorter secrets are refused by Tessera.");
                return CliRunner.Usage;
            }

            var secret = RandomNumberGenerator.GetBytes(n);
            result.InvocationConfiguration.Output.WriteLine(result.GetValue(format) == "base64" ? Convert.ToBase64String(secret) : Convert.ToHexStringLower(secret));
            return CliRunner.Ok;
        });
        return command;
    }
}
