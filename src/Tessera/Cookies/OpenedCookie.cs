using System.Text.Json;

namespace Tessera.Cookies;

/// <summary>
/// What authenticating, decrypting and parsing one sealed cookie produced, before its times are judged against a
/// clock: immutable, so one instance can stand for the same cookie value in many requests (each makes its own
/// <see cref="System.Text.Json.Nodes.JsonObject"/> over <see cref="Data"/>, which no request can change).
/// </summary>
internal sealed class OpenedCookie
{
    public OpenedCookie(JsonElement data, DateTimeOffset created, DateTimeOffset renewed, int keyIndex, uint keyId, int payloadLength)
    {
        Data = data;
        Created = created;
        Renewed = renewed;
        KeyIndex = keyIndex;
        KeyId = keyId;
        PayloadLength = payloadLength;
    }

    /// <summary>The session dictionary, over a parsed document of its own (read-only, safe to share between threads).</summary>
    public JsonElement Data { get; }

    public DateTimeOffset Created { get; }

    public DateTimeOffset Renewed { get; }

    /// <summary>The index in the format's keyring of the key that opened it (0 = the newest).</summary>
    public int KeyIndex { get; }

    public uint KeyId { get; }

    /// <summary>The plaintext JSON's length in bytes.</summary>
    public int PayloadLength { get; }
}
