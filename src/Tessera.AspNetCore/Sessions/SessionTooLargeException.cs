namespace Tessera.AspNetCore;

/// <summary>
/// A session value was refused because the session would exceed its size limit (<c>Tessera:MaxSessionSize</c> in
/// server mode, what fits in <c>Tessera:MaxCookieChunks</c> cookies in cookie mode). Thrown by the setter, before
/// anything is written: the session keeps its previous value. Unhandled, Tessera's middleware answers 413.
/// </summary>
public sealed class SessionTooLargeException : Exception
{
    /// <summary>Creates the exception for a session of <paramref name="size"/> bytes against <paramref name="limit"/>.</summary>
    /// <param name="size">The size the session would have, in bytes.</param>
    /// <param name="limit">The limit, in bytes.</param>
    /// <param name="optionName">The configuration key that sets the limit.</param>
    /// <param name="message">The full message (what was measured and what to change).</param>
    public SessionTooLargeException(int size, int limit, string optionName, string message)
        : base(message)
    {
        Size = size;
        Limit = limit;
        OptionName = optionName;
    }

    /// <summary>Creates the exception with a message.</summary>
    public SessionTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public SessionTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public SessionTooLargeException()
    {
    }

    /// <summary>The size the session would have had, in bytes.</summary>
    public int Size { get; }

    /// <summary>The limit it exceeded, in bytes.</summary>
    public int Limit { get; }

    /// <summary>The configuration key that sets the limit (e.g. <c>Tessera:MaxSessionSize</c>).</summary>
    public string? OptionName { get; }
}
