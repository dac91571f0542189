using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Tessera.Sessions;

namespace Tessera.Stores;

/// <summary>
/// Keeps one file per session under a directory. Writes are atomic (temporary file, flush to disk, rename over
/// the old file), so a crash mid-write leaves the old record or the new one, never a torn one.
/// </summary>
/// <remarks>
/// <para>Layout (version 1): <c>{root}/v1/records/{first two hex digits of key}/{64 hex digits of key}.session</c>,
/// temporary files in <c>{root}/v1/tmp</c> (same file system, so the rename is atomic), the key-check value in
/// <c>{root}/v1/key-check</c>. The user index is one empty marker file per tagged record,
/// <c>{root}/v1/users/{first two hex digits}/{SHA-256 hex of the user tag}/{64 hex digits of key}</c>, written before the
/// record (a crash leaves a stale marker, which listing skips and prunes, never an unlisted record); <c>{root}/v1/users.ready</c>
/// says every record has its marker (a store written before the index had none: the first listing builds them once).</para>
/// <para>File format (version 1, little-endian): <c>magic "TSF1" (4) | version (8) | expires-at unix ms (8) |
/// user tag length (2) | user tag ASCII | listing length (4) | listing | data length (4) | data</c>.</para>
/// <para>Single process only: the version check is guarded by in-process per-key locks. Several processes
/// sharing one directory can lose an update; use SQLite, PostgreSQL or Redis for that. Listing and revoking a user's
/// sessions read only that user's markers; sweeping and statistics scan the whole directory (see docs/stores.md for
/// the measured sizes to stop at).</para>
/// </remarks>
public sealed class FileSessionStore : ISessionStore, IUserSessionIndex, IExpiredSessionSweeper, ISessionStoreStatistics, ISessionStoreKeyCheck, ISessionStoreProbe, IDisposable
{
    /// <summary>The on-disk layout version, also the name of the directory under the root.</summary>
    public const int LayoutVersion = 1;

    private const string Extension = ".session";
    private const int HeaderLength = 4 + 8 + 8;
    private const int LockStripes = 64;
    private static readonly TimeSpan AbandonedTempAge = TimeSpan.FromHours(1);
    private static readonly byte[] Magic = "TSF1"u8.ToArray();
    private static readonly long MinUnixMilliseconds = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxUnixMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    private readonly string _records;
    private readonly string _tmp;
    private readonly string _keyCheck;
    private readonly string _users;
    private readonly string _usersReady;
    private readonly Lock _indexBuildLock = new();
    private volatile bool _indexReady;
    private readonly SemaphoreSlim _keyCheckLock = new(1, 1);
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim[] _locks = [.. Enumerable.Range(0, LockStripes).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>Creates a store under <paramref name="rootDirectory"/>; directories are created on first write.</summary>
    /// <param name="rootDirectory">Where the store lives; created if missing. Give it to the application's user only (mode 0700).</param>
    /// <param name="timeProvider">The clock that decides expiry; <see cref="TimeProvider.System"/> when null.</param>
    public FileSessionStore(string rootDirectory, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
        RootDirectory = Path.GetFullPath(rootDirectory);
        var layout = Path.Combine(RootDirectory, "v" + LayoutVersion);
        _records = Path.Combine(layout, "records");
        _tmp = Path.Combine(layout, "tmp");
        _keyCheck = Path.Combine(layout, "key-check");
        _users = Path.Combine(layout, "users");
        _usersReady = Path.Combine(layout, "users.ready");
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Name => "file";

    /// <summary>The full path of the store's root directory.</summary>
    public string RootDirectory { get; }

    /// <inheritdoc />
    public ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var record = Guard("load", () => ReadRecord(PathOf(key)));
        return ValueTask.FromResult(record is not null && record.ExpiresAt > _time.GetUtcNow() ? record : null);
    }

    /// <inheritdoc />
    public async ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.UserTag is { Length: > 1024 })
        {
            throw new ArgumentException("A user tag longer than 1024 characters is not a tag.", nameof(record));
        }

