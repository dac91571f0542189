namespace Tessera.TestSupport;

/// <summary>
/// How many cases each fuzz test runs: <c>TESSERA_FUZZ_CASES</c> when set, else 20,000 (seconds per decoder; a million
/// takes 10 to 27 minutes per decoder on a 2-core machine, so it is a run of its own). Fuzz tests carry
/// <c>[Trait("Category", "Fuzz")]</c>, so the big run alone is
/// <c>TESSERA_FUZZ_CASES=1000000 ./test.sh --filter Category=Fuzz</c>.
/// </summary>
internal static class FuzzCases
{
    public const string Trait = "Fuzz";

    public const int DefaultCount = 20_000;

    public static int Count { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("TESSERA_FUZZ_CASES"), out var n) && n > 0 ? n : DefaultCount;
}
