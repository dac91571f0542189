using Microsoft.Extensions.Logging;
using Tessera.Stores;

namespace Tessera.PostgreSql;

/// <summary>The <c>PostgreSql</c> store provider, for <c>Tessera:Store:Provider</c> and <c>tessera store --provider postgresql</c>.</summary>
public static class PostgreSqlStoreProvider
{
    /// <summary>The provider name.</summary>
    public const string Name = "PostgreSql";

    /// <summary>The provider: <paramref name="connectionString"/>, else the configured one (required: there is no default).</summary>
    public static SessionStoreProvider Create(string? connectionString = null, Action<PostgreSqlSessionStoreOptions>? configure = null) =>
        new(Name, context =>
        {
            var options = new PostgreSqlSessionStoreOptions { ConnectionString = connectionString ?? context.ConnectionString };
            configure?.Invoke(options);
            options.CreateSchema &= !context.ExistingOnly;
            return new PostgreSqlSessionStore(options, context.TimeProvider, context.LoggerFactory.CreateLogger<PostgreSqlSessionStore>());
        }, requiresConnectionString: connectionString is null);
}
