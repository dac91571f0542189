using Microsoft.Extensions.Logging;
using Tessera.Stores;

namespace Tessera.Redis;

/// <summary>The <c>Redis</c> store provider, for <c>Tessera:Store:Provider</c> and <c>tessera store --provider redis</c>.</summary>
public static class RedisStoreProvider
{
    /// <summary>The provider name.</summary>
    public const string Name = "Redis";

    /// <summary>The provider: <paramref name="connectionString"/>, else the configured one (required: there is no default).</summary>
    public static SessionStoreProvider Create(string? connectionString = null, Action<RedisSessionStoreOptions>? configure = null) =>
        new(Name, context =>
        {
            var options = new RedisSessionStoreOptions { ConnectionString = connectionString ?? context.ConnectionString };
            configure?.Invoke(options);
            return new RedisSessionStore(options, context.TimeProvider, context.LoggerFactory.CreateLogger<RedisSessionStore>());
        }, requiresConnectionString: connectionString is null);
}
