using Tessera.AspNetCore;

namespace Tessera.Demo;

/// <summary>Gives Tessera the demo users' current check values.</summary>
internal sealed class DemoCheckValues(DemoUsers users) : ITesseraCheckValueProvider
{
    public ValueTask<string?> GetCheckValueAsync(string userId, CancellationToken cancellationToken) => ValueTask.FromResult(users.CheckValue(userId));
}
