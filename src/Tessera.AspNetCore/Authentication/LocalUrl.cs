namespace Tessera.AspNetCore;

/// <summary>
/// The one test of "stays on this site" for every redirect target Tessera takes from a request (ReturnUrl, next):
/// ASP.NET's <c>IUrlHelper.IsLocalUrl</c> rule without <c>~/</c>.
/// </summary>
internal static class LocalUrl
{
    /// <summary>
    /// Whether <paramref name="url"/> is a path on this site: it starts with one <c>/</c>, not <c>//</c> or <c>/\</c>
    /// (which browsers read as another host), and holds no control characters (a tab or newline inside <c>/\t/evil</c>
    /// is dropped by browsers, leaving <c>//evil</c>).
    /// </summary>
    public static bool IsLocal(string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/')
        {
            return false;
        }

        if (url.Length > 1 && url[1] is '/' or '\\')
        {
            return false;
        }

        foreach (var c in url)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }
}
