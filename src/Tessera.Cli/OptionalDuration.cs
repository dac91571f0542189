using System.CommandLine;
using System.Globalization;

namespace Tessera.Cli;

/// <summary>
/// A duration option that can also say "none" (the peers' <c>None</c>: no limit at all). An absent option is a null
/// <see cref="OptionalDuration"/>? and keeps the library default; <c>none</c> is an instance whose
/// <see cref="Value"/> is null. Values are seconds (<c>1200</c>, <c>0.5</c>) or, as mod_auth_tkt writes
/// <c>TKTAuthTimeout</c>, numbers with units <c>s m h d w M</c>(30 days) <c>y</c>(365 days) that add up (<c>"1w 4d"</c>).
/// </summary>
internal sealed record OptionalDuration(TimeSpan? Value)
{
    private const double MaxSeconds = 253402300799; // year 9999: what a date can hold

    /// <summary>A <c>--name SECONDS|none</c> option.</summary>
    public static Option<OptionalDuration?> CreateOption(string name, string description, bool wholeSeconds = false) => new(name)
    {
        Description = description,
        HelpName = "SECONDS|none",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (TryParse(text, wholeSeconds, out var duration, out var error))
            {
                return duration;
            }

            result.AddError($"{name}: {error}");
            return null;
        },
    };

    public static bool TryParse(string text, bool wholeSeconds, out OptionalDuration? duration, out string error)
    {
        duration = null;
        error = string.Empty;
        if (string.Equals(text.Trim(), "none", StringComparison.OrdinalIgnoreCase))
        {
            duration = new OptionalDuration((TimeSpan?)null);
            return true;
        }

        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        double total = 0;
        foreach (var part in parts)
        {
            var unit = part[^1] switch
            {
                's' => 1d,
                'm' => 60d,
                'h' => 3600d,
                'd' => 86400d,
                'w' => 7 * 86400d,
                'M' => 30 * 86400d,
                'y' => 365 * 86400d,
                _ => 0d,
            };
            var number = unit == 0 ? part : part[..^1];
            if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
            {
                parts = [];
                break;
            }

            total += n * (unit == 0 ? 1 : unit);
        }

        if (parts.Length == 0)
        {
            error = $"'{text}' is not a duration: give seconds (e.g. 1200), units as mod_auth_tkt takes them (e.g. 2h, \"1w 4d\"), or none.";
            return false;
        }

        if (total > MaxSeconds || (wholeSeconds && total != Math.Floor(total)))
        {
            error = wholeSeconds ? $"'{text}' must be whole seconds up to {MaxSeconds}." : $"'{text}' is more than {MaxSeconds} seconds.";
            return false;
        }

        duration = new OptionalDuration(TimeSpan.FromSeconds(total));
        return true;
    }
}
