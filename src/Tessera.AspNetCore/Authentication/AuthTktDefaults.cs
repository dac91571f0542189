namespace Tessera.AspNetCore;

/// <summary>Names used by the auth_tkt authentication scheme.</summary>
public static class AuthTktDefaults
{
    /// <summary>The default scheme name: <c>AuthTkt</c>.</summary>
    public const string AuthenticationScheme = "AuthTkt";

    /// <summary>The claim type carrying the ticket's user data.</summary>
    public const string UserDataClaimType = "urn:tessera:authtkt:userdata";

    /// <summary>The default path of the refresh endpoint.</summary>
    public const string RefreshPath = "/_authtkt/refresh";

    /// <summary>The default path of the removal endpoint.</summary>
    public const string RemovalPath = "/_authtkt/remove";
}
