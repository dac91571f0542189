namespace Tessera.AspNetCore;

/// <summary>
/// A session whose lifetime can be set per session ("remember me"). Server-mode sessions have it; cookie-mode sessions
/// do not (a sealed cookie's lifetime is the configured one, checked when the cookie is read). Test for it:
/// <c>if (HttpContext.GetTesseraSession() is ITesseraSessionLifetime lifetime) lifetime.SetLifetime(...)</c>.
/// </summary>
public interface ITesseraSessionLifetime
{
    /// <summary>Overrides the idle timeout and absolute lifetime of this session.</summary>
    void SetLifetime(TimeSpan idleTimeout, TimeSpan absoluteLifetime);
}
