using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Tessera.Demo;

/// <summary>
/// The demo's users: names and passwords from configuration <c>Demo:Users</c> (a map from user name to password),
/// kept in memory. A password change lives until the process stops; a restart goes back to the configured passwords.
/// A user's check value is an HMAC of the user name and password under a key derived from the Tessera secret, so it
/// is the same on every server of a fleet and across restarts, and changes whenever the password changes.
/// </summary>
public sealed class DemoUsers
{
    private readonly ConcurrentDictionary<string, string> _passwords;
    private readonly byte[] _checkKey;

    /// <summary>Creates the store from <paramref name="passwords"/>; <paramref name="checkKey"/> keys the check values.</summary>
    public DemoUsers(IReadOnlyDictionary<string, string> passwords, byte[] checkKey)
    {
        _passwords = new ConcurrentDictionary<string, string>(passwords, StringComparer.Ordinal);
        _checkKey = checkKey;
    }

    /// <summary>The user names, sorted.</summary>
    public IReadOnlyList<string> Names => [.. _passwords.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Whether <paramref name="password"/> is <paramref name="user"/>'s password (constant-time compare).</summary>
    public bool Verify(string? user, string? password)
    {
        if (user is null || password is null || !_passwords.TryGetValue(user, out var expected))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Hash(user, expected), Hash(user, password));
    }

    /// <summary>The user's current check value, or <see langword="null"/> for an unknown user.</summary>
    public string? CheckValue(string user) =>
        _passwords.TryGetValue(user, out var password) ? Convert.ToHexStringLower(Hash(user, password)[..16]) : null;

    /// <summary>Changes a password after checking the old one; returns the new check value, or null when refused.</summary>
    public string? ChangePassword(string user, string oldPassword, string newPassword)
    {
        if (string.IsNullOrEmpty(newPassword) || !Verify(user, oldPassword))
        {
            return null;
        }

        _passwords[user] = newPassword;
        return CheckValue(user);
    }

    private byte[] Hash(string user, string password) =>
        HMACSHA256.HashData(_checkKey, Encoding.UTF8.GetBytes(user + "\0" + password));
}
