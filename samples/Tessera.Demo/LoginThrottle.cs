using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Tessera.Demo;

/// <summary>
/// Sign-in rate limits with ASP.NET Core's rate limiter: per client IP address (the <see cref="Policy"/> policy on the
/// sign-in endpoints, before the body is read) and per user name (<see cref="TryAcquire"/>, once the name is known,
/// before the password is checked). Both count every attempt in a fixed window; a refused attempt answers 429 with
/// <c>Retry-After</c>.
/// </summary>
public sealed class LoginThrottle : IDisposable
{
    /// <summary>The name of the per-client policy: <c>.RequireRateLimiting(LoginThrottle.Policy)</c>.</summary>
    public const string Policy = "login";

    private readonly PartitionedRateLimiter<string> _perUser;

    /// <summary>Creates the per-user limiter from <see cref="DemoOptions"/>.</summary>
    public LoginThrottle(IOptions<DemoOptions> options)
    {
        var o = options.Value;
        _perUser = PartitionedRateLimiter.Create<string, string>(user => RateLimitPartition.GetFixedWindowLimiter(user, _ => Window(o.LoginAttemptsPerUser, o.LoginWindow)));
    }

    /// <summary>Adds the per-client policy and the 429 answer to <paramref name="services"/>.</summary>
    public static void AddTo(IServiceCollection services)
    {
        services.AddSingleton<LoginThrottle>();
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Policy, context =>
            {
                var o = context.RequestServices.GetRequiredService<IOptions<DemoOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(ClientKey(context.Connection.RemoteIpAddress), _ => Window(o.LoginAttemptsPerClient, o.LoginWindow));
            });
            limiter.OnRejected = (rejected, _) => new ValueTask(TooManyAttempts(RetryAfter(rejected.Lease)).ExecuteAsync(rejected.HttpContext));
        });
    }

    /// <summary>Takes one attempt for <paramref name="user"/>; a lease that is not acquired says how long to wait.</summary>
    public RateLimitLease TryAcquire(string? user) => _perUser.AttemptAcquire((user ?? "").Trim().ToUpperInvariant());

    /// <summary>How long a refused <paramref name="lease"/> says to wait (zero when it does not say).</summary>
    public static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.Zero;

    /// <summary>The 429 answer, with <c>Retry-After</c> in whole seconds (at least 1): JSON under /api, else a page.</summary>
    public static IResult TooManyAttempts(TimeSpan retryAfter) => new TooManyAttemptsResult(retryAfter);

    /// <inheritdoc />
    public void Dispose() => _perUser.Dispose();

    private static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) =>
        new() { PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true };

    // IPv4 clients over a dual-stack socket arrive as ::ffff:a.b.c.d: one client, one key.
    private static string ClientKey(IPAddress? address) =>
        (address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address)?.ToString() ?? "unknown";

    private sealed class TooManyAttemptsResult(TimeSpan retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            httpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            var message = $"Too many sign-in attempts: try again in {seconds} s.";
            return httpContext.Request.Path.StartsWithSegments("/api")
                ? httpContext.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = message })
                : Results.Content(Pages.Plain("Too many attempts", message), "text/html; charset=utf-8", statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(httpContext);
        }
    }
}
