using System.CommandLine;
using Tessera.Keys;

namespace Tessera.Cli.Tests;

public sealed class SecretCommandTests
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CliRunner.Run(new RootCommand { SecretCommand.Create() }, args, stdout, stderr);
        return (exit, stdout.ToString().Trim(), stderr.ToString().Trim());
    }

    [Theory]
    [InlineData("hex")]
    [InlineData("base64")]
    public void Secret_TenThousandOutputs_AllPassTheSecretRule(string format)
    {
        // 2 x 5,000 = 10^4 secrets: the weak-secret rule must never refuse what 'tessera secret' prints.
        for (var i = 0; i < 5000; i++)
        {
            var (exit, output, _) = Run("secret", "--format", format);
            Assert.Equal(CliRunner.Ok, exit);
            Assert.Equal(SecretRule.MinimumLength, Keyring.DecodeSecret(output).Length);
            Assert.Null(SecretRule.FindWeakness(output));
        }
    }

    [Fact]
    public void Secret_Bytes64_PrintsA64ByteSecret()
    {
        var (exit, output, _) = Run("secret", "--bytes", "64");
        Assert.Equal(CliRunner.Ok, exit);
        Assert.Equal(64, Convert.FromHexString(output).Length);
    }

    [Fact]
    public void Secret_Bytes16_RefusedNamingTheMinimum()
    {
        var (exit, output, error) = Run("secret", "--bytes", "16");
        Assert.Equal(CliRunner.Usage, exit);
        Assert.Empty(output);
        Assert.Contains("--bytes must be between 32 and 1024", error, StringComparison.Ordinal);
    }
}
