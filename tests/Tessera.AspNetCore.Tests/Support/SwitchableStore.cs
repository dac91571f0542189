using Tessera.Sessions;
using Tessera.Stores;

namespace Tessera.AspNetCore.Tests.Support;

/// <summary>A memory store that fails every call, as a database that went away would, while <see cref="Failing"/> is set.</summary>
public sealed class SwitchableStore : ISessionStore, IUserSessionIndex
{
    public MemorySessionStore Inner { get; } = new();

    public bool Failing { get; set; }

    public string Name => "switchable";

    public ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken) =>
        Failing ? throw Failure() : Inner.LoadAsync(key, cancellationToken);

    public ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken) =>
        Failing ? throw Failure() : Inner.SaveAsync(record, expectedVersion, cancellationToken);

    public ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken) =>
        Failing ? throw Failure() : Inner.DeleteAsync(key, cancellationToken);

    public ValueTask<IReadOnlyList<SessionRecord>> ListByUserAsync(string userTag, CancellationToken cancellationToken) =>
        Failing ? throw Failure() : Inner.ListByUserAsync(userTag, cancellationToken);

    public ValueTask<int> DeleteByUserAsync(string userTag, SessionKey? except, CancellationToken cancellationToken) =>
        Failing ? throw Failure() : Inner.DeleteByUserAsync(userTag, except, cancellationToken);

    private SessionStoreException Failure() => new(Name, "connection refused", new IOException("connection refused"));
}
