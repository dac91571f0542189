using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Tessera.Demo;

/// <summary>
/// Exports Tessera's metrics and traces (meter and activity source <c>Tessera</c>, docs/telemetry.md) to the console
/// when <c>Demo:Telemetry</c> is <c>console</c>: <c>dotnet run -- --Demo:Telemetry console</c> or <c>Demo__Telemetry=console</c>.
/// </summary>
internal static class DemoTelemetry
{
    public static WebApplicationBuilder AddDemoTelemetry(this WebApplicationBuilder builder)
    {
        var exporter = builder.Configuration["Demo:Telemetry"];
        if (string.IsNullOrEmpty(exporter) || exporter.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return builder;
        }

        if (!exporter.Equals("console", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Demo:Telemetry is '{exporter}': use 'console' (print Tessera's metrics and spans) or 'none'.");
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("tessera-demo"))
            .WithMetrics(m => m.AddMeter("Tessera").AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 10_000))
            // Microsoft.AspNetCore: the request spans Tessera's spans hang under (unsampled, they would drop Tessera's too).
            .WithTracing(t => t.AddSource("Tessera", "Microsoft.AspNetCore").AddConsoleExporter());
        return builder;
    }
}
