using Microsoft.Extensions.Logging;

namespace Tessera.Sqlite.Tests;

/// <summary>One entry a <see cref="ListLogger"/> kept.</summary>
public sealed record LogEntry(int EventId, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Values);
