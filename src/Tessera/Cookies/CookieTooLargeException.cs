namespace Tessera.Cookies;

/// <summary>
/// A session does not fit in a cookie: the browser would silently drop it, or the peer format would refuse to re-issue
/// it. Thrown by writers (programmer-visible: store less in the session, enable chunking, or use server-side sessions).
/// </summary>
public sealed class CookieTooLargeException : Exception
{
    /// <summary>Creates the exception for a cookie of <paramref name="size"/> against <paramref name="limit"/>.</summary>
    public CookieTooLargeException(int size, int limit, string what)
        : base($"{what} is {size}, over the limit of {limit} by {size - limit}. Store less in the session, enable cookie chunking (Tessera's own format only) or use server-side sessions.")
    {
        Size = size;
        Limit = limit;
    }

    /// <summary>Creates the exception with a message.</summary>
    public CookieTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public CookieTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public CookieTooLargeException()
    {
    }

    /// <summary>The size that was measured (characters or bytes, as the message says).</summary>
    public int Size { get; }

    /// <summary>The limit it exceeded.</summary>
    public int Limit { get; }
}
