using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Npgsql;
using StackExchange.Redis;

namespace Tessera.Fleet.Tests;

/// <summary>
/// Two demo servers on different ports sharing one store, driven over HTTP as a browser would: sessions move
/// between servers, concurrent writers lose nothing, a store outage is a clean 503, corrupt records read as
/// "no session".
/// </summary>
public sealed class FleetTests
{
    private const string SessionCookie = "tessera";
    private const string Alice = "alice";
    private const string AlicePassword = "alice-password";
    private const string Bob = "bob";
    private const string BobPassword = "bob-password";
    private static readonly string Secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static TheoryData<string> Providers => new() { "PostgreSql", "Redis" };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Session_CreatedOnOneServer_IsUsedChangedAndSignedOutOnTheOther(string provider)
    {
        using var store = await FleetStore.CreateAsync(provider);
        await using var a = await DemoInstance.StartAsync(store.Provider, store.ConnectionString, Secret);
        await using var b = await DemoInstance.StartAsync(store.Provider, store.ConnectionString, Secret);
        using var browser = new FleetClient();

        Assert.Equal(HttpStatusCode.OK, await browser.LoginAsync(a, Alice, AlicePassword));
        Assert.Equal(HttpStatusCode.NoContent, (await browser.PutAsync(a, "color", "blue")).Status);

        var onB = await browser.GetSessionAsync(b);
        Assert.Equal(HttpStatusCode.OK, onB.Status);
        Assert.Equal(Alice, onB.User);
        Assert.Equal("blue", onB.Data!["color"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, (await browser.PutAsync(b, "color", "green")).Status);
        Assert.Equal("green", (await browser.GetSessionAsync(a)).Data!["color"]!.GetValue<string>());

        var stolen = browser.Clone(); // the cookie as it was before sign-out
        Assert.Equal(HttpStatusCode.NoContent, await browser.LogoutAsync(b));
        var afterOnA = await stolen.GetSessionAsync(a);
        Assert.Equal(HttpStatusCode.OK, afterOnA.Status);
        Assert.Null(afterOnA.User);
        Assert.False(afterOnA.Data!.ContainsKey("color"), "the signed-out session's data is still readable on the other server");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Password_ChangedOnOneServer_OtherServerRefusesTheOldOneAndEndsTheOtherSession(string provider)
    {
        using var store = await FleetStore.CreateAsync(provider);
        // The user table: in the PostgreSQL database of the sessions; with Redis, in an SQLite file the servers share.
        var users = new Dictionary<string, string> { ["Demo__Users__frank"] = "frank-password" };
        if (provider == "Redis")
        {
            users["Demo__UsersDatabase"] = Path.Combine(Directory.CreateTempSubdirectory("tessera-fleet-users-").FullName, "users.db");
        }

        await using var a = await DemoInstance.StartAsync(store.Provider, store.ConnectionString, Secret, users);
        await using var b = await DemoInstance.StartAsync(store.Provider, store.ConnectionString, Secret, users);
        using var laptop = new FleetClient();
        using var phone = new FleetClient();
        Assert.Equal(HttpStatusCode.OK, await laptop.LoginAsync(a, "frank", "frank-password"));
        Assert.Equal(HttpStatusCode.OK, await phone.LoginAsync(b, "frank", "frank-password"));

        Assert.Equal(HttpStatusCode.NoContent, await laptop.ChangePasswordAsync(a, "frank-password", "frank-new"));

        Assert.Null((await phone.GetSessionAsync(b)).User);
        Assert.Equal("frank", (await laptop.GetSessionAsync(b)).User);
        using var again = new FleetClient();
        Assert.Equal(HttpStatusCode.Unauthorized, await again.LoginAsync(b, "frank", "frank-password"));
        Assert.Equal(HttpStatusCode.OK, await again.LoginAsync(b, "frank", "frank-new"));
    }

    /// <remarks>
    /// Rounds of simultaneous writers, each client one key, alternating servers. With one key per client every
    /// conflict a writer meets is another writer's success, so a round of 8 needs at most 8 save attempts: the
    /// session manager's default MaxMergeAttempts. (More simultaneous writers on one session than that can exhaust
    /// the merge attempts, jittered backoff notwithstanding; the ASP.NET Core layer then answers 409 and stores
    /// nothing, so a change is refused, never silently lost.)
    /// </remarks>
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Session_ManyClientsWritingDifferentKeysThroughBothServers_NoLostUpdate(string provider)
    {
        const int Rounds = 4;
        const int ClientsPerRound = 8;
        using var store = await FleetStore.CreateAsync(provider);
        await using var a = await DemoInstance.StartAsync(store.Provider, store.ConnectionString, Secret);
        await using var b = await DemoInstance.StartAsync(store.Provider, store.ConnectionString, Secret);
        using var browser = new FleetClient();
        Assert.Equal(HttpStatusCode.OK, await browser.LoginAsync(a, Alice, AlicePassword));
        Assert.Equal(HttpStatusCode.NoContent, (await browser.PutAsync(a, "base", "kept")).Status);
        Assert.True(browser.Cookies.ContainsKey(SessionCookie), "no session cookie named " + SessionCookie);

        var failures = new ConcurrentBag<string>();
        for (var round = 0; round < Rounds; round++)
        {
            using var start = new SemaphoreSlim(0);
            var writers = Enumerable.Range(0, ClientsPerRound).Select(client => Task.Run(async () =>
            {
                using var tab = browser.Clone();
                await start.WaitAsync();
                var (status, body) = await tab.PutAsync(client % 2 == 0 ? a : b, $"r{round}c{client}", round * 100 + client);
                var cookieKept = tab.Cookies.GetValueOrDefault(SessionCookie) == browser.Cookies.GetValueOrDefault(SessionCookie);
                if (status != HttpStatusCode.NoContent || !cookieKept)
                {
                    failures.Add($"round {round} client {client}: {(int)status} {body}, session cookie kept: {cookieKept}");
                }
            })).ToArray();
            start.Release(ClientsPerRound);
            await Task.WhenAll(writers);
        }

        Assert.True(failures.IsEmpty, string.Join("\n", failures) + Logs(a, b));
        var final = await browser.GetSessionAsync(b);
        Assert.Equal(Alice, final.User);
        Assert.Equal("kept", final.Data!["base"]!.GetValue<string>());
        var missing = Enumerable.Range(0, Rounds).SelectMany(r => Enumerable.Range(0, ClientsPerRound).Select(c => (r, c)))
            .Where(x => final.Data![$"r{x.r}c{x.c}"]?.GetValue<int>() != x.r * 100 + x.c)
            .Select(x => $"r{x.r}c{x.c}")
            .ToList();
        Assert.True(missing.Count == 0, $"lost updates: {string.Join(", ", missing)}" + Logs(a, b));
    }

    [Fact]
    public async Task PostgreSqlStopped_RequestsInFlightGet503_AndAfterRestartTheSameCookiesHaveTheirData()
    {
        using var store = await FleetStore.CreateAsync("PostgreSql", privateServer: true);
        await using var a = await DemoInstance.StartAsync(store.Provider, store.ConnectionString, Secret);
        await using var b = await DemoInstance.StartAsync(store.Provider, store.ConnectionString, Secret);
        using var alice = new FleetClient();
        using var bob = new FleetClient();
        Assert.Equal(HttpStatusCode.OK, await alice.LoginAsync(a, Alice, AlicePassword));
        Assert.Equal(HttpStatusCode.NoContent, (await alice.PutAsync(b, "color", "blue")).Status);
        Assert.Equal(HttpStatusCode.OK, await bob.LoginAsync(b, Bob, BobPassword));
        Assert.Equal(HttpStatusCode.NoContent, (await bob.PutAsync(a, "color", "red")).Status);

        await OutageUnderLoadAsync(store, a, b, alice, bob);

        foreach (var (client, user, color) in new[] { (alice, Alice, "blue"), (bob, Bob, "red") })
        {
            foreach (var server in new[] { a, b })
            {
                var view = await WaitUntilServedAsync(client, server);
                Assert.Equal(user, view.User);
                Assert.Equal(color, view.Data!["color"]!.GetValue<string>());
            }
        }
    }

    [Fact]
    public async Task RedisRestartedWithoutPersistence_RequestsGet503ThenUsersAreSignedOutCleanly()
    {
        using var store = await FleetStore.CreateAsync("Redis");
        await using var a = await DemoInstance.StartAsync(store.Provider, store.ConnectionString, Secret);
        await using var b = await DemoInstance.StartAsync(store.Provider, store.ConnectionString, Secret);
        using var alice = new FleetClient();
        using var bob = new FleetClient();
        Assert.Equal(HttpStatusCode.OK, await alice.LoginAsync(a, Alice, AlicePassword));
        Assert.Equal(HttpStatusCode.NoContent, (await alice.PutAsync(b, "color", "blue")).Status);
        Assert.Equal(HttpStatusCode.OK, await bob.LoginAsync(b, Bob, BobPassword));

        await OutageUnderLoadAsync(store, a, b, alice, bob);

        foreach (var client in new[] { alice, bob })
        {
            foreach (var server in new[] { a, b })
            {
                // Each server reads the old cookie once the multiplexer has reconnected (a clone per server:
                // the first answer clears the cookie).
                using var tab = client.Clone();
                var view = await WaitUntilServedAsync(tab, server);
                Assert.Null(view.User);
                Assert.False(view.Data!.ContainsKey("color"));
            }
        }

        foreach (var server in new[] { a, b })
        {
            using var again = new FleetClient();
            Assert.Equal(HttpStatusCode.OK, await again.LoginAsync(server, Alice, AlicePassword));
            Assert.Equal(Alice, (await again.GetSessionAsync(server == a ? b : a)).User);
        }
    }

    [Fact]
    public async Task PostgreSqlRowCorruptedByHand_ReadsAsNoSessionWithALogLine()
    {
        using var store = await FleetStore.CreateAsync("PostgreSql");
        await using var a = await DemoInstance.StartAsync(store.Provider, store.ConnectionString, Secret);
        await using var b = await DemoInstance.StartAsync(store.Provider, store.ConnectionString, Secret);
        using var alice = new FleetClient();
        Assert.Equal(HttpStatusCode.OK, await alice.LoginAsync(a, Alice, AlicePassword));
        Assert.Equal(HttpStatusCode.NoContent, (await alice.PutAsync(a, "color", "blue")).Status);

        await using (var sql = new NpgsqlConnection(store.ConnectionString))
        {
            await sql.OpenAsync();
            await using var corrupt = new NpgsqlCommand("UPDATE tessera.sessions SET data = set_byte(data, length(data) / 2, get_byte(data, length(data) / 2) # 255)", sql);
            Assert.True(await corrupt.ExecuteNonQueryAsync() >= 1);
        }

        var before = b.Output.Length;
        var view = await alice.GetSessionAsync(b);

        Assert.Equal(HttpStatusCode.OK, view.Status);
        Assert.Null(view.User);
        Assert.False(view.Data!.ContainsKey("color"));
        Assert.Contains("Tessera", b.Output[before..]);
    }

    [Fact]
    public async Task RedisKeySetToGarbage_ReadsAsNoSessionWithALogLine()
    {
        using var store = await FleetStore.CreateAsync("Redis");
        await using var a = await DemoInstance.StartAsync(store.Provider, store.ConnectionString, Secret);
        await using var b = await DemoInstance.StartAsync(store.Provider, store.ConnectionString, Secret);
        using var alice = new FleetClient();
        Assert.Equal(HttpStatusCode.OK, await alice.LoginAsync(a, Alice, AlicePassword));
        Assert.Equal(HttpStatusCode.NoContent, (await alice.PutAsync(a, "color", "blue")).Status);

        using (var redis = await ConnectionMultiplexer.ConnectAsync(store.ConnectionString + ",allowAdmin=true,syncTimeout=15000"))
        {
            var keys = redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: "tessera:s:*").ToList();
            Assert.NotEmpty(keys);
            foreach (var key in keys)
            {
                await redis.GetDatabase().StringSetAsync(key, "garbage");
            }
        }

        var view = await alice.GetSessionAsync(b);

        Assert.Equal(HttpStatusCode.OK, view.Status);
        Assert.Null(view.User);
        Assert.False(view.Data!.ContainsKey("color"));
        Assert.Contains("[3201]", b.Output);
    }

    /// <summary>Stops the store's server for 1.5 s while both users' clients read and write through both servers, checks the
    /// outage was clean (<see cref="AssertCleanOutage"/>), and starts the server again on the same data.</summary>
    private static async Task OutageUnderLoadAsync(FleetStore store, DemoInstance a, DemoInstance b, FleetClient alice, FleetClient bob)
    {
        var outcomes = await HammerWhileAsync(a, b, [(alice, Alice), (bob, Bob)], async () =>
        {
            await Task.Delay(300);
            await store.Server!.StopAsync(keep: true);
            await Task.Delay(1500);
        });

        AssertCleanOutage(outcomes, a, b);
        await store.Server!.RestartAsync();
    }

    /// <summary>Clients keep reading and writing through both servers, alternating, until <paramref name="during"/> is done.</summary>
    private static async Task<List<(string Expected, string Kind, HttpStatusCode Status, string? User, string Body)>> HammerWhileAsync(
        DemoInstance a, DemoInstance b, (FleetClient Client, string User)[] users, Func<Task> during)
    {
        var outcomes = new ConcurrentBag<(string, string, HttpStatusCode, string?, string)>();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var (client, user) = users[w % users.Length];
            using var tab = client.Clone();
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var server = (w + i) % 2 == 0 ? a : b;
                // One writer per session (contention is another test's subject), the other workers read.
                if (w < users.Length && i % 2 == 1)
                {
                    var (status, body) = await tab.PutAsync(server, $"w{w}", i);
                    outcomes.Add((user, "PUT", status, null, body));
                }
                else
                {
                    var view = await tab.GetSessionAsync(server);
                    outcomes.Add((user, "GET", view.Status, view.User, view.Body));
                }
            }
        })).ToArray();

        await during();
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        return [.. outcomes];
    }

    private static void AssertCleanOutage(List<(string Expected, string Kind, HttpStatusCode Status, string? User, string Body)> outcomes, DemoInstance a, DemoInstance b)
    {
        Assert.True(outcomes.Any(o => o.Status == HttpStatusCode.ServiceUnavailable), "no request saw the outage" + Logs(a, b));
        foreach (var o in outcomes)
        {
            Assert.True(o.Status is HttpStatusCode.OK or HttpStatusCode.NoContent or HttpStatusCode.ServiceUnavailable, $"{o.Kind} answered {(int)o.Status}: {o.Body}" + Logs(a, b));
            Assert.False(o.Body.Contains("   at ", StringComparison.Ordinal) || o.Body.Contains("Exception", StringComparison.Ordinal), "a stack trace reached the client: " + o.Body);

            // Never signed out by an outage, never signed in as someone else.
            Assert.True(o.Kind != "GET" || o.Status != HttpStatusCode.OK || o.User == o.Expected, $"GET as {o.Expected} answered 200 as '{o.User}': {o.Body}" + Logs(a, b));
        }
    }

    private static string Logs(DemoInstance a, DemoInstance b) =>
        $"\n--- server A log (tail) ---\n{Tail(a.Output)}\n--- server B log (tail) ---\n{Tail(b.Output)}";

    private static string Tail(string log) => log.Length <= 6000 ? log : log[^6000..];

    private static async Task<SessionView> WaitUntilServedAsync(FleetClient client, DemoInstance server)
    {
        SessionView view = null!;
        for (var i = 0; i < 150; i++)
        {
            view = await client.GetSessionAsync(server);
            if (view.Status != HttpStatusCode.ServiceUnavailable)
            {
                Assert.Equal(HttpStatusCode.OK, view.Status);
                return view;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"still 503 after 15 s: {view.Body}");
        return view;
    }
}
