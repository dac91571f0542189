using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Tessera.AspNetCore;

/// <summary>
/// Refuses a bare number for a <see cref="TimeSpan"/> option. The configuration binder reads <c>20</c> as 20 days, which
/// nobody writing <c>IdleTimeout=20</c> or <c>Timeout=7200</c> means; only the raw configuration string still shows the
/// form, so this reads that rather than the bound value. One source file, compiled into Tessera.AspNetCore and into
/// Tessera.Legacy (whose <c>Tessera:Legacy</c> options it checks the same way).
/// </summary>
internal static class DurationConfigurationCheck
{
    /// <summary>Adds one failure per TimeSpan property of <paramref name="optionsType"/> (and its nested option sections) configured as a bare number.</summary>
    public static void Check(IConfiguration section, Type optionsType, ICollection<string> failures)
    {
        foreach (var property in optionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var child = section.GetSection(property.Name);
            if (type == typeof(TimeSpan))
            {
                if (child.Value is { } raw && BareNumberFailure(child.Path, raw) is { } failure)
                {
                    failures.Add(failure);
                }
            }
            else if (IsNestedSection(type))
            {
                Check(child, type, failures);
            }
        }
    }

    // Tessera's own nested option classes, and ASP.NET's CookieBuilder (Tessera:Cookie:MaxAge). By name: this file is
    // compiled into Tessera.Legacy too, which has no ASP.NET reference.
    private static bool IsNestedSection(Type type) =>
        type.IsClass && (type.Namespace?.StartsWith("Tessera", StringComparison.Ordinal) == true || type.FullName == "Microsoft.AspNetCore.Http.CookieBuilder");

    private static string? BareNumberFailure(string key, string raw)
    {
        // "0" is zero in every unit, so it stays allowed (e.g. AuthTkt:Timeout = 0 for tickets that never expire).
        if (!long.TryParse(raw.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) || n == 0 || Math.Abs(n) > TimeSpan.MaxValue.Days)
        {
            return null;
        }

        var days = TimeSpan.FromDays(n).ToString("c", CultureInfo.InvariantCulture);
        var count = n.ToString(CultureInfo.InvariantCulture);
        return $"{key} = '{raw}' binds as {days} ({count} days); a bare number is refused. Write a TimeSpan as hh:mm:ss or d.hh:mm:ss, "
            + $"e.g. '{TimeSpan.FromMinutes(n).ToString("c", CultureInfo.InvariantCulture)}' for {count} minutes, "
            + $"'{TimeSpan.FromSeconds(n).ToString("c", CultureInfo.InvariantCulture)}' for {count} seconds, or '{days}' if {count} days is meant.";
    }
}
