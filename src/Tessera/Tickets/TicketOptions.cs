using Tessera.Keys;

namespace Tessera.Tickets;

/// <summary>
/// Settings shared by <see cref="TicketIssuer"/> and <see cref="TicketValidator"/>. The defaults follow Apache
/// mod_auth_tkt where it is safe and the spec's recommendations where the peers are lax (docs/tickets.md).
/// </summary>
public sealed class TicketOptions
{
    /// <summary>The shortest secret accepted: 16 bytes. The construction lets a ticket holder brute-force the secret offline.</summary>
    public const int MinimumSecretLength = Keyring.DefaultMinimumLength;

    /// <summary>The digest construction (Apache's <c>TKTAuthDigestType</c>, or plone's HMAC).</summary>
    /// <value>The default is <see cref="TicketScheme.Sha512"/>, the strongest scheme Apache reads.</value>
    public TicketScheme Scheme { get; set; } = TicketScheme.Sha512;

    /// <summary>The secrets as raw bytes, newest first: the first signs, every one verifies (Apache's <c>TKTAuthSecret</c> then <c>TKTAuthSecretOld</c>; plone.keyring). Set this or <see cref="Keyring"/>.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public IReadOnlyList<byte[]>? Secrets { get; set; }

    /// <summary>The secrets as a <see cref="Keys.Keyring"/>, newest first. Set this or <see cref="Secrets"/>. The raw secrets are used as they are (no key derivation), as the peers do.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Keyring? Keyring { get; set; }

    /// <summary>Secrets that no longer verify but are still recognised, so a ticket signed with one is reported as <see cref="TicketRejection.WrongSecret"/> instead of <see cref="TicketRejection.BadDigest"/>. Checked only when a ticket is being rejected.</summary>
    /// <value>The default is none.</value>
    public IReadOnlyList<byte[]> RetiredSecrets { get; set; } = [];

    /// <summary>How long a ticket lives after it was issued (<c>TKTAuthTimeout</c>). <see cref="TimeSpan.Zero"/> disables the check, which makes tickets eternal. Whole seconds.</summary>
    /// <value>The default is 2 hours, Apache's and plone's default.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>mod_auth_tkt's <c>TKTAuthTimeoutRefresh</c>: a fresh ticket is produced when less than <c>RefreshFraction × Timeout</c> remains. 0 never refreshes, 1 refreshes on every request. Ignored when <see cref="Timeout"/> is zero.</summary>
    /// <value>The default is 0.5, Apache's default.</value>
    public double RefreshFraction { get; set; } = 0.5;

    /// <summary>Whether a ticket is valid at the second <c>issued + timeout</c>.</summary>
    /// <value>The default is <see cref="TicketExpiryBound.SchemeDefault"/>: inclusive with Apache's 32-bit wrap for the mod_auth_tkt schemes, exclusive for plone's HMAC.</value>
    public TicketExpiryBound ExpiryBound { get; set; } = TicketExpiryBound.SchemeDefault;

    /// <summary>How far in the future a ticket may be dated (issuer clock ahead of ours) before it is rejected as <see cref="TicketRejection.IssuedInFuture"/>. <see langword="null"/> accepts any future date, as both peers do; that turns an issuer's clock error into near-eternal tickets.</summary>
    /// <value>The default is 5 minutes.</value>
    public TimeSpan? MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether tickets are unbound (<c>0.0.0.0</c> in the digest), Apache's <c>TKTAuthIgnoreIP on</c>. Plone never binds. When on, the issuer ignores <see cref="AuthTicket.ClientIp"/>.</summary>
    /// <value>The default is <see langword="false"/> (bound), Apache's default.</value>
    public bool IgnoreIp { get; set; }

    /// <summary>Apache's <c>TKTAuthToken</c>: when non-empty, a ticket needs at least one of these tokens (exact, case-sensitive).</summary>
    /// <value>The default is none (no token needed).</value>
    public IReadOnlyList<string> RequiredTokens { get; set; } = [];

    /// <summary>Compatibility switch: accept (and issue) tickets with an empty user id, as both peers do.</summary>
    /// <value>The default is <see langword="false"/>: an empty user id is <see cref="TicketRejection.Malformed"/>.</value>
    public bool AllowEmptyUserId { get; set; }

    /// <summary>The cookie name <see cref="TicketValidator.ValidateCookieHeader(string, System.Net.IPAddress?)"/> looks for (<c>TKTAuthCookieName</c>; plone uses <c>__ac</c>).</summary>
    /// <value>The default is <c>auth_tkt</c>.</value>
    public string CookieName { get; set; } = "auth_tkt";
}
