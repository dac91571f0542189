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

    /// <summary>
    /// The deepest session data the writers for the Python peers (Beaker, pyramid_nacl_session, in Tessera.Legacy) emit,
    /// counted as for <see cref="MaxDepth"/>. The real Beaker 1.11 on Python 3.11 reads 988 levels from a shallow stack,
    /// but Python's json module shares the interpreter's 1000-frame recursion limit with the web application's own call
    /// stack, so a peer inside a WSGI app reads less: 900 leaves that room. Readers accept <see cref="MaxDepth"/>.
    /// </summary>
    public const int PythonPeerWriteDepth = 900;
}
