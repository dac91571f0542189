using Tessera.Diagnostics;
using Tessera.Sessions;

namespace Tessera.Stores;

/// <summary>
/// Opens the session store a provider name chooses, for the ASP.NET Core registration and the <c>tessera</c> command
/// alike: one place for provider names, defaults and the error that names the package to add.
/// </summary>
public static class SessionStoreFactory
{
    /// <summary>The file store's directory when no connection string is given (relative to the working directory).</summary>
    public const string DefaultFileDirectory = "tessera-sessions";

    // Providers that live in a package of their own, for the error that says which package to add.
    private static readonly Dictionary<string, (string Package, string Call)> Packages = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Sqlite"] = ("Tessera.Sqlite", "AddSqliteStore()"),
        ["PostgreSql"] = ("Tessera.PostgreSql", "AddPostgreSqlStore()"),
        ["Redis"] = ("Tessera.Redis", "AddRedisStore()"),
        ["DistributedCache"] = ("Tessera", "AddDistributedCacheStore() (with an IDistributedCache registered)"),
    };

    /// <summary>Process memory (<c>Memory</c>): lost on restart, not shared between servers. Always available.</summary>
    public static SessionStoreProvider Memory { get; } = new("Memory", context => new MemorySessionStore(context.TimeProvider));

    /// <summary>One file per session under a directory (<c>File</c>; default <see cref="DefaultFileDirectory"/>). Always available.</summary>
    public static SessionStoreProvider File { get; } = new("File", context =>
    {
        var directory = Path.GetFullPath(context.ConnectionString ?? DefaultFileDirectory);
        if (context.ExistingOnly && !Directory.Exists(directory))
        {
            throw new SessionStoreException("file", $"the store directory '{directory}' does not exist", null);
        }

        return new FileSessionStore(directory, context.TimeProvider);
    });

    /// <summary>
    /// The provider <paramref name="name"/> names among <see cref="Memory"/>, <see cref="File"/> and
    /// <paramref name="registered"/> (case-insensitive; the last registration of a name wins); without a name, the one
    /// registered provider.
    /// </summary>
    /// <exception cref="ArgumentException">No such provider (the message names the package to add), or no name and not exactly one registered.</exception>
    public static SessionStoreProvider Select(string? name, IEnumerable<SessionStoreProvider> registered)
    {
        ArgumentNullException.ThrowIfNull(registered);
        var byName = new Dictionary<string, SessionStoreProvider>(StringComparer.OrdinalIgnoreCase);
        foreach (var provider in registered)
        {
            byName.Remove(provider.Name);
            byName[provider.Name] = provider;
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            return byName.Count switch
            {
                1 => byName.Values.Single(),
                0 => throw new ArgumentException(
                    "No session store is registered: add one to AddTessera(), such as .AddSqliteStore() (package Tessera.Sqlite, the embedded default), "
                    + ".AddPostgreSqlStore() or .AddRedisStore(), or set the provider to Memory or File."),
                _ => throw new ArgumentException(
                    $"Several session stores are registered ({string.Join(", ", byName.Keys)}): set the provider (Tessera:Store:Provider) to one of them."),
            };
        }

        if (byName.TryGetValue(name, out var found))
        {
            return found;
        }

        if (string.Equals(name, Memory.Name, StringComparison.OrdinalIgnoreCase))
        {
            return Memory;
        }

        if (string.Equals(name, File.Name, StringComparison.OrdinalIgnoreCase))
        {
            return File;
        }

        var available = string.Join(", ", byName.Keys.Append(Memory.Name).Append(File.Name));
        throw new ArgumentException(Packages.TryGetValue(name, out var package)
            ? $"The session store provider '{name}' is not registered: add the {package.Package} package and call .{package.Call} on AddTessera() (available now: {available})."
            : $"Unknown session store provider '{name}': use one of {available}, or add a store package (Tessera.Sqlite, Tessera.PostgreSql, Tessera.Redis) and its Add...Store() call.");
    }

    /// <summary>
    /// Opens the store <paramref name="name"/> chooses (see <see cref="Select"/>), measured: every call is timed on the
    /// <c>tessera.store.operation.duration</c> histogram of <see cref="SessionStoreContext.MeterFactory"/>'s meter and
    /// traced as a <c>tessera.store.*</c> span. The returned store has exactly the optional capabilities
    /// (<see cref="IUserSessionIndex"/>...) of the provider's store. The caller disposes it when it is disposable.
    /// </summary>
    /// <exception cref="ArgumentException">No such provider, or an invalid connection string or option.</exception>
    /// <exception cref="SessionStoreException">The store does not exist and <see cref="SessionStoreContext.ExistingOnly"/> is set.</exception>
    public static ISessionStore Create(string? name, IEnumerable<SessionStoreProvider> registered, SessionStoreContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return InstrumentedSessionStore.Wrap(Select(name, registered).Create(context), TesseraMetrics.For(context.MeterFactory));
    }
}
