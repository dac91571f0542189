using Microsoft.AspNetCore.Builder;

namespace Tessera.AspNetCore;

/// <summary>Per-endpoint Tessera conventions.</summary>
public static class TesseraEndpointConventionBuilderExtensions
{
    /// <summary>Marks the endpoint with <see cref="SkipTesseraSessionAttribute"/>: its requests never load or save a session.</summary>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder WithoutTesseraSession<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(b => b.Metadata.Add(new SkipTesseraSessionAttribute()));
        return builder;
    }
}
