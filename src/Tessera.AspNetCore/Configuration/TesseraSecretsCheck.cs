using Tessera.Keys;

namespace Tessera.AspNetCore;

/// <summary>The start-up check of <c>Tessera:Secrets</c> against <see cref="SecretRule"/>; never names a secret's value.</summary>
internal static class TesseraSecretsCheck
{
    public static void AddFailures(IList<string> secrets, List<string> failures)
    {
        if (secrets.Count == 0)
        {
            failures.Add("Tessera:Secrets is empty: configure at least one secret, newest first, as hex or base64 of "
                + $"{SecretRule.MinimumLength} random bytes ('tessera secret' prints one), e.g. the environment variable Tessera__Secrets__0=<secret>.");
            return;
        }

        for (var i = 0; i < secrets.Count; i++)
        {
            if (SecretRule.FindWeakness(secrets[i]) is { } weakness)
            {
                failures.Add($"Tessera:Secrets:{i} {weakness}: use {SecretRule.MinimumLength} or more random bytes as hex or base64 ('tessera secret' prints one).");
            }
        }
    }
}
