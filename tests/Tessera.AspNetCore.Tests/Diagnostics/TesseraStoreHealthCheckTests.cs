using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.AspNetCore.Tests.Support;
using Tessera.Stores;

namespace Tessera.AspNetCore.Tests.Diagnostics;

public sealed class TesseraStoreHealthCheckTests
{
    [Fact]
    public async Task Check_AnsweringStore_Healthy()
    {
        var check = new TesseraStoreHealthCheck(new MemorySessionStore(), NullLogger<TesseraStoreHealthCheck>.Instance);
        var result = await check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("s", check, null, null) });
        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task Check_FailingStore_UnhealthyNamingTheStore()
    {
        var check = new TesseraStoreHealthCheck(new FailingStore(), NullLogger<TesseraStoreHealthCheck>.Instance);
        var result = await check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("s", check, null, null) });
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("'failing'", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_StoreWithProbe_ProbesAndNeverCountsOrLoads()
    {
        var store = new ProbedStore();
        var check = new TesseraStoreHealthCheck(store, NullLogger<TesseraStoreHealthCheck>.Instance);
        for (var i = 0; i < 3; i++)
        {
            var result = await check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("s", check, null, null) });
            Assert.Equal(HealthStatus.Healthy, result.Status);
            Assert.False(result.Data.ContainsKey("live"), "a probe reports no counts: counting is a scan");
        }

        Assert.Equal(3, store.Probes);
        Assert.Equal(0, store.StatisticsCalls);
        Assert.Equal(0, store.Loads);
    }

    [Fact]
    public async Task Check_ProbeFails_UnhealthyWithoutCounting()
    {
        var store = new ProbedStore(probeFails: true);
        var check = new TesseraStoreHealthCheck(store, NullLogger<TesseraStoreHealthCheck>.Instance);
        var result = await check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("s", check, null, null) });
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("'probed'", result.Description, StringComparison.Ordinal);
        Assert.Equal(0, store.StatisticsCalls);
    }
}
