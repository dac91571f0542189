using System.CommandLine;
using System.Text.Json;
using Tessera.Keys;
using Tessera.PostgreSql;
using Tessera.Redis;
using Tessera.Sessions;
using Tessera.Sqlite;
using Tessera.Stores;

namespace Tessera.Cli;

/// <summary>
/// <c>tessera store sweep|stats|list-user|revoke-user --provider sqlite|file|postgresql|redis --connection VALUE [--user ID]</c>:
/// operator commands on an existing session store (never created, its schema never created or migrated here). Prints
/// JSON; exit 0 ok, 1 failure (store error, missing store, or a secret that does not match the store), 2 usage.
/// </summary>
internal static class StoreCommand
{
    public const string SecretsVariable = "TESSERA_SECRETS";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    // The same providers, defaults and errors as the application's Tessera:Store:Provider.
    private static readonly SessionStoreProvider[] Providers = [SqliteStoreProvider.Create(), PostgreSqlStoreProvider.Create(), RedisStoreProvider.Create()];

    private static readonly string[] ProviderNames = ["sqlite", "file", "postgresql", "redis"];

    public static Command Create(Func<string, string?>? environment = null)
    {
        var env = environment ?? Environment.GetEnvironmentVariable;
        var command = new Command("store", "Operate on a server-side session store: sweep expired sessions, count them, list or revoke a user's sessions.");
        command.Subcommands.Add(Simple("sweep", "Delete expired sessions; prints {\"swept\": N}.", async (store, ct) =>
            store is IExpiredSessionSweeper sweeper
                ? new Dictionary<string, object?> { ["swept"] = await sweeper.SweepAsync(ct).ConfigureAwait(false) }
                : throw new NotSupportedException($"Store '{store.Name}' cannot sweep.")));
        command.Subcommands.Add(Simple("stats", "Count live and expired (unswept) sessions; prints {\"live\": N, \"expired\": N}.", async (store, ct) =>
        {
            if (store is not ISessionStoreStatistics statistics)
            {
                throw new NotSupportedException($"Store '{store.Name}' cannot count its sessions.");
            }

            var s = await statistics.GetStatisticsAsync(ct).ConfigureAwait(false);
            return new Dictionary<string, object?> { ["live"] = s.Live, ["expired"] = s.Expired };
        }));
        command.Subcommands.Add(UserCommand("list-user", "List a user's live sessions (fingerprint, times, client IP and user agent when recorded).", env, revoke: false));
        command.Subcommands.Add(UserCommand("revoke-user", "Revoke a user's sessions (all, or one with --fingerprint); prints {\"revoked\": N}.", env, revoke: true));
        return command;
    }

    private static (Option<string> Provider, Option<string> Connection) StoreOptions()
    {
        var provider = new Option<string>("--provider") { Description = "Store provider.", Required = true };
        provider.AcceptOnlyFromAmong(ProviderNames);
        var connection = new Option<string>("--connection")
        {
            Description = "sqlite: a database path or connection string; file: the store's root directory; postgresql: an Npgsql connection string; redis: host:port[,password=...][,ssl=true]. The store must exist: nothing is created.",
            Required = true,
        };
        return (provider, connection);
    }

    private static Command Simple(string name, string description, Func<ISessionStore, CancellationToken, Task<Dictionary<string, object?>>> run)
    {
        var (provider, connection) = StoreOptions();
        var command = new Command(name, description) { provider, connection };
        command.SetAction((result, ct) => RunAsync(result, provider, connection, run, ct));
        return command;
    }

