using System.Diagnostics;
using System.Text.Json.Nodes;
using Tessera.Cookies;

namespace Tessera.Cli.Tests;

/// <summary>The built tool as a separate process: values through real standard input, and no stack trace on stderr.</summary>
public sealed class CookieCommandProcessTests
{
    private static readonly string[] Keys = ["--format", "beaker", "--validate-key", "validate-key-one", "--encrypt-key", "encrypt-key-one", "--crypto-type", "cryptography"];

    private static (int Exit, string Out, string Err) RunTool(string stdin, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Tessera.Cli.dll");
        Assert.True(File.Exists(dll), $"The CLI is not built: {dll}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("tessera did not finish within 60 s");
        }

        return (process.ExitCode, output.GetAwaiter().GetResult().Trim(), error.GetAwaiter().GetResult().Trim());
    }

    [Fact]
    public void SealOpen_DataAndValueOnStandardInput_Over200KB()
    {
        var big = string.Concat(Enumerable.Repeat("a session value too large for a command line; ", 5000));
        Assert.True(big.Length > 200_000);

        var seal = RunTool(new JsonObject { ["blob"] = big }.ToJsonString(), ["cookie", "seal", .. Keys, "--data", "-", "--now", "1700000000"]);
        Assert.True(seal.Exit == 0, seal.Err);
        var open = RunTool(seal.Out + "\n", ["cookie", "open", .. Keys, "--value", "-", "--now", "1700000001"]);

        Assert.True(open.Exit == 0, open.Err);
        Assert.Equal(big, (string)JsonNode.Parse(open.Out)!["data"]!["blob"]!);
    }

    [Fact]
    public void Seal_DataPastDepthLimitOnStandardInput_OneLineExit1()
    {
        var (exit, output, err) = RunTool(CookieCommandTests.Nested(JsonLimits.MaxDepth + 1), ["cookie", "seal", .. Keys, "--data", "-"]);

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.StartsWith("refused: --data is nested 1001 levels deep", err);
        Assert.DoesNotContain('\n', err);
    }
}
