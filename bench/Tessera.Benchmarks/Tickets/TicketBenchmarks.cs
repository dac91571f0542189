using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Tessera.Tickets;

namespace Tessera.Benchmarks.Tickets;

/// <summary>
/// Issue and validate per scheme against the bare digest over the same bytes: two hashes (inner over M, outer over
/// hex || secret) for the mod_auth_tkt schemes, one HMAC-SHA256 for plone's.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 5)]
public class TicketBenchmarks
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("benchmark secret, 32 bytes long!");
    private static readonly IPAddress Client = IPAddress.Parse("10.1.2.3");
    private static readonly DateTimeOffset Issued = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private readonly byte[] _digest = new byte[64];
    private TicketIssuer _issuer = null!;
    private TicketValidator _validator = null!;
    private AuthTicket _ticket = null!;
    private string _cookie = null!;
    private string _tampered = null!;
    private byte[] _message = null!;
    private byte[] _outer = null!;

    [Params(TicketScheme.Md5, TicketScheme.Sha256, TicketScheme.Sha512, TicketScheme.HmacSha256)]
    public TicketScheme Scheme { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new TicketOptions { Scheme = Scheme, Secrets = [Secret], RefreshFraction = 0 };
        _issuer = new TicketIssuer(options);
        _validator = new TicketValidator(options);
        _ticket = new AuthTicket { UserId = "alice@example.org", Tokens = ["admin", "ops"], UserData = "Alice Example", IssuedAt = Issued, ClientIp = Client };
        _cookie = _issuer.IssueCookieValue(_ticket);
        _tampered = new TicketIssuer(new TicketOptions { Scheme = Scheme, Secrets = [Encoding.UTF8.GetBytes("some other secret, 32 bytes long")] }).IssueCookieValue(_ticket);

        // M = IP4 || TS4 || [SECRET] || UID 0x00 TOKENS 0x00 DATA, exactly as the ticket code hashes it.
        var hex = Scheme != TicketScheme.HmacSha256;
        var fields = Encoding.UTF8.GetBytes("alice@example.org\0admin,ops\0Alice Example");
        _message = new byte[8 + (hex ? Secret.Length : 0) + fields.Length];
        Client.TryWriteBytes(_message, out _);
        BinaryPrimitives.WriteUInt32BigEndian(_message.AsSpan(4), (uint)Issued.ToUnixTimeSeconds());
        if (hex)
        {
            Secret.CopyTo(_message, 8);
        }

        fields.CopyTo(_message, _message.Length - fields.Length);
        var hashSize = Scheme switch { TicketScheme.Md5 => 16, TicketScheme.Sha256 => 32, _ => 64 };
        _outer = [.. Encoding.ASCII.GetBytes(new string('a', 2 * hashSize)), .. Secret];
    }

    [Benchmark(Baseline = true)]
    public byte[] BareDigest()
    {
        switch (Scheme)
        {
#pragma warning disable CA5351 // measuring what mod_auth_tkt's MD5 scheme costs
            case TicketScheme.Md5:
                MD5.HashData(_message, _digest);
                MD5.HashData(_outer, _digest);
                break;
#pragma warning restore CA5351
            case TicketScheme.Sha256:
                SHA256.HashData(_message, _digest);
                SHA256.HashData(_outer, _digest);
                break;
            case TicketScheme.Sha512:
                SHA512.HashData(_message, _digest);
                SHA512.HashData(_outer, _digest);
                break;
            default:
                HMACSHA256.HashData(Secret, _message, _digest);
                break;
        }

        return _digest;
    }

    [Benchmark]
    public string Issue() => _issuer.IssueCookieValue(_ticket);

    [Benchmark]
    public TicketVerdict Validate() => _validator.Validate(_cookie, Client, Issued);

    [Benchmark]
    public TicketVerdict ValidateBadDigest() => _validator.Validate(_tampered, Client, Issued);
}
