using System.Collections.Concurrent;

namespace Tessera.AspNetCore.Tests.Support;

/// <summary>Check values a test can change, as a password change would.</summary>
public sealed class MutableCheckValues : ITesseraCheckValueProvider
{
    public ConcurrentDictionary<string, string> Values { get; } = new();

    public ValueTask<string?> GetCheckValueAsync(string userId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Values.TryGetValue(userId, out var v) ? v : null);
}
