namespace Tessera.TestSupport;

/// <summary>
/// How many cases each fuzz test runs: <c>TESSERA_FUZZ_CASES</c> when set, else one million. Fuzz tests carry
/// <c>[Trait("Category", "Fuzz")]</c>, so the big run alone is <c>./test.sh --filter Category=Fuzz</c>.
/// </summary>
internal static class FuzzCases
{
    public const string Trait = "Fuzz";

    public static int Count { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("TESSERA_FUZZ_CASES"), out var n) && n > 0 ? n : 1_000_000;
}
