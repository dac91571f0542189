using System.Security.Cryptography;
using Tessera.Keys;

namespace Tessera.Tests.Keys;

public sealed class SecretRuleTests
{
    public static TheoryData<string, string> WeakSecrets => new()
    {
        { "00112233445566778899aabbccddeeff", "is 16 bytes; at least 32 random bytes are required" },
        { new string('a', 64), "repeats one byte value" },
        { Convert.ToHexString(new byte[48]), "repeats one byte value" },
        { Convert.ToHexString([.. Enumerable.Range(0, 64).Select(i => (byte)(i % 8))]), "has only 8 distinct byte values" },
        { "correcthorsebatterystaplecorrecthorsebatterystaple", "is text (letters only) read as base64" },
        { "CorrectHorseBatteryStapleCorrectHorseBatteryStaple", "is text (letters only) read as base64" },
        { "correct-horse-battery-staple-and-more-words-for-length", "is text (letters only) read as base64" },
        { "zz-not-a-secret-zz!", "is neither hex nor base64" },
        { "", "is neither hex nor base64" },
    };

    [Theory]
    [MemberData(nameof(WeakSecrets))]
    public void FindWeakness_WeakSecret_SaysWhy(string encoded, string reason)
    {
        var weakness = SecretRule.FindWeakness(encoded);
        Assert.NotNull(weakness);
        Assert.StartsWith(reason, weakness, StringComparison.Ordinal);
        Assert.DoesNotContain(encoded.Length > 0 ? encoded : "\0", weakness, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(64)]
    [InlineData(1024)]
    public void FindWeakness_RandomSecretOfAnyLengthFrom32_IsAccepted(int length)
    {
        var secret = RandomNumberGenerator.GetBytes(length);
        Assert.Null(SecretRule.FindWeakness(secret));
        Assert.Null(SecretRule.FindWeakness(Convert.ToHexStringLower(secret)));
        Assert.Null(SecretRule.FindWeakness(Convert.ToBase64String(secret)));
    }

    [Fact]
    public void FindWeakness_LettersOnlyBase64WithBothCases_IsAccepted()
    {
        // Random base64 is letters only about once in 7,500 secrets; such a value must still pass.
        const string lettersOnly = "qWeRtYuIoPaSdFgHjKlZxCvBnMmNbVcXzLkJhGfDsAp=";
        Assert.Equal(32, Keyring.DecodeSecret(lettersOnly).Length);
        Assert.Null(SecretRule.FindWeakness(lettersOnly));
    }
}
