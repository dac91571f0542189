using System.Net;
using System.Text;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Tessera.TestSupport;
using Tessera.Tickets;

namespace Tessera.Tests.Tickets;

/// <summary>
/// Logging and metrics of <see cref="TicketValidator"/>. In the <c>TicketMetrics</c> collection so the listener here never
/// runs while <see cref="TicketValidatorTests"/> counts allocated bytes.
/// </summary>
[Collection(TicketMetricsGroup.Name)]
public sealed class TicketObservabilityTests
{
    private const string UserId = "carol.uid-7f3e";
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("observability secret, 32 bytes!!");
    private static readonly byte[] Other = Encoding.UTF8.GetBytes("another secret entirely, 32 bytes");
    private static readonly DateTimeOffset Issued = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static TicketOptions Options(TicketScheme scheme, params byte[][] secrets) =>
        new() { Scheme = scheme, Secrets = secrets, IgnoreIp = true, RefreshFraction = 0 };

    private static string Cookie(TicketScheme scheme, byte[] secret) =>
        new TicketIssuer(Options(scheme, secret)).IssueCookieValue(new AuthTicket { UserId = UserId, Tokens = ["staff"], UserData = "Carol Example", IssuedAt = Issued });

    public static TheoryData<string, TicketRejection> Rejections()
    {
        var good = Cookie(TicketScheme.Sha256, Secret);
        return new()
        {
            { Cookie(TicketScheme.Sha256, Other), TicketRejection.BadDigest },
            { "dG9vIHNob3J0IHRvIGJlIGEgdGlja2V0", TicketRejection.Malformed },
            { good.Insert(good.Length / 2, "-"), TicketRejection.BadCookieEncoding },
            { Cookie(TicketScheme.Md5, Secret), TicketRejection.WrongScheme },
        };
    }

    [Theory]
    [MemberData(nameof(Rejections))]
    public void Validate_Rejected_LogsReasonWithoutTicketUidOrSecret(string cookie, TicketRejection expected)
    {
        var logger = new ListLogger();
        var verdict = new TicketValidator(Options(TicketScheme.Sha256, Secret), logger: logger).Validate(cookie, null, Issued);

        Assert.Equal(expected, verdict.Reason);
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(1000, entry.Id.Id);
        Assert.Equal(LogLevel.Debug, entry.Level);
        Assert.Contains(expected.ToString(), entry.Message, StringComparison.Ordinal);
        Assert.Contains("Sha256", entry.Message, StringComparison.Ordinal);
        AssertNothingSecret(entry, cookie);
    }

    [Fact]
    public void ValidateCookieHeader_NoValidCandidate_LogsOnceWithFirstReason()
    {
        var logger = new ListLogger();
        var bad = Cookie(TicketScheme.Sha256, Other);
        var header = $"auth_tkt={bad}; other=1; auth_tkt=%%%";

        var verdict = new TicketValidator(Options(TicketScheme.Sha256, Secret), logger: logger).ValidateCookieHeader(header, null, Issued);

        Assert.Equal(TicketRejection.BadDigest, verdict.Reason);
        var entry = Assert.Single(logger.Entries);
        Assert.Contains("BadDigest", entry.Message, StringComparison.Ordinal);
        AssertNothingSecret(entry, bad);
    }

    [Fact]
    public void Validate_Valid_LogsNothing()
    {
        var logger = new ListLogger();

        var verdict = new TicketValidator(Options(TicketScheme.HmacSha256, Secret), logger: logger).Validate(Cookie(TicketScheme.HmacSha256, Secret), null, Issued);

        Assert.True(verdict.IsValid);
        Assert.Empty(logger.Entries);
    }

    [Fact]
    public void Validate_OldSecret_LogsInformationWithoutTicket()
    {
        var logger = new ListLogger();
        var cookie = Cookie(TicketScheme.Sha512, Other);

        var verdict = new TicketValidator(Options(TicketScheme.Sha512, Secret, Other), logger: logger).Validate(cookie, null, Issued);

        Assert.True(verdict.MatchedOldSecret);
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(1001, entry.Id.Id);
        Assert.Equal(LogLevel.Information, entry.Level);
        AssertNothingSecret(entry, cookie);
        AssertNothingSecret(entry, verdict.RefreshCookieValue!);
    }

