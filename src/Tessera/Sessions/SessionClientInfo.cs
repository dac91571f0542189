namespace Tessera.Sessions;

/// <summary>What the server knows about the client of a request, for IP binding and the user's session list.</summary>
/// <param name="IpAddress">The client IP as text, or <see langword="null"/> when unknown.</param>
/// <param name="UserAgent">The User-Agent header, or <see langword="null"/>.</param>
public sealed record SessionClientInfo(string? IpAddress = null, string? UserAgent = null)
{
    /// <summary>A client about which nothing is known.</summary>
    public static SessionClientInfo None { get; } = new();
}
