using System.CommandLine;

namespace Tessera.Cli.Tests;

/// <summary>The runner's guard: whatever a command throws leaves the tool as one line and an exit code, never a stack trace.</summary>
public sealed class CliRunnerTests
{
    private static (int Exit, string Out, string Err) Run(Exception thrown)
    {
        var command = new Command("boom");
        command.SetAction(int (_) => throw thrown);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CliRunner.Run(new RootCommand { command }, ["boom"], stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Run_CommandThrows_OneLineExit1()
    {
        var (exit, output, err) = Run(new InvalidOperationException("the writer gave up\nat depth 64"));

        Assert.Equal(1, exit);
        Assert.Empty(output);
        Assert.Equal("tessera: the writer gave up at depth 64 (InvalidOperationException)" + Environment.NewLine, err);
    }

    [Fact]
    public void Run_UsageExceptionThrown_MessageOnlyExit2()
    {
        var (exit, _, err) = Run(new CliUsageException("--data: cannot read 'x.json'"));

        Assert.Equal(2, exit);
        Assert.Equal("--data: cannot read 'x.json'" + Environment.NewLine, err);
    }

    [Fact]
    public void Run_UnknownOption_Exit2WithoutTrace()
    {
        var stderr = new StringWriter();

        var exit = CliRunner.Run(new RootCommand { CookieCommand.Create() }, ["cookie", "open", "--bogus"], new StringWriter(), stderr);

        Assert.Equal(2, exit);
        Assert.DoesNotContain("   at ", stderr.ToString());
        Assert.Contains("--bogus", stderr.ToString());
    }
}
