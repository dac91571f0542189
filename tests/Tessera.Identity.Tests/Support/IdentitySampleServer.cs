using Tessera.TestSupport;

namespace Tessera.Identity.Tests.Support;

/// <summary>
/// The Identity sample as the README runs it: <c>dotnet Tessera.Identity.dll --urls http://HOST:PORT</c> in Development
/// (the library's development secret, kept under the working directory here) in a working directory of its own, where
/// its two SQLite databases go; a real Kestrel socket on an OS-assigned port.
/// </summary>
public static class IdentitySampleServer
{
    /// <summary>Starts the sample; <paramref name="environment"/> adds configuration such as <c>Identity__SecurityStamp__ValidationInterval</c>.</summary>
    public static Task<SampleServer> StartAsync(string host = "127.0.0.1", IDictionary<string, string>? environment = null) =>
        SampleServer.StartAsync(
            "Tessera.Identity",
            "/",
            [new("ASPNETCORE_ENVIRONMENT", "Development"), .. environment ?? new Dictionary<string, string>()],
            Directory.CreateTempSubdirectory("tessera-identity-").FullName,
            host);
}
