using Microsoft.Extensions.Options;
using Tessera.Stores;

namespace Tessera.AspNetCore;

/// <summary>
/// Checks at start-up (server mode) that <c>Tessera:Store:Provider</c> names a registered store (else the failure names
/// the package to add) and that a store without a default has its connection string.
/// </summary>
internal sealed class TesseraStoreValidator(IEnumerable<SessionStoreProvider> registered) : IValidateOptions<TesseraOptions>
{
    public ValidateOptionsResult Validate(string? name, TesseraOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Mode != TesseraMode.Server)
        {
            return ValidateOptionsResult.Success;
        }

        SessionStoreProvider provider;
        try
        {
            provider = SessionStoreFactory.Select(options.Store.Provider, registered);
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail($"Tessera:Store:Provider: {e.Message}");
        }

        return provider.RequiresConnectionString && string.IsNullOrWhiteSpace(options.Store.ConnectionString)
            ? ValidateOptionsResult.Fail($"Tessera:Store:ConnectionString is required for the {provider.Name} store "
                + "(e.g. 'Host=db;Username=tessera;Password=...;Database=tessera' for PostgreSql, 'redis.example:6379' for Redis), or pass it to its Add...Store() call.")
            : ValidateOptionsResult.Success;
    }
}
