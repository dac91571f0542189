using Tessera.Sessions;

namespace Tessera.Stores;

/// <summary>
/// A named way to open a session store: what <c>Tessera:Store:Provider</c> and <c>tessera store --provider</c> name.
/// Each store package makes one (<c>SqliteStoreProvider.Create()</c>...) and registers it with its
/// <c>Add...Store()</c> call on <see cref="TesseraBuilder"/>.
/// </summary>
public sealed class SessionStoreProvider
{
    private readonly Func<SessionStoreContext, ISessionStore> _create;

    /// <summary>Creates a provider.</summary>
    /// <param name="name">The provider name, compared case-insensitively (<c>Sqlite</c>, <c>PostgreSql</c>...).</param>
    /// <param name="create">Opens the store; does no I/O (stores connect on first use).</param>
    /// <param name="requiresConnectionString">Whether <see cref="SessionStoreContext.ConnectionString"/> must be set (there is no default).</param>
    public SessionStoreProvider(string name, Func<SessionStoreContext, ISessionStore> create, bool requiresConnectionString = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(create);
        Name = name;
        _create = create;
        RequiresConnectionString = requiresConnectionString;
    }

    /// <summary>The provider name.</summary>
    public string Name { get; }

    /// <summary>Whether a connection string must be configured (no default exists).</summary>
    public bool RequiresConnectionString { get; }

    /// <summary>Opens the store; the caller disposes it when it is disposable.</summary>
    /// <exception cref="ArgumentException">The connection string or an option is invalid.</exception>
    /// <exception cref="SessionStoreException">The store does not exist and <see cref="SessionStoreContext.ExistingOnly"/> is set.</exception>
    public ISessionStore Create(SessionStoreContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (RequiresConnectionString && string.IsNullOrWhiteSpace(context.ConnectionString))
        {
            throw new ArgumentException($"The {Name} session store needs a connection string (Tessera:Store:ConnectionString).", nameof(context));
        }

        return _create(context);
    }
}
