using Microsoft.Extensions.Logging;
using Tessera.Cookies;
using Tessera.Keys;

namespace Tessera.Tests.Cookies;

public sealed class CookieLoggingTests
{
    private sealed class ListLogger : ILogger
    {
        public List<(EventId Id, LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((eventId, logLevel, formatter(state, exception)));
    }

    [Fact]
    public void Read_Rejected_LogsReasonWithoutTheCookie()
    {
        var logger = new ListLogger();
        var format = new SealedCookieFormat(new SealedCookieOptions { Keyring = new Keyring([new byte[32]]) }, logger: logger);
        var value = format.Write("sid", CookieSessionPayload.CreateNew(new System.Text.Json.Nodes.JsonObject { ["user"] = "alice" }, DateTimeOffset.UtcNow));

        format.Read("other", value);

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(1100, entry.Id.Id);
        Assert.Contains("BadSignature", entry.Message);
        Assert.DoesNotContain(value[..20], entry.Message);
    }

    [Fact]
    public void Read_OlderKey_LogsKeyIdOnly()
    {
        var logger = new ListLogger();
        var oldKey = Enumerable.Repeat((byte)1, 32).ToArray();
        var value = new SealedCookieFormat(new SealedCookieOptions { Keyring = new Keyring([oldKey]) }).Write("sid", CookieSessionPayload.CreateNew([], DateTimeOffset.UtcNow));
        var format = new SealedCookieFormat(new SealedCookieOptions { Keyring = new Keyring([new byte[32], oldKey]) }, logger: logger);

        Assert.True(format.Read("sid", value).OpenedWithOldKey);

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(1101, entry.Id.Id);
        Assert.Contains(SealedCookieFormat.KeyId(oldKey).ToString("x8", System.Globalization.CultureInfo.InvariantCulture), entry.Message);
    }

    [Fact]
    public void Read_Absent_DoesNotLog()
    {
        var logger = new ListLogger();
        new SealedCookieFormat(new SealedCookieOptions { Keyring = new Keyring([new byte[32]]) }, logger: logger).Read("session", null);

        Assert.Empty(logger.Entries);
    }
}
