namespace Tessera.Sessions;

/// <summary>
/// A session store failed (disk full, database down, lock timeout). The request must fail closed: no session is
/// created in place of the one that could not be read, and nothing already stored is changed.
/// </summary>
public sealed class SessionStoreException : Exception
{
    /// <summary>Creates the exception for <paramref name="storeName"/> with the driver's exception inside.</summary>
    public SessionStoreException(string storeName, string message, Exception? innerException)
        : base($"Session store '{storeName}' failed: {message}", innerException)
    {
        StoreName = storeName;
    }

    /// <summary>Creates the exception without a store name.</summary>
    public SessionStoreException()
        : this("unknown", "unspecified failure", null)
    {
    }

    /// <summary>Creates the exception without a store name.</summary>
    public SessionStoreException(string message)
        : this("unknown", message, null)
    {
    }

    /// <summary>Creates the exception without a store name.</summary>
    public SessionStoreException(string message, Exception innerException)
        : this("unknown", message, innerException)
    {
    }

    /// <summary>The <see cref="ISessionStore.Name"/> of the store that failed.</summary>
    public string StoreName { get; }
}
