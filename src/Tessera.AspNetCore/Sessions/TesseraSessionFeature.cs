using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Tessera.Sessions;

namespace Tessera.AspNetCore;

/// <summary>
/// Both <see cref="ISessionFeature"/> (so <c>HttpContext.Session</c> works) and <see cref="ITesseraSessionFeature"/>.
/// The session object is made on first use; a request that never touches it allocates nothing more and writes no cookie.
/// A session the middleware read before the endpoint but that nothing has used yet (<see cref="RequestSession.IsDeferred"/>)
/// gets its before-the-response commit callback only when first used.
/// </summary>
internal sealed class TesseraSessionFeature : ISessionFeature, ITesseraSessionFeature
{
    private readonly HttpContext _context;
    private readonly ISessionEngine _engine;
    private readonly TesseraHttpMetrics _metrics;
    private RequestSession? _session;
    private ISession? _adapter;
    private bool _committed;
    private bool _commitRegistered;
    private bool _discarded;

    public TesseraSessionFeature(HttpContext context, ISessionEngine engine, TesseraHttpMetrics metrics)
    {
        _context = context;
        _engine = engine;
        _metrics = metrics;
    }

    public ISession Session
    {
        get => _adapter ??= new TesseraSessionAdapter(Current);
        set => _adapter = value;
    }

    ITesseraSession ITesseraSessionFeature.Session => Current;

    public bool IsMaterialized => _session is not null;

    public RequestSession Current
    {
        get
        {
            if (_session is null)
            {
                Attach(_engine.CreateNew(_context));
            }
            else if (!_commitRegistered)
            {
                RegisterCommit();
            }

            return _session!;
        }
    }

    public void Attach(RequestSession session)
    {
        _session = session;
        if (!session.IsDeferred)
        {
            RegisterCommit();
        }
    }

    public void Discard() => _discarded = true;

    /// <summary>Saves the session and writes its cookie, once; a deferred session (unused, no touch due) has nothing to save.</summary>
    public Task CommitAsync()
    {
        if (_committed || _discarded || _session is null)
        {
            return Task.CompletedTask;
        }

        _committed = true;
        return _session.IsDeferred ? Task.CompletedTask : CommitCoreAsync(_session);
    }

    private async Task CommitCoreAsync(RequestSession session)
    {
        try
        {
            await session.CommitAsync(_context.Response, _context.RequestAborted).ConfigureAwait(false);
        }
        catch (SessionConflictException)
        {
            try
            {
                _context.Response.StatusCode = StatusCodes.Status409Conflict;
                _context.Response.Headers.CacheControl = "no-store";
            }
            catch (InvalidOperationException)
            {
                // Headers already sent: the conflict is in the log only.
            }
        }
    }

    private void RegisterCommit()
    {
        _commitRegistered = true;
        if (!_context.Response.HasStarted)
        {
            _context.Response.OnStarting(static state => ((TesseraSessionFeature)state).CommitOnStartingAsync(), this);
        }
    }

    private async Task CommitOnStartingAsync()
    {
        try
        {
            await CommitAsync().ConfigureAwait(false);
        }
        catch (SessionStoreException ex)
        {
            // The endpoint started its own response, so the middleware cannot answer for it; an exception here would be
            // a 500. The status and headers are still ours: a 503 like every other store failure (the store logged it).
            _metrics.StoreFailures.Add(1, new KeyValuePair<string, object?>("tessera.store.name", ex.StoreName));
            _context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            _context.Response.Headers.CacheControl = "no-store";
            _context.Response.Headers.RetryAfter = "5";
        }
    }
}
