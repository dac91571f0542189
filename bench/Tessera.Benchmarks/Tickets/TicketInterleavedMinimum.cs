using System.Diagnostics;
using System.Globalization;

namespace Tessera.Benchmarks.Tickets;

/// <summary>
/// The steadier figure for a shared, loaded machine: per scheme, the bare digest, a valid and a rejected validate run
/// interleaved in one process (rounds of 1000 calls each, alternating), and the minimum per-call time of the rounds is
/// kept. Minima filter out the other tenants' load better than means do.
/// Run: <c>dotnet run -c Release --project bench/Tessera.Benchmarks -- tickets-interleaved [rounds]</c>.
/// </summary>
internal static class TicketInterleavedMinimum
{
    private const int CallsPerRound = 1000;

    public static void Run(int rounds)
    {
        Console.WriteLine($"{rounds} rounds of {CallsPerRound} calls, minimum ns per call");
        Console.WriteLine("| scheme | bare digest | Validate | ratio | Validate (bad digest) | ratio |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var scheme in Enum.GetValues<Tessera.Tickets.TicketScheme>())
        {
            var b = new TicketBenchmarks { Scheme = scheme };
            b.Setup();
            Action[] cases = [() => b.BareDigest(), () => b.Validate(), () => b.ValidateBadDigest()];
            var best = new double[cases.Length];
            Array.Fill(best, double.MaxValue);
            for (var round = 0; round < rounds; round++)
            {
                for (var c = 0; c < cases.Length; c++)
                {
                    var run = cases[c];
                    var start = Stopwatch.GetTimestamp();
                    for (var i = 0; i < CallsPerRound; i++)
                    {
                        run();
                    }

                    var ns = Stopwatch.GetElapsedTime(start).TotalNanoseconds / CallsPerRound;
                    best[c] = Math.Min(best[c], ns);
                }
            }

            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {scheme} | {best[0]:F0} | {best[1]:F0} | {best[1] / best[0]:F2} | {best[2]:F0} | {best[2] / best[0]:F2} |"));
        }
    }
}
