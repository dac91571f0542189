using Tessera.Sessions;
using Tessera.Stores;

namespace Tessera.Tests.Sessions;

/// <summary>A memory store that counts the user-index calls it receives and the tags each one carried.</summary>
public sealed class CountingIndexStore(MemorySessionStore inner) : ISessionStore, IUserSessionIndex
{
    /// <summary>Every index call, in order: its name and the tags it asked for.</summary>
    public List<(string Call, int Tags)> Calls { get; } = [];

    public string Name => inner.Name;

    public ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken) => inner.LoadAsync(key, cancellationToken);

    public ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken) => inner.SaveAsync(record, expectedVersion, cancellationToken);

    public ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

    public ValueTask<IReadOnlyList<SessionRecord>> ListByUserAsync(string userTag, CancellationToken cancellationToken)
    {
        Calls.Add(("list", 1));
        return inner.ListByUserAsync(userTag, cancellationToken);
    }

    public ValueTask<int> DeleteByUserAsync(string userTag, SessionKey? except, CancellationToken cancellationToken)
    {
        Calls.Add(("delete", 1));
        return inner.DeleteByUserAsync(userTag, except, cancellationToken);
    }

    public ValueTask<IReadOnlyList<SessionRecord>> ListByUserTagsAsync(IReadOnlyCollection<string> userTags, CancellationToken cancellationToken)
    {
        Calls.Add(("list", userTags.Count));
        return inner.ListByUserTagsAsync(userTags, cancellationToken);
    }

    public ValueTask<int> DeleteByUserTagsAsync(IReadOnlyCollection<string> userTags, SessionKey? except, CancellationToken cancellationToken)
    {
        Calls.Add(("delete", userTags.Count));
        return inner.DeleteByUserTagsAsync(userTags, except, cancellationToken);
    }
}
