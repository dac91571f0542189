using System.Diagnostics.Metrics;

namespace Tessera.Diagnostics;

/// <summary>The core's single <c>Tessera</c> meter; every feature creates its instruments on it (one meter instance per assembly).</summary>
internal static class TesseraMeter
{
    public const string Name = "Tessera";

    public static Meter Meter { get; } = new(Name);
}
