using System.Security.Cryptography;

namespace Tessera.Sessions;

/// <summary>
/// Hands out bytes from <see cref="RandomNumberGenerator"/> drawn 4 KiB at a time per thread: one call to the
/// operating system's CSPRNG costs microseconds whatever the length, and a request needs several small draws
/// (nonce, id, key). Bytes handed out are wiped from the buffer.
/// </summary>
internal static class RandomPool
{
    private const int BufferSize = 4096;

    [ThreadStatic]
    private static byte[]? t_buffer;

    [ThreadStatic]
    private static int t_position;

    public static void Fill(Span<byte> destination)
    {
        if (destination.Length > BufferSize / 4)
        {
            RandomNumberGenerator.Fill(destination);
            return;
        }

        var buffer = t_buffer;
        if (buffer is null || t_position + destination.Length > BufferSize)
        {
            buffer ??= t_buffer = new byte[BufferSize];
            RandomNumberGenerator.Fill(buffer);
            t_position = 0;
        }

        var slice = buffer.AsSpan(t_position, destination.Length);
        slice.CopyTo(destination);
        slice.Clear();
        t_position += destination.Length;
    }

    public static byte[] GetBytes(int length)
    {
        var bytes = new byte[length];
        Fill(bytes);
        return bytes;
    }
}