    [Fact]
    public void Validate_SameTicketTwice_LogsSameFingerprint()
    {
        var logger = new ListLogger();
        var validator = new TicketValidator(Options(TicketScheme.Sha256, Secret), logger: logger);
        var bad = Cookie(TicketScheme.Sha256, Other);

        validator.Validate(bad, null, Issued);
        validator.Validate(bad, null, Issued);
        validator.Validate(Cookie(TicketScheme.Sha256, Encoding.UTF8.GetBytes("a third secret, long enough too")), null, Issued);

        var prints = logger.Entries.Select(e => e.State.Single(kv => kv.Key == "Fingerprint").Value).ToList();
        Assert.Equal(3, prints.Count);
        Assert.Equal(prints[0], prints[1]);
        Assert.NotEqual(prints[0], prints[2]);
    }

    [Fact]
    public void Validate_BadDigestWithDisabledLogger_AllocatesNothing()
    {
        var validator = new TicketValidator(Options(TicketScheme.Md5, Secret), logger: new ListLogger(enabled: false));
        var cookie = Cookie(TicketScheme.Md5, Other);
        validator.Validate(cookie, null, Issued); // warm up

        var before = GC.GetAllocatedBytesForCurrentThread();
        var verdict = validator.Validate(cookie, null, Issued);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(TicketRejection.BadDigest, verdict.Reason);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Validate_Outcomes_CountedOnceWithSchemeAndVerdict()
    {
        using var meters = new TestMeterFactory();
        using var validations = new MetricCollector<long>(meters, "Tessera", "tessera.ticket.validations");
        using var refreshes = new MetricCollector<long>(meters, "Tessera", "tessera.ticket.refreshes");
        using var oldSecret = new MetricCollector<long>(meters, "Tessera", "tessera.ticket.old_secret_matches");

        var validator = new TicketValidator(Options(TicketScheme.Md5, Secret, Other), meterFactory: meters);
        validator.Validate(Cookie(TicketScheme.Md5, Encoding.UTF8.GetBytes("an unknown secret, 32 bytes long")), null, Issued);
        validator.Validate(Cookie(TicketScheme.Md5, Secret), null, Issued.AddYears(1));
        validator.Validate(Cookie(TicketScheme.Md5, Secret), null, Issued);
        validator.Validate(Cookie(TicketScheme.Md5, Other), null, Issued);

        Assert.Equal(
            [("md5", "bad_digest"), ("md5", "expired"), ("md5", "accepted"), ("md5", "accepted")],
            validations.GetMeasurementSnapshot().Select(m => ((string?)m.Tags["tessera.ticket.scheme"], (string?)m.Tags["tessera.ticket.verdict"])));
        Assert.All(validations.GetMeasurementSnapshot(), m => Assert.Equal(1, m.Value));
        Assert.Equal("{ticket}", validations.Instrument!.Unit);
        Assert.Equal("md5", Assert.Single(refreshes.GetMeasurementSnapshot()).Tags["tessera.ticket.scheme"]);
        Assert.Equal("md5", Assert.Single(oldSecret.GetMeasurementSnapshot()).Tags["tessera.ticket.scheme"]);
    }

    private static void AssertNothingSecret(ListLogger.Entry entry, string cookie)
    {
        var texts = entry.State.Select(kv => kv.Value?.ToString() ?? "").Append(entry.Message).ToList();
        foreach (var text in texts)
        {
            Assert.DoesNotContain(cookie[..16], text, StringComparison.Ordinal);
            Assert.DoesNotContain(UserId, text, StringComparison.Ordinal);
            Assert.DoesNotContain("Carol", text, StringComparison.Ordinal);
            Assert.DoesNotContain(Encoding.UTF8.GetString(Secret), text, StringComparison.Ordinal);
            Assert.DoesNotContain(Encoding.UTF8.GetString(Other), text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexStringLower(Secret)[..16], text, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(UserId))[..12], entry.Message, StringComparison.Ordinal);
    }

    private sealed class ListLogger(bool enabled = true) : ILogger
    {
        public sealed record Entry(EventId Id, LogLevel Level, string Message, IReadOnlyList<KeyValuePair<string, object?>> State);

        public List<Entry> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => enabled;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add(new Entry(eventId, logLevel, formatter(state, exception), state as IReadOnlyList<KeyValuePair<string, object?>> ?? []));
    }
}

/// <summary>Tests that listen to the <c>Tessera</c> meter or count allocated bytes of ticket validation; they must not overlap.</summary>
[CollectionDefinition(Name)]
public sealed class TicketMetricsGroup
{
    /// <summary>The collection's name.</summary>
    public const string Name = "TicketMetrics";
}
