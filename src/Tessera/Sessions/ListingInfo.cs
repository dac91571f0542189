using System.Text.Json.Serialization;

namespace Tessera.Sessions;

/// <summary>The plaintext of <see cref="SessionRecord.Listing"/>: what a user's session list shows.</summary>
internal sealed record ListingInfo(
    [property: JsonPropertyName("c")] DateTimeOffset Created,
    [property: JsonPropertyName("a")] DateTimeOffset LastSeen,
    [property: JsonPropertyName("ip")] string? Ip,
    [property: JsonPropertyName("ua")] string? UserAgent);

/// <summary>Source-generated JSON for <see cref="ListingInfo"/>.</summary>
[JsonSerializable(typeof(ListingInfo))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class ListingJsonContext : JsonSerializerContext;
