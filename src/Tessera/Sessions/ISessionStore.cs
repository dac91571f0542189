namespace Tessera.Sessions;

/// <summary>
/// Where server-side session records live. A store keeps opaque sealed bytes under a hashed key; it never sees
/// a session id, a data key or a user id. Optional capabilities are separate interfaces
/// (<see cref="IUserSessionIndex"/>, <see cref="IExpiredSessionSweeper"/>, <see cref="ISessionStoreStatistics"/>, <see cref="ISessionStoreProbe"/>).
/// </summary>
/// <remarks>
/// Every implementation passes the conformance suite in Tessera.Testing. Infrastructure failures surface as
/// <see cref="SessionStoreException"/>; a store never turns an error into "missing".
/// </remarks>
public interface ISessionStore
{
    /// <summary>A short name for errors, logs and health checks, such as <c>sqlite</c>. Never a connection string.</summary>
    string Name { get; }

    /// <summary>Loads a record, or returns <see langword="null"/> when there is none or it has expired.</summary>
    /// <exception cref="SessionStoreException">The store could not be read.</exception>
    ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Saves <paramref name="record"/> if the stored version is still <paramref name="expectedVersion"/>
    /// (0: no live record may exist under the key). Returns <see cref="SaveResult.Conflict"/> otherwise, leaving
    /// the stored record untouched.
    /// </summary>
    /// <exception cref="SessionStoreException">The store could not be written.</exception>
    ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Deletes a record; deleting a missing record is not an error.</summary>
    /// <exception cref="SessionStoreException">The store could not be written.</exception>
    ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken);
}
