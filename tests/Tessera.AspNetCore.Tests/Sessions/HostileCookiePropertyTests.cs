using System.Buffers.Text;
using System.Net;
using FsCheck;
using FsCheck.Fluent;
using Tessera.AspNetCore.Tests.Support;

namespace Tessera.AspNetCore.Tests.Sessions;

/// <summary>Whatever a client puts in the session and ticket cookies, the answer is a normal one: never a 5xx.</summary>
public sealed class HostileCookiePropertyTests
{
    [Theory]
    [InlineData("Server")]
    [InlineData("Cookie")]
    public async Task SessionCookie_ArbitraryValue_AnsweredNormally(string mode)
    {
        await using var app = await SessionApp.StartAsync(TestApp.Settings(("Tessera:Mode", mode)));
        Prop.ForAll(HostileValues(), value => Status(app, TesseraOptions.DefaultHostCookieName, value, "/whoami") == HttpStatusCode.OK)
            .Check(Config.QuickThrowOnFailure.WithMaxTest(150));
    }

    [Fact]
    public async Task TicketCookie_ArbitraryValue_UnauthorizedNever5xx()
    {
        await using var app = await Authentication.AuthTktApp.StartAsync();
        Prop.ForAll(HostileValues(), value => Status(app, "auth_tkt", value, "/me") == HttpStatusCode.Unauthorized)
            .Check(Config.QuickThrowOnFailure.WithMaxTest(150));
    }

    /// <summary>Random cookie-safe text, and random bytes in base64url and base64 (so they get past the first checks).</summary>
    private static Arbitrary<string> HostileValues()
    {
        var safe = Gen.Elements("ABCabc019-_+/=.!~%\"'()*:".ToCharArray()).ArrayOf().Select(c => new string(c));
        var b64url = ArbMap.Default.GeneratorFor<byte[]>().Select(b => Base64Url.EncodeToString(b));
        var b64 = ArbMap.Default.GeneratorFor<byte[]>().Select(Convert.ToBase64String);
        var big = Gen.Choose(4000, 12000).Select(n => new string('Q', n));
        return Gen.OneOf(safe, b64url, b64, big).Where(s => s.Length > 0).ToArbitrary();
    }

    private static HttpStatusCode Status(TestApp app, string cookie, string value, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Cookie", cookie + "=" + value);
        using var response = app.Client.SendAsync(request).GetAwaiter().GetResult();
        return response.StatusCode;
    }
}
