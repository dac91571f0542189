using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Tessera.Cookies;

/// <summary>
/// A per-thread JSON writer and buffer for serializing cookie payloads, so a seal allocates only the cookie string.
/// The buffer is zeroed on return: it held session plaintext.
/// </summary>
internal static class JsonScratch
{
    // Deep enough for a session dictionary at the limit inside its payload envelope.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = JsonLimits.MaxDepth + 1 };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static ArrayBufferWriter<byte> Rent(out Utf8JsonWriter writer)
    {
        var buffer = t_buffer;
        if (buffer is null)
        {
            // First use on this thread, or a nested use (the outer one holds the cached pair): use a fresh pair.
            buffer = new ArrayBufferWriter<byte>(512);
            writer = new Utf8JsonWriter(buffer, WriterOptions);
            return buffer;
        }

        t_buffer = null;
        writer = t_writer!;
        writer.Reset(buffer);
        return buffer;
    }

    public static void Return(ArrayBufferWriter<byte> buffer)
    {
        buffer.Clear();
        if (buffer.Capacity > 64 * 1024)
        {
            return; // do not keep an unusually large buffer alive per thread
        }

        if (t_writer is null)
        {
            t_writer = new Utf8JsonWriter(buffer, WriterOptions);
        }

        t_buffer = buffer;
    }
}
