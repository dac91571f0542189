using System.Net.Sockets;
using Tessera.Sessions;

namespace Tessera.Tests.Sessions;

public sealed class SessionStoreExceptionTests
{
    [Fact]
    public void Message_DriverExceptionChain_NamesStoreStepAndEachDistinctCause()
    {
        var driver = new InvalidOperationException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused));

        var error = new SessionStoreException("postgresql", "load failed", driver);

        Assert.Equal("Session store 'postgresql' failed: load failed: Failed to connect to 127.0.0.1:5432: Connection refused", error.Message);
        Assert.Same(driver, error.InnerException);
    }

    [Fact]
    public void Message_CauseAlreadyInTheStep_IsNotRepeated()
    {
        var driver = new IOException("disk full");

        var error = new SessionStoreException("file", "save failed: disk full", driver);

        Assert.Equal("Session store 'file' failed: save failed: disk full", error.Message);
    }
}
