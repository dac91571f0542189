using Tessera.Keys;

namespace Tessera.AspNetCore;

/// <summary>The keyring parsed from <c>Tessera:Secrets</c>, as a service (its own type, so it never clashes with another <see cref="Keys.Keyring"/> registration).</summary>
/// <param name="Keyring">The keyring, newest secret first.</param>
public sealed record TesseraKeyring(Keyring Keyring);
