namespace Tessera.Tickets;

/// <summary>The digest construction of an auth_tkt ticket. All four share one layout (spec §1).</summary>
public enum TicketScheme
{
    /// <summary>mod_auth_tkt's default: <c>md5hex(md5hex(M) || secret)</c>, 32 lowercase hex digits.</summary>
    Md5,

    /// <summary>mod_auth_tkt <c>TKTAuthDigestType SHA256</c>: the same double hash with SHA-256, 64 hex digits.</summary>
    Sha256,

    /// <summary>mod_auth_tkt <c>TKTAuthDigestType SHA512</c>: the same double hash with SHA-512, 128 hex digits.</summary>
    Sha512,

    /// <summary>plone.session's default (tktauth.py, <c>mod_auth_tkt=False</c>): HMAC-SHA256, 32 raw bytes. Apache cannot read it.</summary>
    HmacSha256,
}
