using Tessera.AspNetCore;

namespace Tessera.Demo;

/// <summary>Gives Tessera the demo users' current check values (their stamps, read from the user table on every request).</summary>
internal sealed class DemoCheckValues(DemoUsers users) : ITesseraCheckValueProvider
{
    public async ValueTask<string?> GetCheckValueAsync(string userId, CancellationToken cancellationToken) =>
        await users.CheckValueAsync(userId, cancellationToken).ConfigureAwait(false);
}
