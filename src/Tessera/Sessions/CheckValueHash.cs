using System.Security.Cryptography;
using System.Text;

namespace Tessera.Sessions;

/// <summary>The user's check value as a session keeps it: its SHA-256 (base64), compared in constant time.</summary>
internal static class CheckValueHash
{
    public static string Compute(string checkValue) => Convert.ToBase64String(Hash(checkValue));

    public static bool Matches(string storedHash, string checkValue) =>
        CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(storedHash), Hash(checkValue));

    private static byte[] Hash(string checkValue) => SHA256.HashData(Encoding.UTF8.GetBytes(checkValue));
}
