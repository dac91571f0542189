using Tessera.Scale;

// Fills each store to each size and measures it (docs/stores.md, "Scale"). From the repository root:
//   dotnet run -c Release --project bench/Tessera.Scale -- --stores memory,file,sqlite,postgresql,redis \
//     --sizes 1000,10000,100000,1000000 --postgres "Host=...;Username=...;Password=...;Database=..." --redis 127.0.0.1:6379 \
//     --dir /var/tmp/tessera-scale --out bench/results/scale.md [--ops 2000] [--note "text"]
// --postgres and --redis default to TESSERA_TEST_POSTGRES and TESSERA_TEST_REDIS; --help lists the options.
if (ScaleArguments.WantsHelp(args))
{
    Console.Write(ScaleArguments.Usage);
    return 0;
}

if (!ScaleArguments.TryParse(args, Environment.GetEnvironmentVariable, out var options, out var error))
{
    await Console.Error.WriteLineAsync($"Tessera.Scale: {error}. See --help.").ConfigureAwait(false);
    return 2;
}

var runs = new List<ScaleScenario>();
var failures = new List<string>();
var command = "dotnet run -c Release --project bench/Tessera.Scale -- " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) || a.Contains(';', StringComparison.Ordinal) ? "'" + a + "'" : a));
foreach (var name in options.Stores)
{
    var clock = new ScaleClock();
    var run = Path.Combine(options.Directory, name + "-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4)));
    await using var target = name switch
    {
        "memory" => new MemoryTarget(clock),
        "file" => new FileTarget(clock, run),
        "sqlite" => new SqliteTarget(clock, run),
        "postgresql" => new PostgreSqlTarget(clock, options.Postgres!, "scale_" + Path.GetFileName(run)[^8..]),
        "redis" => (ScaleTarget)await RedisTarget.CreateAsync(clock, options.Redis!, "scale:" + Path.GetFileName(run)[^8..] + ":").ConfigureAwait(false),
        _ => throw new InvalidOperationException($"ScaleArguments let through the unknown store '{name}'."),
    };
    var scenario = new ScaleScenario(target, options.Operations);
    runs.Add(scenario);
    try
    {
        await scenario.RunAsync(options.Sizes, Console.Error, WriteReportAsync, CancellationToken.None).ConfigureAwait(false);
    }
    catch (Tessera.Sessions.SessionStoreException e)
    {
        // A store that fails at some size is a result too: report what it measured up to there and go on with the others.
        failures.Add($"{name}: {e.Message}");
        await Console.Error.WriteLineAsync($"{name}: failed: {e}").ConfigureAwait(false);
    }

    await WriteReportAsync().ConfigureAwait(false);
}

Console.Write(ScaleReport.Render(runs, command, options.Note, failures));
return failures.Count == 0 ? 0 : 1;

// Written after every size and store, so an hours-long run that dies or is stopped keeps what it measured.
async Task WriteReportAsync()
{
    if (options.Output is { } output)
    {
        await File.WriteAllTextAsync(output, ScaleReport.Render(runs, command, options.Note, failures)).ConfigureAwait(false);
    }
}
