using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tessera.AspNetCore;
using Tessera.Sqlite;

namespace Tessera.HttpBench;

/// <summary>
/// The session cases both request benchmarks run, in one place so they measure the same application: bench/http
/// (Kestrel, driven by wrk) and Tessera.Benchmarks' RequestPath (the middleware pipeline in process, which links this file).
/// Modes: <c>aspnet-session</c>, <c>tessera-cookie</c>, <c>tessera-memory</c>, <c>tessera-sqlite</c>,
/// <c>tessera-sqlite-durable</c>, <c>tessera-untouched</c>, <c>tessera-sqlite-untouched</c>.
/// </summary>
internal static class SessionBenchApp
{
    /// <summary>A fixed 32-byte secret in hex, so runs are comparable.</summary>
    public static readonly string Secret = Convert.ToHexStringLower([.. Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + 1))]);

    /// <summary>Registers the session services of <paramref name="mode"/>; false when it is not a session mode.</summary>
    /// <param name="dataDirectory">Where the SQLite modes keep their database; created when one needs it.</param>
    public static bool AddSessions(IServiceCollection services, string mode, string dataDirectory)
    {
        switch (mode)
        {
            case "aspnet-session":
                services.AddDistributedMemoryCache();
                services.AddSession(o => o.Cookie.SecurePolicy = CookieSecurePolicy.None);
                return true;
            case "tessera-cookie":
            case "tessera-memory":
            case "tessera-sqlite":
            case "tessera-sqlite-durable":
            case "tessera-sqlite-untouched":
            case "tessera-untouched":
                var sqlite = mode.StartsWith("tessera-sqlite", StringComparison.Ordinal);
                if (sqlite)
                {
                    Directory.CreateDirectory(dataDirectory);
                }

                services.AddTessera(o =>
                {
                    o.Secrets.Add(Secret);
                    o.Cookie.SecurePolicy = CookieSecurePolicy.None;
                    o.Mode = mode == "tessera-cookie" ? TesseraMode.Cookie : TesseraMode.Server;
                    o.Store.Provider = sqlite ? "Sqlite" : "Memory";
                    o.Store.ConnectionString = sqlite ? "Data Source=" + Path.Combine(dataDirectory, "bench.db") : null;
                }).AddSqliteStore(configure: o => o.DurableCommits = mode == "tessera-sqlite-durable");
                return true;
            default:
                return false;
        }
    }

    /// <summary>Adds the session middleware of a mode <see cref="AddSessions"/> set up.</summary>
    public static void UseSessions(IApplicationBuilder app, string mode)
    {
        if (mode == "aspnet-session")
        {
            app.UseSession();
        }
        else
        {
            app.UseTessera();
        }
    }

    /// <summary>GET /init: creates the session with a counter and a user name.</summary>
    public static async Task InitAsync(HttpContext context)
    {
        await context.Session.LoadAsync();
        context.Session.SetInt32("n", 0);
        context.Session.SetString("user", "bench-user");
    }

    /// <summary>GET /work: reads and writes the session (the counter goes up by one).</summary>
    public static async Task WorkAsync(HttpContext context)
    {
        await context.Session.LoadAsync();
        context.Session.SetInt32("n", (context.Session.GetInt32("n") ?? 0) + 1);
    }

    /// <summary>GET /read: reads the session without changing it; false when it did not load.</summary>
    public static async Task<bool> ReadAsync(HttpContext context)
    {
        await context.Session.LoadAsync();
        return context.Session.GetString("user") is not null;
    }
}
