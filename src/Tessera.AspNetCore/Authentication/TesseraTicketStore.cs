using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Sessions;

namespace Tessera.AspNetCore;

/// <summary>
/// Cookie authentication's <see cref="ITicketStore"/> on Tessera's server-side sessions. The cookie carries only the
/// session handle (inside cookie authentication's data-protected cookie); the store keeps the hashed key and the ticket
/// sealed under the handle's data key, tagged with the user for listing and revocation.
/// </summary>
/// <remarks>
/// Per authenticated request: one store read; a write at most once per <c>Tessera:ReissueTime</c> (the last-seen time
/// and idle expiry) and on cookie renewal. The session's idle timeout is the ticket's lifetime (<c>ExpireTimeSpan</c>),
/// so sliding expiration slides the server record too.
/// </remarks>
internal sealed class TesseraTicketStore : ITicketStore
{
    private const string TicketValueKey = "ticket";

    private readonly SessionManager _manager;
    private readonly SecurityStampMarkers _stamps;
    private readonly IOptionsMonitor<TesseraTicketStoreOptions> _options;
    private readonly ILogger _logger;

    public TesseraTicketStore(SessionManager manager, SecurityStampMarkers stamps, IOptionsMonitor<TesseraTicketStoreOptions> options, ILogger<TesseraTicketStore> logger)
    {
        _manager = manager;
        _stamps = stamps;
        _options = options;
        _logger = logger;
    }

    public Task<string> StoreAsync(AuthenticationTicket ticket) => StoreAsync(ticket, null, CancellationToken.None);

    public Task<string> StoreAsync(AuthenticationTicket ticket, CancellationToken cancellationToken) => StoreAsync(ticket, null, cancellationToken);

    public async Task<string> StoreAsync(AuthenticationTicket ticket, HttpContext? httpContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var options = _options.CurrentValue;
        var userId = ticket.Principal.FindFirstValue(options.UserIdClaimType)
            ?? throw new InvalidOperationException($"The Tessera ticket store lists sessions by user: the signed-in principal needs a '{options.UserIdClaimType}' claim (or set TesseraTicketStoreOptions.UserIdClaimType).");
        var stamp = ticket.Principal.FindFirstValue(options.SecurityStampClaimType);
        var session = await _manager.LoadAsync(null, ClientOf(httpContext), cancellationToken).ConfigureAwait(false);
        Put(session, ticket, options);
        // The check value is unused here: a stamp change revokes the other sessions when it happens (SecurityStampMarkers).
        await _manager.SignInAsync(session, userId, string.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);
        var saved = await _manager.CommitAsync(session, cancellationToken).ConfigureAwait(false);
        if (stamp is not null)
        {
            await _stamps.RecordAsync(userId, stamp, cancellationToken).ConfigureAwait(false);
        }

        if (httpContext is not null)
        {
            FeatureOf(httpContext).Session = session;
        }

        return saved.CookieValue ?? throw new InvalidOperationException("A signed-in session has a cookie value.");
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) => RenewAsync(key, ticket, null, CancellationToken.None);

    public Task RenewAsync(string key, AuthenticationTicket ticket, CancellationToken cancellationToken) => RenewAsync(key, ticket, null, cancellationToken);

