using System.Net;
using System.Net.Sockets;

namespace Tessera.Tickets;

/// <summary>Client addresses as the 4 bytes the digest holds.</summary>
internal static class TicketIp
{
    /// <summary>
    /// Writes an IPv4 address (or the IPv4 inside an IPv4-mapped IPv6 address) in network order. False for IPv6 and for
    /// 255.255.255.255, which mod_auth_tkt's inet_aton check refuses as INADDR_NONE.
    /// </summary>
    public static bool TryWriteIPv4(IPAddress? address, Span<byte> destination)
    {
        if (address is null)
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(destination, out _);
        }
        else if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6)
        {
            Span<byte> v6 = stackalloc byte[16];
            address.TryWriteBytes(v6, out _);
            v6[12..].CopyTo(destination);
        }
        else
        {
            return false;
        }

        return destination[..4].IndexOfAnyExcept((byte)0xFF) >= 0;
    }
}
