using System.Net;
using System.Net.Sockets;
using Tessera.AspNetCore.Tests.Support;
using Tessera.TestSupport;

namespace Tessera.AspNetCore.Tests.Sessions;

/// <summary>
/// <c>Tessera:BindToClientIp</c> through real sockets: the same cookie sent from another loopback address
/// (127.0.0.2, a real source address on Linux) opens no session.
/// </summary>
public sealed class ClientIpBindingTests
{
    [Theory]
    [InlineData("true", "(none)")]
    [InlineData("false", "blue")]
    public async Task SessionCookie_FromAnotherClientIp_OpensOnlyWhenNotBound(string bind, string expected)
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:BindToClientIp", bind), ("Tessera:Cookie:SecurePolicy", "None")));
        var jar = new CookieJar();
        using var set = await jar.PostAsync(app.Client, "/set/color/blue");
        using var sameAddress = await jar.GetAsync(app.Client, "/get/color");
        Assert.Equal("blue", await sameAddress.Content.ReadAsStringAsync());

        using var elsewhere = ClientFrom(IPAddress.Parse("127.0.0.2"), app.Address);
        using var otherAddress = await jar.GetAsync(elsewhere, "/get/color");
        Assert.Equal(HttpStatusCode.OK, otherAddress.StatusCode);
        Assert.Equal(expected, await otherAddress.Content.ReadAsStringAsync());
    }

    private static HttpClient ClientFrom(IPAddress source, Uri address)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = address };
    }
}
