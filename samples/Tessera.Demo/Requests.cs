using System.Text.Json.Serialization;

namespace Tessera.Demo;

/// <summary>The body of <c>POST /api/login</c>.</summary>
public sealed record LoginRequest([property: JsonPropertyName("user")] string? User, [property: JsonPropertyName("password")] string? Password);

/// <summary>The body of <c>POST /api/password</c>.</summary>
public sealed record PasswordRequest([property: JsonPropertyName("old")] string? Old, [property: JsonPropertyName("new")] string? New);
