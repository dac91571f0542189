namespace Tessera.Cli;

/// <summary>A usage error found while a command runs (an unreadable <c>@FILE</c>, say): one line on stderr, exit 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
