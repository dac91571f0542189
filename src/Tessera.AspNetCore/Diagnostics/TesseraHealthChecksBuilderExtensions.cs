using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tessera.AspNetCore;

/// <summary>Registers the Tessera store health check.</summary>
public static class TesseraHealthChecksBuilderExtensions
{
    /// <summary>Adds a health check that the configured session store answers.</summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name.</param>
    /// <param name="tags">Tags to filter checks by, e.g. <c>ready</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHealthChecksBuilder AddTesseraStoreHealthCheck(this IHealthChecksBuilder builder, string name = "tessera-store", IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddCheck<TesseraStoreHealthCheck>(name, HealthStatus.Unhealthy, tags ?? []);
    }
}
