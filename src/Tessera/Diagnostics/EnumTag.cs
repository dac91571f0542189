using System.Runtime.CompilerServices;

namespace Tessera.Diagnostics;

/// <summary>
/// Metric and span attribute values for an int-based enum: its names in snake_case (<c>IpMismatch</c> →
/// <c>ip_mismatch</c>), as OpenTelemetry conventions write attribute values, computed once so a measurement allocates nothing.
/// </summary>
internal static class EnumTag<TEnum>
    where TEnum : struct, Enum
{
    private static readonly string?[] Values = Build();

    public static string Of(TEnum value)
    {
        var index = Unsafe.As<TEnum, int>(ref value);
        return (uint)index < (uint)Values.Length && Values[index] is { } name ? name : SnakeCase(value.ToString());
    }

    private static string?[] Build()
    {
        if (Enum.GetUnderlyingType(typeof(TEnum)) != typeof(int))
        {
            throw new InvalidOperationException($"{typeof(TEnum).Name} must be an int enum to be a metric tag.");
        }

        var values = new string?[64];
        foreach (var value in Enum.GetValues<TEnum>())
        {
            var index = Unsafe.As<TEnum, int>(ref Unsafe.AsRef(in value));
            if ((uint)index < (uint)values.Length)
            {
                values[index] = SnakeCase(value.ToString());
            }
        }

        return values;
    }

    private static string SnakeCase(string name)
    {
        var text = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('_');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }
}
