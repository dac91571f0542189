using System.Net;
using System.Security.Cryptography;
using System.Xml.Linq;
using Tessera.TestSupport;

namespace Tessera.Packaging.Tests;

/// <summary>
/// What a new user does: a fresh <c>dotnet new web</c> app that takes Tessera.AspNetCore and Tessera.Sqlite from the
/// packed feed only, and the <c>tessera</c> tool installed from it. Catches a broken package before a user does.
/// </summary>
public sealed class ConsumptionTests(LocalFeed feed) : IClassFixture<LocalFeed>
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(4);

    /// <summary>The app, as src/Tessera.AspNetCore/README.md shows it (keep the two in step).</summary>
    private const string ProgramCs = """
        using Tessera.AspNetCore;
        using Tessera.Sqlite;

        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddTessera()                        // binds and validates the "Tessera" section
            .AddSqliteStore();                               // package Tessera.Sqlite (or Tessera.PostgreSql, Tessera.Redis)
        var app = builder.Build();
        app.UseTessera();

        app.MapGet("/", (HttpContext c) => c.Session.GetString("name") ?? "anonymous");   // unchanged ISession
        app.MapPost("/name/{name}", (HttpContext c, string name) => c.Session.SetString("name", name));
        app.Run();
        """;

    private static readonly string[] AppPackages = ["Tessera.AspNetCore", "Tessera.Sqlite"];

    [Fact]
    public async Task WebApp_PackagesFromFeedOnly_SessionRoundTripsOverHttp()
    {
        var app = Path.Combine(feed.WorkDirectory, "app");
        await DotnetAsync(feed.WorkDirectory, "new", "web", "-n", "ConsumerApp", "-o", app, "--no-restore");
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), await NuGetConfigAsync());
        var project = XDocument.Load(Path.Combine(app, "ConsumerApp.csproj"));
        project.Root!.Add(new XElement("ItemGroup", AppPackages.Select(id => new XElement("PackageReference", new XAttribute("Include", id), new XAttribute("Version", feed.Version)))));
        project.Save(Path.Combine(app, "ConsumerApp.csproj"));
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), ProgramCs);
        await DotnetAsync(app, "build", "-c", "Release", "-o", "out", "-nologo");
        Assert.All(AppPackages, id => Assert.Contains($"\"{id}/{feed.Version}\"", File.ReadAllText(Path.Combine(app, "obj", "project.assets.json")), StringComparison.Ordinal));

        var port = LoopbackPort.Free();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Tessera__Secrets__0"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            ["Tessera__Store__ConnectionString"] = "Data Source=" + Path.Combine(app, "sessions.db"),
        };
        using var server = Processes.Start("dotnet", [Path.Combine(app, "out", "ConsumerApp.dll")], app, environment, out var log);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            Assert.Equal("anonymous", await WaitForFirstAnswerAsync(http, server, log));

            using var set = await http.PostAsync(new Uri("/name/alice", UriKind.Relative), null);
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
            var cookie = Assert.Single(set.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-tessera=", StringComparison.Ordinal)).Split(';')[0];

            Assert.Equal("alice", await GetAsync(http, cookie));
            // Without the cookie, or with one byte of it changed, there is no session: the round trip is the cookie's.
            Assert.Equal("anonymous", await GetAsync(http, null));
            Assert.Equal("anonymous", await GetAsync(http, cookie[..^1] + (cookie[^1] == 'A' ? 'B' : 'A')));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task TesseraTool_InstalledFromFeed_PrintsSecret()
    {
        var tools = Path.Combine(feed.WorkDirectory, "tools");
        await DotnetAsync(feed.WorkDirectory, "tool", "install", "Tessera.Cli", "--version", feed.Version, "--tool-path", tools, "--add-source", feed.FeedDirectory);
        var tessera = Path.Combine(tools, OperatingSystem.IsWindows() ? "tessera.exe" : "tessera");

        var secret = (await Processes.RunAsync(tessera, ["secret"], feed.WorkDirectory, CommandTimeout)).Trim();
        Assert.Matches("^[0-9a-f]{64}$", secret);
        var help = await Processes.RunAsync(tessera, ["--help"], feed.WorkDirectory, CommandTimeout);
        Assert.Contains("tessera [command]", help, StringComparison.Ordinal);
    }

    private static Task<string> DotnetAsync(string workingDirectory, params string[] arguments) =>
        Processes.RunAsync("dotnet", arguments, workingDirectory, CommandTimeout);

    /// <summary>Tessera packages from the feed only; everything else from the sources this machine normally uses.</summary>
    private async Task<string> NuGetConfigAsync()
    {
        var listed = await DotnetAsync(feed.WorkDirectory, "nuget", "list", "source", "--format", "short");
        var machine = listed.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("E ", StringComparison.Ordinal)).Select(l => l[2..].Trim()).ToList();
        Assert.NotEmpty(machine);
        var config = new XElement("configuration",
            new XElement("packageSources",
                new XElement("clear"),
                new XElement("add", new XAttribute("key", "tessera-feed"), new XAttribute("value", feed.FeedDirectory)),
                machine.Select((url, i) => new XElement("add", new XAttribute("key", $"machine-{i}"), new XAttribute("value", url)))),
            new XElement("packageSourceMapping",
                new XElement("packageSource", new XAttribute("key", "tessera-feed"),
                    new XElement("package", new XAttribute("pattern", "Tessera")),
                    new XElement("package", new XAttribute("pattern", "Tessera.*"))),
                machine.Select((_, i) => new XElement("packageSource", new XAttribute("key", $"machine-{i}"), new XElement("package", new XAttribute("pattern", "*"))))));
        return config.ToString();
    }

    private static async Task<string> WaitForFirstAnswerAsync(HttpClient http, System.Diagnostics.Process server, System.Text.StringBuilder log)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            Assert.False(server.HasExited, "The app exited at start-up:\n" + log);
            try
            {
                return await GetAsync(http, null);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException("The app did not answer within 60 s:\n" + log);
    }

    private static async Task<string> GetAsync(HttpClient http, string? cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
