using System.CommandLine;
using Tessera.Cli;

// The forms of these commands are a contract other tools script against: keep them stable.
// Exit codes: 0 valid/ok, 1 invalid or refused input, 2 usage error.
var root = new RootCommand("Tessera: web sessions and authentication tickets (auth_tkt, sealed cookies, server-side sessions).")
{
    SecretCommand.Create(),
    TicketCommand.Create(),
    CookieCommand.Create(),
    StoreCommand.Create(),
};
root.HelpName = "tessera"; // the installed command's name, also under `dotnet run` (whose process is Tessera.Cli)

return CliRunner.Run(root, args, Console.Out, Console.Error);
