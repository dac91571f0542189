namespace Tessera.AspNetCore;

/// <summary>Names used by the Tessera authentication scheme.</summary>
public static class TesseraDefaults
{
    /// <summary>The default scheme name: <c>Tessera</c>.</summary>
    public const string AuthenticationScheme = "Tessera";
}
