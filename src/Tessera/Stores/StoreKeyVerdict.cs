namespace Tessera.Stores;

/// <summary>How a keyring compares with the key-check value a store keeps (<see cref="StoreKeyCheck"/>).</summary>
public enum StoreKeyVerdict
{
    /// <summary>One of the keyring's secrets wrote the store's key-check value.</summary>
    Matches,

    /// <summary>The store keeps no key-check value yet (created before key checks and not written since, or empty): the secret cannot be verified.</summary>
    NotRecorded,

    /// <summary>No secret of the keyring matches: it is not the secret the application writes this store with.</summary>
    Mismatch,

    /// <summary>The store cannot keep a key-check value (it does not implement <see cref="Sessions.ISessionStoreKeyCheck"/>).</summary>
    NotSupported,
}
