using Tessera.Sessions;
using Tessera.Stores;

namespace Tessera.Tests.Stores;

/// <summary>A memory store under a unique name, so a test tells its own spans apart from those of tests running beside it.</summary>
internal sealed class NamedStore : ISessionStore
{
    private readonly MemorySessionStore _inner = new();

    public string Name { get; } = "memory-" + Guid.NewGuid().ToString("N");

    public ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken) => _inner.LoadAsync(key, cancellationToken);

    public ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken) => _inner.SaveAsync(record, expectedVersion, cancellationToken);

    public ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken) => _inner.DeleteAsync(key, cancellationToken);
}
