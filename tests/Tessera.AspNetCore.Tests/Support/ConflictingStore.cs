using Tessera.Sessions;
using Tessera.Stores;

namespace Tessera.AspNetCore.Tests.Support;

/// <summary>A memory store that, once <see cref="Conflicting"/> is set, reports every update as lost to another writer.</summary>
public sealed class ConflictingStore : ISessionStore
{
    private readonly MemorySessionStore _inner = new();

    public bool Conflicting { get; set; }

    public string Name => "conflicting";

    public ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken) => _inner.LoadAsync(key, cancellationToken);

    public ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken) =>
        Conflicting && expectedVersion > 0 ? ValueTask.FromResult(SaveResult.Conflict) : _inner.SaveAsync(record, expectedVersion, cancellationToken);

    public ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken) => _inner.DeleteAsync(key, cancellationToken);
}
