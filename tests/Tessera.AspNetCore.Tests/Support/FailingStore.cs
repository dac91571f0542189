using Tessera.Sessions;

namespace Tessera.AspNetCore.Tests.Support;

/// <summary>A store whose every call fails as a database that went away would.</summary>
public sealed class FailingStore(string name = "failing") : ISessionStore
{
    public string Name => name;

    public ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken) =>
        throw new SessionStoreException(Name, "connection refused", new IOException("connection refused"));

    public ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken) =>
        throw new SessionStoreException(Name, "connection refused", new IOException("connection refused"));

    public ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken) =>
        throw new SessionStoreException(Name, "connection refused", new IOException("connection refused"));
}
