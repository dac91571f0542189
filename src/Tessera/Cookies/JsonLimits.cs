namespace Tessera.Cookies;

/// <summary>Limits every Tessera JSON reader and writer shares, so whatever a writer emits its reader reads back.</summary>
public static class JsonLimits
{
    /// <summary>
    /// The deepest nesting of a session document (the session's own object counts as one level) that any Tessera
    /// format reads or writes. Python's <c>json</c> module, which Beaker and pyramid_nacl_session use, stops near
    /// 1000 levels (its recursion limit); System.Text.Json's default of 64 would refuse what the peers read.
    /// </summary>
    public const int MaxDepth = 1000;
}
