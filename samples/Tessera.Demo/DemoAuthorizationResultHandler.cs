using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Tessera.Demo;

/// <summary>
/// ASP.NET Core's answer to an unauthorized request (the Tessera scheme's challenge: a redirect to sign in for a page,
/// 401 for the API), plus the JSON API's body on a 401: <c>{"error": "not signed in"}</c>.
/// </summary>
internal sealed class DemoAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        await _default.HandleAsync(next, context, policy, authorizeResult);
        if (authorizeResult.Challenged && context.Response.StatusCode == StatusCodes.Status401Unauthorized && !context.Response.HasStarted)
        {
            await context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = "not signed in" });
        }
    }
}