        var gate = LockOf(record.Key);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Guard("save", () =>
            {
                var path = PathOf(record.Key);
                var existing = ReadRecord(path);
                var liveVersion = existing is not null && existing.ExpiresAt > _time.GetUtcNow() ? existing.Version : 0;
                if (liveVersion != expectedVersion)
                {
                    return SaveResult.Conflict;
                }

                // The new marker before the record, the old one after: a crash can leave a stale marker, never an unlisted record.
                if (record.UserTag is { } tag)
                {
                    CreateMarker(tag, record.Key);
                }

                WriteAtomically(path, Serialize(record));
                if (existing?.UserTag is { } oldTag && !string.Equals(oldTag, record.UserTag, StringComparison.Ordinal))
                {
                    DeleteMarker(oldTag, record.Key);
                }

                return SaveResult.Saved;
            });
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken)
    {
        var gate = LockOf(key);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Guard("delete", () =>
            {
                var path = PathOf(key);
                string? tag;
                try
                {
                    tag = ReadRecord(path)?.UserTag;
                }
                catch (InvalidDataException)
                {
                    tag = null; // An unreadable record is still deleted; a marker it had is pruned on listing.
                }

                try
                {
                    File.Delete(path);
                }
                catch (DirectoryNotFoundException)
                {
                    // Nothing was ever stored under this prefix.
                }

                if (tag is not null)
                {
                    DeleteMarker(tag, key);
                }

                return 0;
            });
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SessionRecord>> ListByUserAsync(string userTag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userTag);
        return ListByUserTagsAsync([userTag], cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SessionRecord>> ListByUserTagsAsync(IReadOnlyCollection<string> userTags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userTags);
        var now = _time.GetUtcNow();
        var list = new List<SessionRecord>();
        foreach (var (tag, key) in Guard("list", () => IndexedKeys(userTags, cancellationToken)))
        {
            var record = Guard("list", () => ReadRecord(PathOf(key)));
            if (record is not null && string.Equals(record.UserTag, tag, StringComparison.Ordinal))
            {
                if (record.ExpiresAt > now)
                {
                    list.Add(record);
                }
            }
            else
            {
                await PruneMarkerAsync(tag, key, cancellationToken).ConfigureAwait(false);
            }
        }

        return list;
    }

    /// <inheritdoc />
    public ValueTask<int> DeleteByUserAsync(string userTag, SessionKey? except, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userTag);
        return DeleteByUserTagsAsync([userTag], except, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<int> DeleteByUserTagsAsync(IReadOnlyCollection<string> userTags, SessionKey? except, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userTags);
        var now = _time.GetUtcNow();
        var count = 0;
        foreach (var (tag, key) in Guard("list", () => IndexedKeys(userTags, cancellationToken)))
        {
            if (key == except)
            {
                continue;
            }

            var live = false;
            if (await DeleteIfAsync(key, r => { live = r.ExpiresAt > now; return string.Equals(r.UserTag, tag, StringComparison.Ordinal); }, cancellationToken).ConfigureAwait(false))
            {
                count += live ? 1 : 0;
            }
            else
            {
                await PruneMarkerAsync(tag, key, cancellationToken).ConfigureAwait(false);
            }
        }

        return count;
    }

    /// <summary>Deletes expired records, and temporary files left by a crash more than an hour ago (by their age on the
    /// wall clock that stamped them, never the injected clock: a clock set ahead must not delete a save in flight).</summary>
    /// <inheritdoc />
    public async ValueTask<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var expired = Guard("sweep", () =>
        {
            if (Directory.Exists(_tmp))
            {
                var abandoned = TimeProvider.System.GetUtcNow().UtcDateTime - AbandonedTempAge;
                foreach (var file in Directory.EnumerateFiles(_tmp))
                {
                    if (File.GetLastWriteTimeUtc(file) < abandoned)
                    {
                        TryDelete(file);
                    }
                }
            }

            return AllHeaders(cancellationToken).Where(h => h.ExpiresAt <= now).Select(h => h.Key).ToList();
        });
        var count = 0;
        foreach (var key in expired)
        {
            if (await DeleteIfAsync(key, r => r.ExpiresAt <= now, cancellationToken).ConfigureAwait(false))
            {
                count++;
            }
        }

        return count;
    }

    /// <inheritdoc />
    public ValueTask<SessionStoreStatistics> GetStatisticsAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        return ValueTask.FromResult(Guard("statistics", () =>
        {
            long live = 0, expired = 0;
            foreach (var header in AllHeaders(cancellationToken))
            {
                if (header.ExpiresAt > now)
                {
                    live++;
                }
                else
                {
                    expired++;
                }
            }

            return new SessionStoreStatistics(live, expired);
        }));
    }

    /// <summary>Reads the key-check file: one small read, whatever the store holds.</summary>
    /// <inheritdoc />
    public ValueTask ProbeAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Guard("probe", ReadKeyCheck);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<byte[]?> ReadKeyCheckAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Guard("read key check", ReadKeyCheck));
    }

    /// <inheritdoc />
    public async ValueTask<bool> ReplaceKeyCheckAsync(byte[]? expected, byte[] value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        await _keyCheckLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Guard("write key check", () =>
            {
                var stored = ReadKeyCheck();
                if (expected is null ? stored is not null : stored is null || !stored.AsSpan().SequenceEqual(expected))
                {
                    return false;
                }

                WriteAtomically(_keyCheck, value);
                return true;
            });
        }
        finally
        {
            _keyCheckLock.Release();
        }
    }

    /// <summary>Releases the per-key locks.</summary>
    public void Dispose()
    {
        _keyCheckLock.Dispose();
        foreach (var gate in _locks)
        {
            gate.Dispose();
        }
    }

    private async ValueTask<bool> DeleteIfAsync(SessionKey key, Func<SessionRecord, bool> stillMatches, CancellationToken cancellationToken)
    {
        var gate = LockOf(key);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Guard("delete", () =>
            {
                var path = PathOf(key);
                var current = ReadRecord(path);
                if (current is null || !stillMatches(current))
                {
                    return false;
                }

                File.Delete(path);
                if (current.UserTag is { } tag)
                {
                    DeleteMarker(tag, key);
                }

                return true;
            });
        }
        finally
        {
            gate.Release();
        }
    }

    private T Guard<T>(string operation, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or System.Security.SecurityException)
        {
            throw new SessionStoreException(Name, $"{operation} under '{RootDirectory}' failed: {e.Message}", e);
        }
    }

    private byte[]? ReadKeyCheck()
    {
        try
        {
            return File.ReadAllBytes(_keyCheck);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private SemaphoreSlim LockOf(SessionKey key) => _locks[(uint)key.GetHashCode() % LockStripes];

    private string PathOf(SessionKey key)
    {
        var hex = key.ToString();
        return Path.Combine(_records, hex[..2], hex + Extension);
    }

    private void WriteAtomically(string path, byte[] bytes)
    {
        Directory.CreateDirectory(_tmp);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var tmp = Path.Combine(_tmp, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + ".tmp");
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The sweep removes leftovers.
        }
        catch (UnauthorizedAccessException)
        {
            // The sweep removes leftovers.
        }
    }

    private static byte[] Serialize(SessionRecord record)
    {
        var tag = record.UserTag is null ? [] : Encoding.ASCII.GetBytes(record.UserTag);
        var bytes = new byte[HeaderLength + 2 + tag.Length + 4 + record.Listing.Length + 4 + record.Data.Length];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt64LittleEndian(span[4..], record.Version);
        BinaryPrimitives.WriteInt64LittleEndian(span[12..], record.ExpiresAt.ToUnixTimeMilliseconds());
        var offset = HeaderLength;
        BinaryPrimitives.WriteUInt16LittleEndian(span[offset..], (ushort)tag.Length);
        offset += 2;
        tag.CopyTo(span[offset..]);
        offset += tag.Length;
        BinaryPrimitives.WriteInt32LittleEndian(span[offset..], record.Listing.Length);
        offset += 4;
        record.Listing.Span.CopyTo(span[offset..]);
        offset += record.Listing.Length;
        BinaryPrimitives.WriteInt32LittleEndian(span[offset..], record.Data.Length);
        offset += 4;
        record.Data.Span.CopyTo(span[offset..]);
        return bytes;
    }

    private static SessionRecord? ReadRecord(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        var key = SessionKey.TryParse(Path.GetFileNameWithoutExtension(path), out var k) ? k : throw new InvalidDataException($"'{path}' is not named after a session key.");
        return Parse(path, key, bytes);
    }

    /// <summary>Reads a whole record; anything malformed (a damaged or truncated file) is an <see cref="InvalidDataException"/> saying what.</summary>
    private static SessionRecord Parse(string path, SessionKey key, ReadOnlySpan<byte> span)
    {
        if (span.Length < HeaderLength + 2)
        {
            throw Malformed(path, "it is shorter than the header");
        }

        var expires = ExpiryOf(path, span);
        var version = BinaryPrimitives.ReadInt64LittleEndian(span[4..]);
        var offset = HeaderLength;
        int tagLength = BinaryPrimitives.ReadUInt16LittleEndian(span[offset..]);
        offset += 2;
        if (span.Length < offset + tagLength + 4)
        {
            throw Malformed(path, "the user tag runs past the end");
        }

        var tagBytes = span.Slice(offset, tagLength);
        if (!Ascii.IsValid(tagBytes))
        {
            throw Malformed(path, "the user tag is not ASCII"); // Serialize writes ASCII only: anything else is damage.
        }

        var tag = tagLength == 0 ? null : Encoding.ASCII.GetString(tagBytes);
        offset += tagLength;
        var listingLength = BinaryPrimitives.ReadInt32LittleEndian(span[offset..]);
        offset += 4;
        if (listingLength < 0 || span.Length < (long)offset + listingLength + 4)
        {
            throw Malformed(path, "the listing runs past the end");
        }

        var listing = span.Slice(offset, listingLength).ToArray();
        offset += listingLength;
        var dataLength = BinaryPrimitives.ReadInt32LittleEndian(span[offset..]);
        offset += 4;
        if (dataLength < 0 || span.Length != (long)offset + dataLength)
        {
            throw Malformed(path, "the data length does not match the file's length");
        }

        return new SessionRecord(key, version, span.Slice(offset, dataLength).ToArray(), expires, tag, listingLength == 0 ? default : listing);
    }

    /// <summary>The expiry in a header that starts with the magic; a time no <see cref="DateTimeOffset"/> holds is damage, not a date.</summary>
    private static DateTimeOffset ExpiryOf(string path, ReadOnlySpan<byte> header)
    {
        if (!header[..4].SequenceEqual(Magic))
        {
            throw Malformed(path, "it does not start with the magic 'TSF1'");
        }

        var milliseconds = BinaryPrimitives.ReadInt64LittleEndian(header[12..]);
        if (milliseconds < MinUnixMilliseconds || milliseconds > MaxUnixMilliseconds)
        {
            throw Malformed(path, $"the expiry {milliseconds} ms since 1970 is outside the dates a DateTimeOffset holds");
        }

        return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
    }

    private static InvalidDataException Malformed(string path, string reason) =>
        new($"'{path}' is not a version {LayoutVersion} session file: {reason}.");

    /// <summary>Deletes the marker of <paramref name="key"/> under <paramref name="tag"/> if, under the key's lock, the record no longer carries that tag.</summary>
    private async ValueTask PruneMarkerAsync(string tag, SessionKey key, CancellationToken cancellationToken)
    {
        var gate = LockOf(key);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Guard("prune index", () =>
            {
                if (!string.Equals(ReadRecord(PathOf(key))?.UserTag, tag, StringComparison.Ordinal))
                {
                    DeleteMarker(tag, key);
                }

                return 0;
            });
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The keys marked under each of the tags (building the index first if this store predates it).</summary>
    private List<(string Tag, SessionKey Key)> IndexedKeys(IReadOnlyCollection<string> userTags, CancellationToken cancellationToken)
    {
        EnsureUserIndex(cancellationToken);
        var keys = new List<(string, SessionKey)>();
        foreach (var tag in userTags.Distinct(StringComparer.Ordinal))
        {
            var directory = MarkerDirectory(tag);
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(directory))
            {
                if (SessionKey.TryParse(Path.GetFileName(file), out var key))
                {
                    keys.Add((tag, key));
                }
            }
        }

        return keys;
    }

    /// <summary>Gives every record its marker once, when the store was written before the user index existed.</summary>
    private void EnsureUserIndex(CancellationToken cancellationToken)
    {
        if (_indexReady)
        {
            return;
        }

        lock (_indexBuildLock)
        {
            if (!_indexReady && !File.Exists(_usersReady))
            {
                // Saves meanwhile write their own markers; a record deleted meanwhile leaves a stale marker, pruned on listing.
                foreach (var record in AllRecords(cancellationToken))
                {
                    if (record.UserTag is { } tag)
                    {
                        CreateMarker(tag, record.Key);
                    }
                }

                WriteAtomically(_usersReady, []);
            }

            _indexReady = true;
        }
    }

    private string MarkerDirectory(string tag)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(tag)));
        return Path.Combine(_users, hash[..2], hash);
    }

    private void CreateMarker(string tag, SessionKey key)
    {
        var directory = MarkerDirectory(tag);
        var marker = Path.Combine(directory, key.ToString());
        if (!File.Exists(marker))
        {
            Directory.CreateDirectory(directory);
            using (new FileStream(marker, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None))
            {
                // An empty file: its name is the entry.
            }
        }
    }

    private void DeleteMarker(string tag, SessionKey key)
    {
        try
        {
            File.Delete(Path.Combine(MarkerDirectory(tag), key.ToString()));
        }
        catch (DirectoryNotFoundException)
        {
            // Never marked.
        }
    }

    private IEnumerable<string> AllFiles()
    {
        if (!Directory.Exists(_records))
        {
            return [];
        }

        return Directory.EnumerateFiles(_records, "*" + Extension, SearchOption.AllDirectories);
    }

    private IEnumerable<SessionRecord> AllRecords(CancellationToken cancellationToken)
    {
        foreach (var file in AllFiles())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (ReadRecord(file) is { } record)
            {
                yield return record;
            }
        }
    }

    private List<(SessionKey Key, DateTimeOffset ExpiresAt)> AllHeaders(CancellationToken cancellationToken)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        var result = new List<(SessionKey Key, DateTimeOffset ExpiresAt)>();
        foreach (var file in AllFiles())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!SessionKey.TryParse(Path.GetFileNameWithoutExtension(file), out var key))
            {
                continue;
            }

            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
                if (stream.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false) != HeaderLength)
                {
                    throw Malformed(file, "it is shorter than the header");
                }
            }
            catch (FileNotFoundException)
            {
                continue;
            }

            result.Add((key, ExpiryOf(file, header)));
        }

        return result;
    }
}
