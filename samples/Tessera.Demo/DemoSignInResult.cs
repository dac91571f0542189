namespace Tessera.Demo;

/// <summary>How a sign-in attempt ended.</summary>
internal enum DemoSignInStatus
{
    SignedIn,
    WrongPassword,
    Throttled,
    RefusedIPv6,
}

/// <summary>A sign-in attempt's outcome; <paramref name="RetryAfter"/> when <see cref="DemoSignInStatus.Throttled"/>.</summary>
internal readonly record struct DemoSignInResult(DemoSignInStatus Status, TimeSpan RetryAfter = default);
