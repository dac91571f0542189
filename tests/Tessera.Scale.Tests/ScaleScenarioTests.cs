using Tessera.StoreTesting;

namespace Tessera.Scale.Tests;

/// <summary>
/// The scale harness (bench/Tessera.Scale) at 10³ and 10⁴ sessions on every store: a correctness check of the harness
/// and of the stores at that size (the 1000-session user lists and revokes 1000, the sweep deletes exactly the expired
/// records and leaves the live ones). Timings are printed by the harness, never asserted here.
/// </summary>
public sealed class ScaleScenarioTests : IDisposable
{
    private static readonly int[] Sizes = [1_000, 10_000];
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tessera-scale-test-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6)));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public Task Run_MemoryStore_ListsRevokesAndSweepsExactCounts() => RunAsync(clock => Task.FromResult<ScaleTarget>(new MemoryTarget(clock)));

    [Fact]
    public Task Run_FileStore_ListsRevokesAndSweepsExactCounts() => RunAsync(clock => Task.FromResult<ScaleTarget>(new FileTarget(clock, Path.Combine(_directory, "file"))));

    [Fact]
    public Task Run_SqliteStore_ListsRevokesAndSweepsExactCounts() => RunAsync(clock => Task.FromResult<ScaleTarget>(new SqliteTarget(clock, Path.Combine(_directory, "sqlite"))));

    [Fact]
    public Task Run_PostgreSqlStore_ListsRevokesAndSweepsExactCounts() =>
        RunAsync(async clock => new PostgreSqlTarget(clock, await SharedServers.PostgresAsync(), SharedServers.UniqueName("scale")));

    [Fact]
    public Task Run_RedisStore_ListsRevokesAndSweepsExactCounts() =>
        RunAsync(async clock => await RedisTarget.CreateAsync(clock, await SharedServers.RedisAsync(), SharedServers.UniqueName("scale") + ":"));

    private static async Task RunAsync(Func<ScaleClock, Task<ScaleTarget>> create)
    {
        var target = await create(new ScaleClock());
        await using (target)
        {
            var scenario = new ScaleScenario(target, operations: 50);
            await scenario.RunAsync(Sizes, TextWriter.Null, () => Task.CompletedTask, CancellationToken.None);

            Assert.Equal(Sizes, scenario.Levels.Select(l => l.Sessions));
            Assert.All(scenario.Levels, level =>
            {
                Assert.Equal(ScaleScenario.HeavySessions, level.Listed);
                Assert.Equal(ScaleScenario.HeavySessions, level.Revoked);
                Assert.True(level.LoadP99 > 0 && level.SaveP99 > 0, "every level timed its loads and saves");
            });
            var sweep = Assert.IsType<SweepResult>(scenario.Sweep);
            // 10⁴ sessions: 1000 of the heavy user, and of the 9000 others one in ten lives a day, the rest expired.
            Assert.Equal(8_100, scenario.ExpectedSwept);
            Assert.Equal(scenario.ExpectedSwept, sweep.Swept);
            Assert.Equal(scenario.ExpectedLiveAfterSweep, sweep.LiveAfter);
            Assert.Equal(0, sweep.ExpiredAfter);
        }
    }
}
