using System.CommandLine;

namespace Tessera.Cli;

/// <summary>
/// Parses and runs a command line under the CLI contract: parse errors exit 2, and no exception ever escapes as a
/// stack trace. Whatever a command did not turn into a verdict becomes one line on stderr: exit 2 for a
/// <see cref="CliUsageException"/>, 1 for anything else (refused or unreadable input).
/// </summary>
internal static class CliRunner
{
    public const int Ok = 0;
    public const int Invalid = 1;
    public const int Usage = 2;

    public static int Run(RootCommand root, string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            // No response files: "@FILE" is a value (curl's convention, e.g. --data @session.json), read by CliInput.
            var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
            if (parsed.Errors.Count > 0)
            {
                foreach (var error in parsed.Errors)
                {
                    stderr.WriteLine(OneLine(error.Message));
                }

                return Usage;
            }

            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
#pragma warning disable CA1031 // The contract: no failure leaves the tool as a stack trace, whatever its type.
        catch (Exception e)
#pragma warning restore CA1031
        {
            stderr.WriteLine(e is CliUsageException ? OneLine(e.Message) : $"tessera: {OneLine(e.Message)} ({e.GetType().Name})");
            return e is CliUsageException ? Usage : Invalid;
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
