namespace Tessera.AspNetCore.Tests.Support;

/// <summary>A clock that stands still until a test moves it.</summary>
public sealed class FakeTime(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
