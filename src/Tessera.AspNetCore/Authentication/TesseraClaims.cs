using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tessera.AspNetCore;

/// <summary>
/// The principal a Tessera session keeps, as plain JSON (no type names), sealed inside the session with its other data:
/// <c>{"auth": "...", "name_type": "...", "role_type": "...", "claims": [[type, value], [type, value, issuer], ...], "persistent": true}</c>.
/// The issuer is written only when it is not the default one; <c>persistent</c> only when true. Claims of every identity
/// of the principal are kept in one identity.
/// </summary>
internal static class TesseraClaims
{
    private const string AuthProperty = "auth";
    private const string NameTypeProperty = "name_type";
    private const string RoleTypeProperty = "role_type";
    private const string ClaimsProperty = "claims";
    private const string PersistentProperty = "persistent";

    public static JsonObject ToJson(ClaimsPrincipal principal, bool persistent)
    {
        var primary = principal.Identities.FirstOrDefault(i => i.IsAuthenticated) ?? principal.Identities.FirstOrDefault();
        var claims = new JsonArray();
        foreach (var claim in principal.Claims)
        {
            var entry = new JsonArray(claim.Type, claim.Value);
            if (!string.Equals(claim.Issuer, ClaimsIdentity.DefaultIssuer, StringComparison.Ordinal))
            {
                entry.Add(claim.Issuer);
            }

            claims.Add(entry);
        }

        var json = new JsonObject
        {
            [AuthProperty] = primary?.AuthenticationType,
            [NameTypeProperty] = primary?.NameClaimType ?? ClaimsIdentity.DefaultNameClaimType,
            [RoleTypeProperty] = primary?.RoleClaimType ?? ClaimsIdentity.DefaultRoleClaimType,
            [ClaimsProperty] = claims,
        };
        if (persistent)
        {
            json[PersistentProperty] = true;
        }

        return json;
    }

    /// <summary>Whether the stored principal asked for a persistent cookie.</summary>
    public static bool IsPersistent(JsonObject? stored) =>
        stored?[PersistentProperty] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    /// <summary>
    /// The principal of a signed-in session: the stored claims, or for a session signed in without them
    /// (<see cref="ITesseraSession.SignInAsync"/>) the user id as NameIdentifier and Name. A malformed entry is skipped,
    /// and the user id claim is always the session's.
    /// </summary>
    public static ClaimsPrincipal ToPrincipal(string userId, JsonObject? stored, string scheme, string issuer)
    {
        var identity = new ClaimsIdentity(
            String(stored, AuthProperty) ?? scheme,
            String(stored, NameTypeProperty) ?? ClaimTypes.Name,
            String(stored, RoleTypeProperty) ?? ClaimTypes.Role);
        var hasId = false;
        var hasName = false;
        if (stored?[ClaimsProperty] is JsonArray claims)
        {
            foreach (var node in claims)
            {
                if (node is not JsonArray { Count: 2 or 3 } entry || Text(entry[0]) is not { } type || Text(entry[1]) is not { } value)
                {
                    continue;
                }

                if (type == ClaimTypes.NameIdentifier)
                {
                    // The session's user id is the truth; the stored claim can only repeat it.
                    if (hasId || value != userId)
                    {
                        continue;
                    }

                    hasId = true;
                }

                hasName |= type == identity.NameClaimType;
                identity.AddClaim(new Claim(type, value, ClaimValueTypes.String, (entry.Count == 3 ? Text(entry[2]) : null) ?? ClaimsIdentity.DefaultIssuer));
            }
        }

        if (!hasId)
        {
            identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, userId, ClaimValueTypes.String, issuer));
        }

        if (!hasName)
        {
            identity.AddClaim(new Claim(identity.NameClaimType, userId, ClaimValueTypes.String, issuer));
        }

        return new ClaimsPrincipal(identity);
    }

    private static string? String(JsonObject? json, string property) => json is null ? null : Text(json[property]);

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
