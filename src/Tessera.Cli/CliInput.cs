namespace Tessera.Cli;

/// <summary>
/// Values too large for a command line: <c>@FILE</c> reads a file, <c>-</c> reads standard input (curl's convention).
/// Anything else is the value itself. One trailing line break is dropped, as a shell's <c>$(...)</c> would.
/// </summary>
internal static class CliInput
{
    public static string Read(string value, string optionName, TextReader? stdin)
    {
        ArgumentNullException.ThrowIfNull(value);
        string text;
        if (value == "-")
        {
            text = (stdin ?? Console.In).ReadToEnd();
        }
        else if (value.StartsWith('@'))
        {
            var path = value[1..];
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new CliUsageException($"{optionName}: cannot read '{path}': {e.Message}");
            }
        }
        else
        {
            return value;
        }

        return text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
    }
}
