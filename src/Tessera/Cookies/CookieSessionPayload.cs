using System.Text.Json.Nodes;

namespace Tessera.Cookies;

/// <summary>What a cookie session carries: the application's dictionary and its two times.</summary>
public sealed class CookieSessionPayload
{
    /// <summary>Creates a payload.</summary>
    /// <param name="data">The session dictionary (JSON values only).</param>
    /// <param name="created">When the session was created.</param>
    /// <param name="renewed">When the cookie was last issued (Beaker's accessed time, Pyramid's renewed time).</param>
    public CookieSessionPayload(JsonObject data, DateTimeOffset created, DateTimeOffset renewed)
    {
        ArgumentNullException.ThrowIfNull(data);
        Data = data;
        Created = created;
        Renewed = renewed;
    }

    /// <summary>The application's session dictionary, without the format's own bookkeeping keys.</summary>
    public JsonObject Data { get; }

    /// <summary>When the session was created; carried unchanged from cookie to cookie.</summary>
    public DateTimeOffset Created { get; }

    /// <summary>When the cookie was last issued; the idle timeout counts from here.</summary>
    public DateTimeOffset Renewed { get; }

    /// <summary>A payload for a new session created at <paramref name="now"/>.</summary>
    public static CookieSessionPayload CreateNew(JsonObject data, DateTimeOffset now) => new(data, now, now);

    /// <summary>The same session renewed at <paramref name="now"/> (what a re-issue writes).</summary>
    public CookieSessionPayload RenewedAt(DateTimeOffset now) => new(Data, Created, now);
}
