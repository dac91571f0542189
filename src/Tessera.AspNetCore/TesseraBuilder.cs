using Microsoft.Extensions.DependencyInjection;

namespace Tessera.AspNetCore;

/// <summary>Returned by <c>AddTessera</c> so store and option registrations chain.</summary>
public sealed class TesseraBuilder
{
    /// <summary>Wraps <paramref name="services"/>.</summary>
    public TesseraBuilder(IServiceCollection services) => Services = services ?? throw new ArgumentNullException(nameof(services));

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Further configures <see cref="TesseraOptions"/> (after configuration binding).</summary>
    /// <returns>This builder, for chaining.</returns>
    public TesseraBuilder Configure(Action<TesseraOptions> configure)
    {
        Services.Configure(configure);
        return this;
    }
}
