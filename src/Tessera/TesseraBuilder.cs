using Microsoft.Extensions.DependencyInjection;

namespace Tessera;

/// <summary>
/// Returned by <c>AddTessera</c>: every Tessera package (stores, legacy cookie formats, ASP.NET Core) extends it,
/// so registrations chain: <c>services.AddTessera().AddSqliteStore(...)</c>.
/// </summary>
public sealed class TesseraBuilder
{
    /// <summary>Wraps <paramref name="services"/>.</summary>
    public TesseraBuilder(IServiceCollection services) => Services = services ?? throw new ArgumentNullException(nameof(services));

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }
}
