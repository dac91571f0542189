using System.Globalization;
using Tessera.Scale;

// Fills each store to each size and measures it (docs/stores.md, "Scale"). From the repository root:
//   dotnet run -c Release --project bench/Tessera.Scale -- --stores memory,file,sqlite,postgresql,redis \
//     --sizes 1000,10000,100000,1000000 --postgres "Host=...;Username=...;Password=...;Database=..." --redis 127.0.0.1:6379 \
//     --dir /var/tmp/tessera-scale --out bench/results/scale.md [--ops 2000] [--note "text"]
// --postgres and --redis default to TESSERA_TEST_POSTGRES and TESSERA_TEST_REDIS.
var options = Arguments(args);
var stores = Get(options, "stores", "memory,file,sqlite,postgresql,redis").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
var sizes = Get(options, "sizes", "1000,10000,100000,1000000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
var operations = int.Parse(Get(options, "ops", "2000"), CultureInfo.InvariantCulture);
var directory = Path.GetFullPath(Get(options, "dir", Path.Combine(Path.GetTempPath(), "tessera-scale")));
if (sizes.Length == 0 || sizes.Any(s => s < ScaleScenario.HeavySessions) || !sizes.SequenceEqual(sizes.Order()))
{
    await Console.Error.WriteLineAsync($"--sizes must be increasing and each at least {ScaleScenario.HeavySessions}").ConfigureAwait(false);
    return 2;
}

var runs = new List<ScaleScenario>();
var failures = new List<string>();
var command = "dotnet run -c Release --project bench/Tessera.Scale -- " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) || a.Contains(';', StringComparison.Ordinal) ? "'" + a + "'" : a));
foreach (var name in stores)
{
    var clock = new ScaleClock();
    var run = Path.Combine(directory, name + "-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4)));
    await using var target = name switch
    {
        "memory" => new MemoryTarget(clock),
        "file" => new FileTarget(clock, run),
        "sqlite" => new SqliteTarget(clock, run),
        "postgresql" => new PostgreSqlTarget(clock, Required(options, "postgres", "TESSERA_TEST_POSTGRES"), "scale_" + Path.GetFileName(run)[^8..]),
        "redis" => (ScaleTarget)await RedisTarget.CreateAsync(clock, Required(options, "redis", "TESSERA_TEST_REDIS"), "scale:" + Path.GetFileName(run)[^8..] + ":").ConfigureAwait(false),
        _ => throw new ArgumentException($"Unknown store '{name}': use memory, file, sqlite, postgresql or redis."),
    };
    var scenario = new ScaleScenario(target, operations);
    runs.Add(scenario);
    try
    {
        await scenario.RunAsync(sizes, Console.Error, CancellationToken.None).ConfigureAwait(false);
    }
    catch (Tessera.Sessions.SessionStoreException e)
    {
        // A store that fails at some size is a result too: report what it measured up to there and go on with the others.
        failures.Add($"{name}: {e.Message}");
        await Console.Error.WriteLineAsync($"{name}: failed: {e}").ConfigureAwait(false);
    }

    // Written after every store, so an hours-long run that dies later keeps what it measured.
    if (options.TryGetValue("out", out var output))
    {
        await File.WriteAllTextAsync(output, ScaleReport.Render(runs, command, options.GetValueOrDefault("note"), failures)).ConfigureAwait(false);
    }
}

Console.Write(ScaleReport.Render(runs, command, options.GetValueOrDefault("note"), failures));
return failures.Count == 0 ? 0 : 1;

static Dictionary<string, string> Arguments(string[] args)
{
    var options = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        options[args[i].TrimStart('-')] = args[i + 1];
    }

    return options;
}

static string Get(Dictionary<string, string> options, string name, string fallback) => options.GetValueOrDefault(name) ?? fallback;

static string Required(Dictionary<string, string> options, string name, string variable) =>
    options.GetValueOrDefault(name) ?? Environment.GetEnvironmentVariable(variable)
    ?? throw new ArgumentException($"Give --{name} or set {variable}.");
