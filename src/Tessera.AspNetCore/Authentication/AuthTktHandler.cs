using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Tickets;

namespace Tessera.AspNetCore;

/// <summary>
/// Reads auth_tkt tickets into a <see cref="ClaimsPrincipal"/> (user id as NameIdentifier and Name, one Role claim per
/// token, the user data as <see cref="AuthTktDefaults.UserDataClaimType"/>) and issues, refreshes and clears them, so a
/// .NET application and an Apache mod_auth_tkt site share one login.
/// </summary>
internal sealed class AuthTktHandler : SignInAuthenticationHandler<AuthTktOptions>
{
    private static readonly ConditionalWeakTable<AuthTktOptions, TicketPair> Tickets = [];

    private readonly TesseraHttpMetrics _metrics;
    private readonly IMeterFactory _meterFactory;

    /// <summary>Created by the authentication system.</summary>
    public AuthTktHandler(IOptionsMonitor<AuthTktOptions> options, ILoggerFactory logger, UrlEncoder encoder, TesseraHttpMetrics metrics, IMeterFactory meterFactory)
        : base(options, logger, encoder)
    {
        _metrics = metrics;
        _meterFactory = meterFactory;
    }

    // Looked up first so the request path allocates no closure; created once per options instance.
    private TicketPair Pair => Tickets.TryGetValue(Options, out var pair) ? pair : Tickets.GetValue(Options, CreatePair);

    // The validator logs (with a fingerprint, never the ticket) and counts each verdict; the handler does neither again.
    private TicketPair CreatePair(AuthTktOptions o)
    {
        var ticketOptions = o.ToTicketOptions();
        var time = o.TimeProvider ?? TimeProvider.System;
        return new TicketPair(new TicketIssuer(ticketOptions, time), new TicketValidator(ticketOptions, time, Logger, _meterFactory));
    }

    private CookieSettings Cookie => new(Options.CookiePath, Options.CookieDomain, Options.Secure, Options.HttpOnly, Options.SameSite);

    /// <summary>
    /// Validates the request's ticket. In an application with Tessera sessions (<c>app.UseTessera()</c> before
    /// authentication), a ticket issued at or before the user's last sign-out, revocation or password change is refused,
    /// and a ticket is re-issued (when due for refresh, or when it was ended that way) only for a live signed-in session of
    /// the same user, never for a mere valid ticket. Without Tessera sessions, a ticket due for refresh is re-issued as
    /// mod_auth_tkt does.
    /// </summary>
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // Several Cookie lines are searched as one, as Apache searches each; StringValues would join them with ','.
        var cookies = Request.Headers.Cookie;
        var header = cookies.Count > 1 ? string.Join("; ", (IEnumerable<string?>)cookies) : cookies.ToString();
        if (string.IsNullOrEmpty(header) || !HasOurCookie(header))
        {
            return AuthenticateResult.NoResult();
        }

        var verdict = Pair.Validator.ValidateCookieHeader(header, TicketAddress());
        if (!verdict.IsValid)
        {
            return AuthenticateResult.Fail(NotAccepted);
        }

        var ticket = verdict.Ticket!;
        if (Context.Features.Get<ITesseraSessionFeature>() is not null)
        {
            var forLiveSession = HasLiveSession(Context, ticket.UserId);
            var cutoff = Cutoffs is { } cutoffs ? await cutoffs.GetAsync(ticket.UserId, Context.RequestAborted).ConfigureAwait(false) : null;
            var ended = cutoff is { } at && !AuthTktCutoffs.IsAfter(ticket.IssuedAt, at);
            if (ended && !forLiveSession)
            {
                // The validator accepted (and counted) it; ending it by the user's cutoff is this handler's verdict.
                Log.TicketEnded(Logger);
                _metrics.TicketsEnded.Add(1);
                return AuthenticateResult.Fail(NotAccepted);
            }

            if (forLiveSession && (ended || verdict.RefreshCookieValue is not null) && !Response.HasStarted)
            {
                var fresh = ticket with { IssuedAt = AuthTktCutoffs.IssueTime(TimeProvider.GetUtcNow(), cutoff), ClientIp = TicketAddress() };
                Refreshed(Pair.Issuer.IssueCookieValue(fresh));
            }
        }
        else if (verdict.RefreshCookieValue is { } refreshed && !Response.HasStarted)
        {
            Refreshed(refreshed);
        }

