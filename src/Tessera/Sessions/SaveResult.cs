namespace Tessera.Sessions;

/// <summary>The outcome of <see cref="ISessionStore.SaveAsync"/>.</summary>
public enum SaveResult
{
    /// <summary>The record was written.</summary>
    Saved,

    /// <summary>The stored version was not the expected one (another request saved first, or the record expired or was deleted).</summary>
    Conflict,
}
