namespace Tessera.Demo;

/// <summary>The demo's own settings (configuration section <c>Demo</c>).</summary>
public sealed class DemoOptions
{
    /// <summary>
    /// Users to create (<c>Demo:Users:alice = alice-password</c>): a name is added to the user table, its password
    /// hashed, the first time the demo starts with it; from then on its password lives in the database.
    /// </summary>
    /// <value>appsettings.json gives alice / alice-password and bob / bob-password.</value>
    public Dictionary<string, string> Users { get; } = new(StringComparer.Ordinal);

    /// <summary>The SQLite database of the user table (a connection string or a bare file path).</summary>
    /// <value>
    /// The default is <see langword="null"/>: the session store's SQLite file when <c>Tessera:Store:Provider</c> is
    /// <c>Sqlite</c>, else <c>tessera-users.db</c> in the working directory.
    /// </value>
    public string? UsersDatabase { get; set; }

    /// <summary>Whether the sign-in page shows the configured users and their first passwords.</summary>
    /// <value>The default is <see langword="true"/>: it is a demo.</value>
    public bool ShowCredentials { get; set; } = true;

    /// <summary>Sign-in attempts allowed from one client IP address per <see cref="LoginWindow"/>.</summary>
    /// <value>The default is 20.</value>
    public int LoginAttemptsPerClient { get; set; } = 20;

    /// <summary>Sign-in attempts allowed for one user name (from anywhere) per <see cref="LoginWindow"/>.</summary>
    /// <value>The default is 10.</value>
    public int LoginAttemptsPerUser { get; set; } = 10;

    /// <summary>The fixed window the two sign-in limits count in.</summary>
    /// <value>The default is one minute.</value>
    public TimeSpan LoginWindow { get; set; } = TimeSpan.FromMinutes(1);
}
