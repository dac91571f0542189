using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Tessera.AspNetCore;

namespace Tessera.Demo;

/// <summary>The demo's one place for signing in, signing out and changing a password, shared by the pages and the JSON API.</summary>
internal static class DemoSignIn
{
    /// <summary>Checks the limit for the name, then the password, then signs in: the Tessera session and the auth_tkt ticket.</summary>
    public static async Task<DemoSignInResult> SignInAsync(HttpContext context, string? user, string? password)
    {
        using var lease = context.RequestServices.GetRequiredService<LoginThrottle>().TryAcquire(user);
        if (!lease.IsAcquired)
        {
            return new(DemoSignInStatus.Throttled, lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.Zero);
        }

        if (!await Users(context).VerifyAsync(user, password, context.RequestAborted))
        {
            return new(DemoSignInStatus.WrongPassword);
        }

        try
        {
            // The ticket first: it only writes a header, and a refused ticket (AuthTktSignInRefusedException) then leaves no
            // signed-in session record behind. An exception in the session step discards the unsent headers with the 500.
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user!), new Claim(ClaimTypes.Role, "demo")], AuthTktDefaults.AuthenticationScheme);
            await context.SignInAsync(AuthTktDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
            await context.GetTesseraSession().SignInAsync(user!, await Users(context).CheckValueAsync(user!, context.RequestAborted), context.RequestAborted);
        }
        catch (AuthTktSignInRefusedException)
        {
            // AuthTkt:IPv6Policy = RefuseSignIn and the client is IPv6: nothing was signed in.
            return new(DemoSignInStatus.RefusedIPv6);
        }

        SessionEndNotice.SignedIn(context, user!, Now(context));
        return new(DemoSignInStatus.SignedIn);
    }

    /// <summary>Signs out this browser: the session record is deleted, the session and ticket cookies cleared.</summary>
    public static async Task SignOutAsync(HttpContext context)
    {
        await context.GetTesseraSession().SignOutAsync(context.RequestAborted);
        await context.SignOutAsync(AuthTktDefaults.AuthenticationScheme);
        SessionEndNotice.SignedOut(context);
    }

    /// <summary>Changes the signed-in user's password: 204, 401 when anonymous, 403 when the old one is wrong or the new one empty.</summary>
    public static async Task<int> ChangePasswordAsync(HttpContext context, string? oldPassword, string? newPassword)
    {
        var session = context.GetTesseraSession();
        if (session.UserId is not { } user)
        {
            return StatusCodes.Status401Unauthorized;
        }

        if (oldPassword is null || newPassword is null || await Users(context).ChangePasswordAsync(user, oldPassword, newPassword, context.RequestAborted) is not { } checkValue)
        {
            return StatusCodes.Status403Forbidden;
        }

        // The new check value fails every other session of the user at its next request; this one keeps its login.
        await session.KeepLoginAsync(checkValue, context.RequestAborted);
        SessionEndNotice.SignedIn(context, user, Now(context));
        return StatusCodes.Status204NoContent;
    }

    private static DemoUsers Users(HttpContext context) => context.RequestServices.GetRequiredService<DemoUsers>();

    private static DateTimeOffset Now(HttpContext context) => (context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
}
