using System.Net;
using System.Net.Sockets;

namespace Tessera.TestSupport;

/// <summary>Free loopback ports, asked of the OS, so parallel test runs on one machine never clash.</summary>
internal static class LoopbackPort
{
    /// <summary>A port on 127.0.0.1 that was free a moment ago.</summary>
    public static int Free()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
