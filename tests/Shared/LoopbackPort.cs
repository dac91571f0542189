using System.Net;
using System.Net.Sockets;

namespace Tessera.TestSupport;

/// <summary>
/// Free loopback ports for servers the tests start, so parallel test runs on one machine never clash. Picked at
/// random below the kernel's ephemeral range (as <c>scripts/free-ports.sh</c> does for test.sh): a port the OS hands
/// out (port 0) lies in that range, where the machine's own outgoing connections can take it before the server binds.
/// </summary>
internal static class LoopbackPort
{
    private const int Lowest = 10000;

    /// <summary>A port on 127.0.0.1 that was free a moment ago.</summary>
    public static int Free() => Block(1, 0);

    /// <summary>The first of <paramref name="count"/> consecutive ports that were free a moment ago, and with a
    /// nonzero <paramref name="offset"/> each of them + <paramref name="offset"/> too (a Redis cluster bus).</summary>
    public static int Block(int count, int offset)
    {
        var top = Math.Min(EphemeralLow(), 65536) - offset - count;
        if (top < Lowest + 1000)
        {
            top = 65536 - offset - count; // an ephemeral range that starts low leaves no room below it: anywhere, checked
        }

        for (var attempt = 0; attempt < 500; attempt++)
        {
            var first = Random.Shared.Next(Lowest, top);
            var ports = Enumerable.Range(first, count).SelectMany(p => offset == 0 ? [p] : new[] { p, p + offset });
            if (ports.All(IsFree))
            {
                return first;
            }
        }

        throw new InvalidOperationException($"No {count} free loopback ports found between {Lowest} and {top}.");
    }

    private static int EphemeralLow()
    {
        try
        {
            return int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split('\t', ' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return 32768;
        }
    }

    // A bind fails on a port any socket holds, listening or connected.
    private static bool IsFree(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
