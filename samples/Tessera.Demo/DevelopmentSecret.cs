using System.Security.Cryptography;

namespace Tessera.Demo;

/// <summary>
/// Zero-configuration secret: when <c>Tessera:Secrets</c> is not configured, a random 32-byte secret is generated on
/// first run and kept in <c>tessera-dev-secret.txt</c> beside the SQLite database (the working directory), so a
/// restart keeps everyone signed in. Production configures its own.
/// </summary>
internal static class DevelopmentSecret
{
    public const string FileName = "tessera-dev-secret.txt";

    /// <summary>Adds the development secret to <paramref name="configuration"/> when none is set; returns its file, or null.</summary>
    public static string? EnsureConfigured(ConfigurationManager configuration)
    {
        if (configuration.GetSection("Tessera:Secrets").GetChildren().Any())
        {
            return null;
        }

        var path = Path.GetFullPath(configuration["Demo:DataDirectory"] is { Length: > 0 } dir ? Path.Combine(dir, FileName) : FileName);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var tmp = path + "." + Environment.ProcessId + ".tmp";
            File.WriteAllText(tmp, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) + "\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            try
            {
                File.Move(tmp, path, overwrite: false);
            }
            catch (IOException)
            {
                // Another process created it first: use theirs.
                File.Delete(tmp);
            }
        }

        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Tessera:Secrets:0"] = File.ReadAllText(path).Trim() });
        return path;
    }
}
