using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Tessera.Diagnostics;

/// <summary>
/// The name and version of Tessera's one meter and activity source (<c>Tessera</c>, the assembly version). Instruments
/// live on <see cref="TesseraMetrics"/>, created per <see cref="IMeterFactory"/>.
/// </summary>
internal static class TesseraMeter
{
    public const string Name = "Tessera";

    public static readonly string? Version = typeof(TesseraMeter).Assembly.GetName().Version?.ToString();

    /// <summary>
    /// The spans of session load and commit and of each store call. A static source is the .NET norm (there is no
    /// factory for them); it costs nothing while no listener subscribes.
    /// </summary>
    public static readonly ActivitySource ActivitySource = new(Name, Version);

    public static MeterOptions Options() => new(Name) { Version = Version };

    /// <summary>
    /// Marks <paramref name="activity"/> failed with the exception's type as <c>error.type</c> (never its message, which
    /// may carry a host name or a key); returns false so it serves as an exception filter that catches nothing.
    /// </summary>
    public static bool Failed(Activity? activity, Exception exception)
    {
        if (activity is not null)
        {
            activity.SetTag("error.type", ErrorType(exception));
            activity.SetStatus(ActivityStatusCode.Error);
        }

        return false;
    }

    /// <summary>The <c>error.type</c> of an exception: its full type name, as OpenTelemetry conventions ask.</summary>
    public static string ErrorType(Exception exception) => exception.GetType().FullName ?? exception.GetType().Name;
}
