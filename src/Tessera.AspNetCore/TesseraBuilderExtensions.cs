using Microsoft.Extensions.DependencyInjection;

namespace Tessera.AspNetCore;

/// <summary>ASP.NET Core registrations on <see cref="TesseraBuilder"/>.</summary>
public static class TesseraBuilderExtensions
{
    /// <summary>Further configures <see cref="TesseraOptions"/> (after configuration binding).</summary>
    /// <returns>The builder, for chaining.</returns>
    public static TesseraBuilder Configure(this TesseraBuilder builder, Action<TesseraOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure(configure);
        return builder;
    }
}
