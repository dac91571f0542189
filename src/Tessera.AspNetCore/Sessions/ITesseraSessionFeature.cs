namespace Tessera.AspNetCore;

/// <summary>The request feature that carries the Tessera session (set by <c>app.UseTessera()</c>).</summary>
public interface ITesseraSessionFeature
{
    /// <summary>The request's session; created empty on first use when the request brought none.</summary>
    ITesseraSession Session { get; }
}
