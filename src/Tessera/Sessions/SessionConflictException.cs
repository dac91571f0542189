namespace Tessera.Sessions;

/// <summary>
/// A session could not be saved because other requests kept changing it (or deleted it) and merging this
/// request's changes did not succeed within <see cref="SessionManagerOptions.MaxMergeAttempts"/>. The changes of
/// this request were not saved; nothing else was lost.
/// </summary>
public sealed class SessionConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SessionConflictException()
        : this("The session changed concurrently and this request's changes could not be merged.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SessionConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public SessionConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