        var identity = new ClaimsIdentity(Scheme.Name, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, ticket.UserId, ClaimValueTypes.String, ClaimsIssuer));
        identity.AddClaim(new Claim(ClaimTypes.Name, ticket.UserId, ClaimValueTypes.String, ClaimsIssuer));
        foreach (var token in ticket.Tokens)
        {
            if (token.Length > 0)
            {
                identity.AddClaim(new Claim(ClaimTypes.Role, token, ClaimValueTypes.String, ClaimsIssuer));
            }
        }

        identity.AddClaim(new Claim(AuthTktDefaults.UserDataClaimType, ticket.UserData, ClaimValueTypes.String, ClaimsIssuer));
        var properties = new AuthenticationProperties { IssuedUtc = ticket.IssuedAt };
        if (ticket.IssuedAt is { } issued && Options.Timeout > TimeSpan.Zero)
        {
            properties.ExpiresUtc = issued + Options.Timeout;
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), properties, Scheme.Name));
    }

    /// <summary>Whether the request's Tessera session is signed in as <paramref name="userId"/>.</summary>
    internal static bool HasLiveSession(HttpContext context, string? userId) =>
        userId is not null
        && context.Features.Get<ITesseraSessionFeature>() is TesseraSessionFeature { IsMaterialized: true } feature
        && string.Equals(feature.Current.UserId, userId, StringComparison.Ordinal);

    private AuthTktCutoffs? Cutoffs => Context.RequestServices.GetService<AuthTktCutoffs>();

    private const string NotAccepted = "The auth_tkt ticket was not accepted.";

    // Counted by the validator when it was due for refresh (tessera.ticket.refreshes); not counted again here.
    private void Refreshed(string cookieValue)
    {
        CookieHeader.Append(Response, Options.CookieName, cookieValue, Cookie, maxAge: null);
        Log.TicketRefreshed(Logger);
        Context.Items[RefreshedKey] = true;
    }

    /// <summary>Issues a ticket for <paramref name="user"/>: NameIdentifier (or Name) as user id, Role claims as tokens, the user data claim as user data.</summary>
    protected override async Task HandleSignInAsync(ClaimsPrincipal user, AuthenticationProperties? properties)
    {
        ArgumentNullException.ThrowIfNull(user);
        var userId = user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? user.Identity?.Name
            ?? throw new InvalidOperationException("The principal to sign in has no NameIdentifier or Name claim: add one with the user id.");
        if (IsIPv6ClientWhileBinding())
        {
            if (Options.IPv6Policy == AuthTktIPv6Policy.RefuseSignIn)
            {
                AuthTktLog.IPv6SignInRefused(Logger);
                throw new AuthTktSignInRefusedException(
                    "auth_tkt sign-in refused: the client connected over IPv6, which an auth_tkt ticket cannot be bound to, and AuthTkt:IPv6Policy is RefuseSignIn. "
                    + "Nothing was issued; sign the user in over IPv4, or set AuthTkt:IPv6Policy to IssueUnbound or AuthTkt:IgnoreIp to true.");
            }

            if (Interlocked.Exchange(ref Pair.IPv6Logged, 1) == 0)
            {
                AuthTktLog.UnboundTicketForIPv6(Logger);
            }
        }

        // A ticket must outlive the user's last sign-out or revocation: dated after it, by a second at most.
        var cutoff = Context.Features.Get<ITesseraSessionFeature>() is not null && Cutoffs is { } cutoffs
            ? await cutoffs.GetAsync(userId, Context.RequestAborted).ConfigureAwait(false)
            : null;
        var ticket = new AuthTicket
        {
            UserId = userId,
            IssuedAt = cutoff is null ? null : AuthTktCutoffs.IssueTime(TimeProvider.GetUtcNow(), cutoff),
            Tokens = [.. user.FindAll(ClaimTypes.Role).Select(c => c.Value)],
            UserData = user.FindFirst(AuthTktDefaults.UserDataClaimType)?.Value ?? string.Empty,
            ClientIp = TicketAddress(),
        };
        var value = Pair.Issuer.IssueCookieValue(ticket);
        TimeSpan? maxAge = properties?.IsPersistent == true && Options.Timeout > TimeSpan.Zero ? Options.Timeout : null;
        CookieHeader.Append(Response, Options.CookieName, value, Cookie, maxAge);
        _metrics.TicketsIssued.Add(1);
    }

    /// <summary>Clears the ticket cookie.</summary>
    protected override Task HandleSignOutAsync(AuthenticationProperties? properties)
    {
        CookieHeader.Delete(Response, Options.CookieName, Cookie);
        return Task.CompletedTask;
    }

    /// <summary>401, or a redirect to <see cref="AuthTktOptions.LoginPath"/> with <c>back=</c> the original URL.</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Options.LoginPath is { } login)
        {
            var back = properties?.RedirectUri ?? (Request.PathBase + Request.Path + Request.QueryString).ToString();
            Response.Redirect(login + (login.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "back=" + Uri.EscapeDataString(back));
            return Task.CompletedTask;
        }

        return base.HandleChallengeAsync(properties!);
    }

    /// <summary>The key under <see cref="HttpContext.Items"/> set when this request's ticket was re-issued.</summary>
    internal const string RefreshedKey = "Tessera.AuthTkt.Refreshed";

    // The address the ticket binds: an IPv4-mapped client as its IPv4; an IPv6 client under IssueUnbound as 0.0.0.0
    // (the unbound ticket); under RefuseSignIn the IPv6 address itself, which the validator rejects as UnsupportedClientIp.
    private IPAddress? TicketAddress()
    {
        var ip = Context.Connection.RemoteIpAddress;
        if (ip is { IsIPv4MappedToIPv6: true })
        {
            return ip.MapToIPv4();
        }

        return IsIPv6ClientWhileBinding() && Options.IPv6Policy == AuthTktIPv6Policy.IssueUnbound ? IPAddress.Any : ip;
    }

    private bool IsIPv6ClientWhileBinding() =>
        !Options.IgnoreIp && Context.Connection.RemoteIpAddress is { AddressFamily: AddressFamily.InterNetworkV6, IsIPv4MappedToIPv6: false };

    private bool HasOurCookie(string header) =>
        header.StartsWith(Options.CookieName + "=", StringComparison.Ordinal)
        || header.Contains(" " + Options.CookieName + "=", StringComparison.Ordinal)
        || header.Contains(";" + Options.CookieName + "=", StringComparison.Ordinal);

    private sealed class TicketPair(TicketIssuer issuer, TicketValidator validator)
    {
        /// <summary>1 once the unbound-ticket warning for IPv6 clients was logged: once per scheme and process (options reloads aside).</summary>
        public int IPv6Logged;

        public TicketIssuer Issuer { get; } = issuer;

        public TicketValidator Validator { get; } = validator;
    }
}
