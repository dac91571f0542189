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
}