    private static Command UserCommand(string name, string description, Func<string, string?> env, bool revoke)
    {
        var (provider, connection) = StoreOptions();
        var user = new Option<string>("--user") { Description = "The user id, as the application passed it to SignInAsync.", Required = true };
        var secrets = new Option<string[]>("--secret-hex")
        {
            Description = $"A server secret in hex, newest first; repeat for older ones. Default: the {SecretsVariable} environment variable (comma-separated, hex or base64). Needed to compute the user's index tag.",
            AllowMultipleArgumentsPerToken = false,
        };
        var fingerprint = new Option<string?>("--fingerprint") { Description = "Revoke only the session with this fingerprint (from list-user)." };
        var command = new Command(name, description) { provider, connection, user, secrets };
        if (revoke)
        {
            command.Options.Add(fingerprint);
        }

        command.SetAction(async (result, ct) =>
        {
            var error = result.InvocationConfiguration.Error;
            var given = result.GetValue(secrets) ?? [];
            var encoded = given.Length > 0 ? given : (env(SecretsVariable) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (encoded.Length == 0)
            {
                await error.WriteLineAsync($"{name} needs the server secret: pass --secret-hex HEX or set {SecretsVariable}.").ConfigureAwait(false);
                return CliRunner.Usage;
            }

            Keyring keyring;
            try
            {
                keyring = Keyring.Parse(encoded, SecretRule.MinimumLength);
            }
            catch (ArgumentException e)
            {
                await error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return CliRunner.Usage;
            }

            var userId = result.GetValue(user)!;
            return await RunAsync(result, provider, connection, async (store, token) =>
            {
                // The user's index tag is derived from the secret: with a wrong one every answer would be empty, so the
                // secret is checked against the store's key-check value first.
                var verdict = await new StoreKeyCheck(keyring).VerifyAsync(store, token).ConfigureAwait(false);
                if (verdict == StoreKeyVerdict.Mismatch)
                {
                    throw new WrongSecretException(
                        $"The secret does not match store '{store.Name}': none of the {keyring.Secrets.Count} secret(s) given wrote its key-check value. "
                        + $"Pass the application's Tessera:Secrets (--secret-hex or {SecretsVariable}).");
                }

                if (verdict != StoreKeyVerdict.Matches)
                {
                    var why = verdict == StoreKeyVerdict.NotRecorded
                        ? "keeps no key-check value yet (the application writes one with its next session save)"
                        : "cannot keep a key-check value";
                    await error.WriteLineAsync($"warning: store '{store.Name}' {why}, so the secret could not be verified: an empty result may mean a wrong secret.").ConfigureAwait(false);
                }

                if (store is not IUserSessionIndex)
                {
                    throw new NotSupportedException($"Store '{store.Name}' has no user index: it cannot list or revoke a user's sessions.");
                }

                var directory = new UserSessionDirectory(store, keyring);
                var keyCheck = verdict == StoreKeyVerdict.Matches ? "matches" : "not-recorded";
                if (!revoke)
                {
                    var sessions = await directory.ListAsync(userId, null, token).ConfigureAwait(false);
                    return new Dictionary<string, object?>
                    {
                        ["keyCheck"] = keyCheck,
                        ["sessions"] = sessions.Select(s => new Dictionary<string, object?>
                        {
                            ["fingerprint"] = s.Fingerprint,
                            ["created"] = s.CreatedAt,
                            ["lastSeen"] = s.LastSeenAt,
                            ["expires"] = s.ExpiresAt,
                            ["clientIp"] = s.ClientIp,
                            ["userAgent"] = s.UserAgent,
                        }).ToList(),
                    };
                }

                var one = result.GetValue(fingerprint);
                var count = one is null
                    ? await directory.RevokeAllAsync(userId, null, token).ConfigureAwait(false)
                    : await directory.RevokeAsync(userId, one, token).ConfigureAwait(false) ? 1 : 0;
                return new Dictionary<string, object?> { ["keyCheck"] = keyCheck, ["revoked"] = count };
            }, ct).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        ParseResult result,
        Option<string> provider,
        Option<string> connection,
        Func<ISessionStore, CancellationToken, Task<Dictionary<string, object?>>> run,
        CancellationToken cancellationToken)
    {
        var output = result.InvocationConfiguration.Output;
        var error = result.InvocationConfiguration.Error;
        var providerName = result.GetValue(provider)!;
        ISessionStore store;
        try
        {
            store = SessionStoreFactory.Create(providerName, Providers, new SessionStoreContext { ConnectionString = result.GetValue(connection), ExistingOnly = true });
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return CliRunner.Usage;
        }
        catch (SessionStoreException e)
        {
            await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return CliRunner.Invalid;
        }

        try
        {
            var body = new Dictionary<string, object?> { ["provider"] = providerName };
            foreach (var (key, value) in await run(store, cancellationToken).ConfigureAwait(false))
            {
                body[key] = value;
            }

            await output.WriteLineAsync(JsonSerializer.Serialize(body, Json)).ConfigureAwait(false);
            return CliRunner.Ok;
        }
        catch (Exception e) when (e is SessionStoreException or NotSupportedException or WrongSecretException)
        {
            await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return CliRunner.Invalid;
        }
        finally
        {
            (store as IDisposable)?.Dispose();
        }
    }

    /// <summary>The given secrets are not the ones the store was written with.</summary>
    private sealed class WrongSecretException(string message) : Exception(message);
}
