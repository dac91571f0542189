using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Tessera.AspNetCore;

namespace Tessera.Demo;

/// <summary>The demo's one place for signing in, signing out and changing a password, shared by the pages and the JSON API.</summary>
internal static class DemoSignIn
{
    /// <summary>
    /// Checks the limit for the name, then the password, then signs in through the Tessera scheme: a new session handle,
    /// the user's check value (from <see cref="DemoCheckValues"/>) and the auth_tkt SSO ticket shared with Apache.
    /// </summary>
    public static async Task<DemoSignInResult> SignInAsync(HttpContext context, string? user, string? password)
    {
        using var lease = context.RequestServices.GetRequiredService<LoginThrottle>().TryAcquire(user);
        if (!lease.IsAcquired)
        {
            return new(DemoSignInStatus.Throttled, LoginThrottle.RetryAfter(lease));
        }

        if (!await Users(context).VerifyAsync(user, password, context.RequestAborted))
        {
            return new(DemoSignInStatus.WrongPassword);
        }

        try
        {
            // The role is the ticket's token; the scheme issues the ticket first, so a refused one signs nothing in.
            var identity = new ClaimsIdentity(
                [new Claim(ClaimTypes.NameIdentifier, user!), new Claim(ClaimTypes.Name, user!), new Claim(ClaimTypes.Role, "demo")],
                TesseraDefaults.AuthenticationScheme);
            await context.SignInAsync(TesseraDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        }
        catch (AuthTktSignInRefusedException)
        {
            // AuthTkt:IPv6Policy = RefuseSignIn and the client is IPv6: nothing was signed in.
            return new(DemoSignInStatus.RefusedIPv6);
        }

        SessionEndNotice.SignedIn(context, user!, Now(context));
        return new(DemoSignInStatus.SignedIn);
    }

    /// <summary>Signs out this browser through the Tessera scheme: the session record is deleted, the session and ticket cookies cleared.</summary>
    public static async Task SignOutAsync(HttpContext context)
    {
        await context.SignOutAsync(TesseraDefaults.AuthenticationScheme);
        SessionEndNotice.SignedOut(context);
    }

    /// <summary>
    /// Changes the signed-in user's password (endpoints that call this require a user); false when the old one is wrong
    /// or the new one empty.
    /// </summary>
    public static async Task<bool> ChangePasswordAsync(HttpContext context, string? oldPassword, string? newPassword)
    {
        var user = context.User.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? throw new InvalidOperationException("ChangePasswordAsync needs a signed-in user: call it from an endpoint with RequireAuthorization().");
        if (oldPassword is null || newPassword is null || await Users(context).ChangePasswordAsync(user, oldPassword, newPassword, context.RequestAborted) is not { } checkValue)
        {
            return false;
        }

        // The new check value fails every other session of the user at its next request; this one keeps its login.
        await context.GetTesseraSession().KeepLoginAsync(checkValue, context.RequestAborted);
        SessionEndNotice.SignedIn(context, user, Now(context));
        return true;
    }

    private static DemoUsers Users(HttpContext context) => context.RequestServices.GetRequiredService<DemoUsers>();

    private static DateTimeOffset Now(HttpContext context) => (context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
}
