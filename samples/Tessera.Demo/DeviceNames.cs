namespace Tessera.Demo;

/// <summary>
/// A readable device name from a User-Agent ("Chrome on Linux", "Safari on iPhone", "curl"). A small table of the
/// common browsers and systems (no maintained parser is available from this project's package source); anything
/// else shows its first product name.
/// </summary>
public static class DeviceNames
{
    // Order matters: Edge and Opera also say Chrome and Safari; Chrome also says Safari; Android also says Linux.
    private static readonly (string Token, string Name)[] Browsers =
    [
        ("Edg/", "Edge"), ("EdgA/", "Edge"), ("EdgiOS/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"), ("FxiOS/", "Firefox"), ("HeadlessChrome/", "Headless Chrome"), ("CriOS/", "Chrome"),
        ("Chromium/", "Chromium"), ("Chrome/", "Chrome"), ("Safari/", "Safari"),
    ];

    private static readonly (string Token, string Name)[] Systems =
    [
        ("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("CrOS", "ChromeOS"), ("Windows", "Windows"),
        ("Macintosh", "macOS"), ("Mac OS X", "macOS"), ("Linux", "Linux"), ("FreeBSD", "FreeBSD"),
    ];

    /// <summary>Describes <paramref name="userAgent"/>; "Unknown device" when there is none.</summary>
    public static string Describe(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return "Unknown device";
        }

        var browser = Find(Browsers, userAgent);
        var system = Find(Systems, userAgent);
        if (browser is null)
        {
            // curl/8.5.0, python-requests/2.31, DemoTest/1.0: the product name.
            var product = userAgent.Split([' ', '/'], 2, StringSplitOptions.RemoveEmptyEntries)[0];
            browser = product.Length > 40 ? product[..40] : product;
        }

        return system is null ? browser : $"{browser} on {system}";
    }

    private static string? Find((string Token, string Name)[] table, string userAgent)
    {
        foreach (var (token, name) in table)
        {
            if (userAgent.Contains(token, StringComparison.Ordinal))
            {
                return name;
            }
        }

        return null;
    }
}
