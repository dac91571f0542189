namespace Tessera.AspNetCore;

/// <summary>
/// Thrown by an auth_tkt sign-in that cannot issue a ticket for this client (an IPv6 client under
/// <see cref="AuthTktIPv6Policy.RefuseSignIn"/>). Nothing was written to the response; sign in the ticket before other
/// sign-in steps so that catching this leaves nothing half done.
/// </summary>
public sealed class AuthTktSignInRefusedException : InvalidOperationException
{
    /// <summary>Creates the exception with a default message.</summary>
    public AuthTktSignInRefusedException()
        : base("The auth_tkt sign-in was refused for this client.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public AuthTktSignInRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public AuthTktSignInRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
