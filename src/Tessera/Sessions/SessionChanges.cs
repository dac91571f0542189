namespace Tessera.Sessions;

/// <summary>What one request changed in its session since it was loaded (or last saved): what a merge re-applies.</summary>
/// <param name="Keys">The keys set or removed through the session's own methods.</param>
/// <param name="Cleared">Every value was removed (before any of <paramref name="Keys"/> were set again).</param>
/// <param name="NestedMutation">A caller set <see cref="ServerSession.IsModified"/> itself, so a value may have been mutated in place.</param>
/// <param name="OriginalPlaintext">The state as loaded, to find in-place mutations; null when there was none.</param>
/// <param name="AuthChanged">The signed-in user, check value or extras changed.</param>
/// <param name="MetadataChanged">The per-session idle timeout or lifetime changed.</param>
internal readonly record struct SessionChanges(
    IReadOnlySet<string> Keys,
    bool Cleared,
    bool NestedMutation,
    byte[]? OriginalPlaintext,
    bool AuthChanged,
    bool MetadataChanged);