    public async Task RenewAsync(string key, AuthenticationTicket ticket, HttpContext? httpContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var options = _options.CurrentValue;
        var session = await _manager.LoadAsync(key, ClientOf(httpContext), cancellationToken).ConfigureAwait(false);
        if (!session.IsAuthenticated)
        {
            // Revoked or expired meanwhile: nothing to renew; the next request is anonymous.
            return;
        }

        if (!string.Equals(session.UserId, ticket.Principal.FindFirstValue(options.UserIdClaimType), StringComparison.Ordinal))
        {
            // Cookie authentication renews under the same key when someone signs in over a live cookie; a session
            // never changes hands, so it ends and the next request is anonymous.
            TicketStoreLog.UserSwitched(_logger, session.Fingerprint);
            await _manager.SignOutAsync(session, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (ticket.Principal.FindFirstValue(options.SecurityStampClaimType) is { } stamp
            && await _stamps.HasChangedAsync(session.UserId!, stamp, cancellationToken).ConfigureAwait(false)
            && Read(session)?.Principal.FindFirstValue(options.SecurityStampClaimType) is { } storedStamp)
        {
            // A sliding renewal by the request that changed the password carries the stamp from before the change:
            // keep the one the change stored (ReplaceStampAsync), so this device stays signed in.
            SetStamp(ticket, options, storedStamp);
        }

        Put(session, ticket, options);
        await CommitAsync(session, cancellationToken).ConfigureAwait(false);
        if (httpContext is not null)
        {
            FeatureOf(httpContext).Session = session;
        }
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, null, CancellationToken.None);

    public Task<AuthenticationTicket?> RetrieveAsync(string key, CancellationToken cancellationToken) => RetrieveAsync(key, null, cancellationToken);

    public async Task<AuthenticationTicket?> RetrieveAsync(string key, HttpContext? httpContext, CancellationToken cancellationToken)
    {
        ServerSession session;
        try
        {
            session = await _manager.LoadAsync(key, ClientOf(httpContext), cancellationToken).ConfigureAwait(false);
        }
        catch (SessionStoreException ex) when (httpContext is not null)
        {
            // Cookie authentication turns any exception into "not authenticated"; remember it so the request gets 503.
            FeatureOf(httpContext).Failure = ex;
            throw;
        }

        if (!session.IsAuthenticated)
        {
            return null;
        }

        var ticket = Read(session);
        if (ticket is null)
        {
            TicketStoreLog.TicketUnreadable(_logger, session.Fingerprint);
            await _manager.SignOutAsync(session, cancellationToken).ConfigureAwait(false);
            return null;
        }

        // Writes only when the touch interval has passed (last seen, idle expiry); otherwise frees the cipher.
        await CommitAsync(session, cancellationToken).ConfigureAwait(false);
        if (httpContext is not null)
        {
            FeatureOf(httpContext).Session = session;
        }

        return ticket;
    }

    public Task RemoveAsync(string key) => RemoveAsync(key, null, CancellationToken.None);

    public Task RemoveAsync(string key, CancellationToken cancellationToken) => RemoveAsync(key, null, cancellationToken);

    public async Task RemoveAsync(string key, HttpContext? httpContext, CancellationToken cancellationToken)
    {
        if (SessionHandle.TryParse(key, out var handle))
        {
            await _manager.Store.DeleteAsync(handle!.Key, cancellationToken).ConfigureAwait(false);
        }

        if (httpContext?.Features.Get<TesseraTicketFeature>() is { } feature)
        {
            feature.Session = null;
        }
    }

    /// <summary>Replaces the security stamp inside a session's ticket (the device that changed it stays signed in) and saves it.</summary>
    internal async ValueTask ReplaceStampAsync(ServerSession session, string stamp, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        if (Read(session) is not { } ticket)
        {
            return;
        }

        SetStamp(ticket, options, stamp);
        session[TicketValueKey] = Encode(ticket);
        await CommitAsync(session, cancellationToken).ConfigureAwait(false);
    }

    internal static TesseraTicketFeature FeatureOf(HttpContext context)
    {
        var feature = context.Features.Get<TesseraTicketFeature>();
        if (feature is null)
        {
            feature = new TesseraTicketFeature();
            context.Features.Set(feature);
        }

        return feature;
    }

    private static SessionClientInfo ClientOf(HttpContext? context) =>
        context is null ? SessionClientInfo.None : ServerSessionServices.ClientOf(context);

    private static void Put(ServerSession session, AuthenticationTicket ticket, TesseraTicketStoreOptions options)
    {
        session[TicketValueKey] = Encode(ticket);
        if (ticket.Properties.ExpiresUtc is { } expires && ticket.Properties.IssuedUtc is { } issued && expires > issued
            && session.IdleTimeout != expires - issued)
        {
            session.IdleTimeout = expires - issued;
        }

        if (session.Lifetime != options.AbsoluteLifetime)
        {
            session.Lifetime = options.AbsoluteLifetime;
        }
    }

    private static void SetStamp(AuthenticationTicket ticket, TesseraTicketStoreOptions options, string stamp)
    {
        foreach (var identity in ticket.Principal.Identities)
        {
            foreach (var old in identity.FindAll(options.SecurityStampClaimType).ToList())
            {
                identity.RemoveClaim(old);
                identity.AddClaim(new Claim(options.SecurityStampClaimType, stamp, old.ValueType, old.Issuer, old.OriginalIssuer));
            }
        }
    }

    private static JsonValue Encode(AuthenticationTicket ticket) =>
        JsonValue.Create(Convert.ToBase64String(TicketSerializer.Default.Serialize(ticket)));

    private static AuthenticationTicket? Read(ServerSession session)
    {
        if (session[TicketValueKey] is not JsonValue value || !value.TryGetValue<string>(out var text))
        {
            return null;
        }

        var bytes = new byte[text.Length * 3 / 4];
        if (!Convert.TryFromBase64String(text, bytes, out var written))
        {
            return null;
        }

        try
        {
            return TicketSerializer.Default.Deserialize(bytes.AsSpan(0, written).ToArray());
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ArgumentException or FormatException)
        {
            return null;
        }
    }

    private async ValueTask CommitAsync(ServerSession session, CancellationToken cancellationToken)
    {
        try
        {
            await _manager.CommitAsync(session, cancellationToken).ConfigureAwait(false);
        }
        catch (SessionConflictException ex)
        {
            // Another request of the same device saved first (or the session was revoked): its write stands.
            TicketStoreLog.TouchDropped(_logger, session.Fingerprint, ex.Message);
        }
    }
}
