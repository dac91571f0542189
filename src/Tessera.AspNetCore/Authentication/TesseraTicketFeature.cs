using Tessera.Sessions;

namespace Tessera.AspNetCore;

/// <summary>
/// What the ticket store knows about the request: the session its cookie named (so the device list can mark it
/// current and "revoke the others" can spare it), and a store failure met while authenticating (answered 503).
/// </summary>
internal sealed class TesseraTicketFeature
{
    public ServerSession? Session { get; set; }

    public SessionStoreException? Failure { get; set; }
}
