using Tessera.Cookies;

namespace Tessera.Tests.Cookies;

/// <summary>Test access to the library's time conversions, so tests convert vector times exactly as the readers do.</summary>
internal static class CookieJsonAccess
{
    public static bool TryFromUnixSeconds(double seconds, out DateTimeOffset time) => CookieJson.TryFromUnixSeconds(seconds, out time);

    public static double ToUnixSeconds(DateTimeOffset time) => CookieJson.ToUnixSeconds(time);
}
