using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Tessera.Scale;

/// <summary>
/// The harness's command line, checked whole before anything runs: an unknown option, a missing value, a size or count
/// that is not a number, an unknown store or a store without its server is an error, never a run with defaults.
/// </summary>
internal sealed class ScaleArguments
{
    public const string Usage = """
        Fills each store to each size and measures it (docs/stores.md, "Scale").
        usage: dotnet run -c Release --project bench/Tessera.Scale -- [options]
          --stores LIST     memory,file,sqlite,postgresql,redis (default: all five)
          --sizes LIST      increasing session counts, each at least 1000 (default: 1000,10000,100000,1000000)
          --ops N           operations per measurement (default: 2000)
          --dir PATH        where the file and SQLite stores write (default: a tessera-scale folder under the temp directory)
          --postgres CS     PostgreSQL connection string (default: TESSERA_TEST_POSTGRES)
          --redis CS        Redis configuration (default: TESSERA_TEST_REDIS)
          --out FILE        also write the report there (Markdown)
          --note TEXT       a line about the machine, put in the report
          -h, --help        print this and exit
        """;

    private static readonly string[] KnownStores = ["memory", "file", "sqlite", "postgresql", "redis"];
    private static readonly string[] KnownOptions = ["stores", "sizes", "ops", "dir", "postgres", "redis", "out", "note"];

    private ScaleArguments(IReadOnlyDictionary<string, string> values, string[] stores, int[] sizes, int operations, string directory, string? postgres, string? redis)
    {
        Stores = stores;
        Sizes = sizes;
        Operations = operations;
        Directory = directory;
        Postgres = postgres;
        Redis = redis;
        Output = values.GetValueOrDefault("out");
        Note = values.GetValueOrDefault("note");
    }

    public IReadOnlyList<string> Stores { get; }

    public int[] Sizes { get; }

    public int Operations { get; }

    /// <summary>The full path under which each file and SQLite run gets a folder of its own.</summary>
    public string Directory { get; }

    /// <summary>The PostgreSQL connection string; set whenever <see cref="Stores"/> names postgresql.</summary>
    public string? Postgres { get; }

    /// <summary>The Redis configuration; set whenever <see cref="Stores"/> names redis.</summary>
    public string? Redis { get; }

    public string? Output { get; }

    public string? Note { get; }

    /// <summary>True when the command line asks for the usage (<c>-h</c> or <c>--help</c> anywhere).</summary>
    public static bool WantsHelp(IEnumerable<string> args) => args.Any(a => a is "-h" or "--help");

    /// <summary>Reads <paramref name="args"/>; false with <paramref name="error"/> naming the option or value at fault.</summary>
    /// <param name="environment">Looks up TESSERA_TEST_POSTGRES and TESSERA_TEST_REDIS, the servers' defaults.</param>
    public static bool TryParse(IReadOnlyList<string> args, Func<string, string?> environment, [NotNullWhen(true)] out ScaleArguments? parsed, [NotNullWhen(false)] out string? error)
    {
        parsed = null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : null;
            if (name is null || !KnownOptions.Contains(name))
            {
                error = name is null ? $"unexpected argument '{args[i]}' (options start with --)" : $"unknown option '{args[i]}'";
                return false;
            }

            if (i + 1 == args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                error = $"option '--{name}' needs a value";
                return false;
            }

            values[name] = args[++i];
        }

        var stores = values.GetValueOrDefault("stores", string.Join(',', KnownStores)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (stores.Length == 0)
        {
            error = "--stores names no store";
            return false;
        }

        if (stores.FirstOrDefault(s => !KnownStores.Contains(s)) is { } unknown)
        {
            error = $"--stores: unknown store '{unknown}' (use {string.Join(", ", KnownStores)})";
            return false;
        }

        var sizeList = values.GetValueOrDefault("sizes", "1000,10000,100000,1000000").Split(',', StringSplitOptions.TrimEntries);
        var sizes = sizeList.Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1).ToArray();
        if (sizes.Any(s => s < ScaleScenario.HeavySessions) || !sizes.SequenceEqual(sizes.Order()))
        {
            error = $"--sizes '{string.Join(',', sizeList)}' must be increasing whole numbers, each at least {ScaleScenario.HeavySessions}";
            return false;
        }

        var opsText = values.GetValueOrDefault("ops", "2000");
        if (!int.TryParse(opsText, NumberStyles.None, CultureInfo.InvariantCulture, out var operations) || operations < 1)
        {
            error = $"--ops '{opsText}' must be a whole number of at least 1";
            return false;
        }

        var postgres = values.GetValueOrDefault("postgres") ?? environment("TESSERA_TEST_POSTGRES");
        var redis = values.GetValueOrDefault("redis") ?? environment("TESSERA_TEST_REDIS");
        if (stores.Contains("postgresql") && postgres is null)
        {
            error = "--stores names postgresql: give --postgres or set TESSERA_TEST_POSTGRES";
            return false;
        }

        if (stores.Contains("redis") && redis is null)
        {
            error = "--stores names redis: give --redis or set TESSERA_TEST_REDIS";
            return false;
        }

        var directory = Path.GetFullPath(values.GetValueOrDefault("dir") ?? Path.Combine(Path.GetTempPath(), "tessera-scale"));
        parsed = new ScaleArguments(values, stores, sizes, operations, directory, postgres, redis);
        error = null;
        return true;
    }
}
