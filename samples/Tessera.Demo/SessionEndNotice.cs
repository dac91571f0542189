using System.Globalization;

namespace Tessera.Demo;

/// <summary>
/// Tells a browser why it is no longer signed in. Sign-in leaves a small HttpOnly cookie (the user name and the
/// sign-in time, nothing secret); a later request that still carries it but whose session is anonymous was signed out
/// elsewhere: by a password change when the user's password changed after that sign-in, else by a revocation (or it
/// expired). The cookie only picks one of two fixed messages.
/// </summary>
public static class SessionEndNotice
{
    private const string CookieName = "demo_signed_in";

    /// <summary>Remembers that <paramref name="user"/> signed in now.</summary>
    public static void SignedIn(HttpContext context, string user, DateTimeOffset now) =>
        context.Response.Cookies.Append(CookieName, Uri.EscapeDataString(user) + "." + now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = context.Request.IsHttps, IsEssential = true });

    /// <summary>Forgets it (a sign-out on this browser needs no notice).</summary>
    public static void SignedOut(HttpContext context)
    {
        if (context.Request.Cookies.ContainsKey(CookieName))
        {
            context.Response.Cookies.Delete(CookieName);
        }
    }

    /// <summary>The message code when this browser was signed out elsewhere (and forgets it), or <see langword="null"/>.</summary>
    public static async Task<string?> EndedAsync(HttpContext context, DemoUsers users)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName, out var value) || context.User.Identity?.IsAuthenticated == true)
        {
            return null;
        }

        SignedOut(context);
        var dot = value.LastIndexOf('.');
        if (dot < 1 || !long.TryParse(value.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var signedInAt))
        {
            return null;
        }

        var changed = await users.PasswordChangedAsync(Uri.UnescapeDataString(value[..dot]), context.RequestAborted);
        return changed?.ToUnixTimeMilliseconds() > signedInAt ? "ended-password" : "ended-revoked";
    }
}
