using Tessera.Stores;

namespace Tessera.Redis;

/// <summary>Registers the Redis session store on <see cref="TesseraBuilder"/>.</summary>
public static class TesseraRedisExtensions
{
    /// <summary>
    /// Adds the Redis store (provider name <c>Redis</c>): the application's store when it is the only one registered or
    /// <c>Tessera:Store:Provider</c> names it. Redis is <paramref name="connectionString"/>
    /// (<c>host:port[,password=...][,ssl=true]</c>), else <c>Tessera:Store:ConnectionString</c>.
    /// </summary>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentException">The connection string is given but blank or unparsable, or an option is invalid.</exception>
    public static TesseraBuilder AddRedisStore(this TesseraBuilder builder, string? connectionString = null, Action<RedisSessionStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // Misuse shows at registration rather than on the first request.
        var options = new RedisSessionStoreOptions { ConnectionString = connectionString };
        configure?.Invoke(options);
        options.Validate(requireConnectionString: connectionString is not null);
        if (connectionString is not null)
        {
            RedisSessionStore.ParseConfiguration(connectionString);
        }

        return builder.AddStoreProvider(RedisStoreProvider.Create(connectionString, configure));
    }
}
