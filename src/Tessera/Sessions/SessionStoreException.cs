namespace Tessera.Sessions;

/// <summary>
/// A session store failed (disk full, database down, lock timeout). The request must fail closed: no session is
/// created in place of the one that could not be read, and nothing already stored is changed.
/// </summary>
public sealed class SessionStoreException : Exception
{
    /// <summary>
    /// Creates the exception for <paramref name="storeName"/> with the driver's exception inside; the message names the
    /// step (<paramref name="message"/>) and the cause the driver gave (such as <c>Failed to connect to 127.0.0.1:5432: Connection refused</c>).
    /// </summary>
    public SessionStoreException(string storeName, string message, Exception? innerException)
        : base($"Session store '{storeName}' failed: {WithCause(message, innerException)}", innerException)
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

    /// <summary>The step, then each distinct message of the driver's exception chain: the cause an operator can act on.</summary>
    private static string WithCause(string message, Exception? cause)
    {
        var text = new System.Text.StringBuilder(message);
        for (var e = cause; e is not null && text.Length < 500; e = e.InnerException)
        {
            var part = e.Message.Trim().TrimEnd('.');
            if (e is not AggregateException && part.Length > 0 && !text.ToString().Contains(part, StringComparison.Ordinal))
            {
                text.Append(": ").Append(part);
            }
        }

        return text.ToString();
    }
}
