using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tessera.Stores;

/// <summary>What a <see cref="SessionStoreProvider"/> opens a store with: the same inputs for the application and the <c>tessera</c> command.</summary>
public sealed record SessionStoreContext
{
    /// <summary>
    /// How to reach the store (<c>Tessera:Store:ConnectionString</c>, <c>tessera store --connection</c>): an ADO.NET
    /// connection string for SQLite and PostgreSQL, a StackExchange.Redis configuration for Redis, a directory for the file store.
    /// </summary>
    /// <value>The default is <see langword="null"/>: the provider's default, when it has one.</value>
    public string? ConnectionString { get; init; }

    /// <summary>The clock the store decides expiry with.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the store logs.</summary>
    /// <value>The default logs nowhere.</value>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Where the <c>Tessera</c> meter that times store calls comes from.</summary>
    /// <value>The default is <see langword="null"/>: a process-wide meter (no container, as in the <c>tessera</c> command).</value>
    public IMeterFactory? MeterFactory { get; init; }

    /// <summary>The application's services, for providers that adapt one (such as an <c>IDistributedCache</c>).</summary>
    /// <value>The default is <see langword="null"/> (no container, as in the <c>tessera</c> command).</value>
    public IServiceProvider? Services { get; init; }

    /// <summary>
    /// Opens an existing store only, as operator commands do: no database, file or directory is created, no schema is
    /// created or migrated; a missing one is a <see cref="Sessions.SessionStoreException"/> that says so.
    /// </summary>
    /// <value>The default is <see langword="false"/>: the application creates and migrates its store on first use.</value>
    public bool ExistingOnly { get; init; }
}
