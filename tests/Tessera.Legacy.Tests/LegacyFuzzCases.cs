using Tessera.TestSupport;

namespace Tessera.Legacy.Tests;

/// <summary>
/// The legacy fuzz tests' case count: <see cref="FuzzCases.Count"/> (10^6, or <c>TESSERA_FUZZ_CASES</c>), except under
/// CI (<c>CI=true</c>) without an explicit count, where 10^5 per format keeps the run short. The full run is documented
/// in docs/cookies.md.
/// </summary>
internal static class LegacyFuzzCases
{
    public const int CiCount = 100_000;

    public static int Count { get; } =
        Environment.GetEnvironmentVariable("CI") == "true" && Environment.GetEnvironmentVariable("TESSERA_FUZZ_CASES") is null
            ? Math.Min(CiCount, FuzzCases.Count)
            : FuzzCases.Count;
}
