#!/usr/bin/python3
"""Summarise the perf samples bench/http/profile/profile.sh took ($PROFILE_OUT/NAME.perf.txt): on-CPU samples by category
(the deepest frame that matches a category decides) and by frame. µs/request = share of samples × the case's server CPU
per request from a quiet run of bench/http/run.sh (bench/results/http.md), since the profiled runs were on a shared machine.
Usage: summary.py table | summary.py sections | summary.py NAME CPU_US_PER_REQUEST"""
import os, re, sys, collections
OUT = os.environ.get("PROFILE_OUT", "/tmp/tessera-profile")
SKIP_THREADS = (".NET Tiered Com", ".NET BGC", "perf")  # JIT of the warm-up and perf itself are not per-request cost

def frame_name(line):
    line = line.strip()
    m = re.match(r"^[0-9a-f]+ (.*) \(([^)]*)\)$", line)
    if not m:
        return line, ""
    sym, dso = m.group(1), m.group(2)
    sym = re.sub(r"\+0x[0-9a-f]+$", "", sym)
    mm = re.search(r"\[([^\]]+)\] ([^\s(]+)\(", sym)
    if mm:  # managed: [Assembly] Namespace.Type::Method(
        sym = mm.group(2).replace("::", ".")
        return sym, "managed"
    if sym == "[unknown]":
        base = dso.rsplit("/", 1)[-1]
        return f"[{base}]", dso
    return sym, dso

def parse(path):
    samples = []
    cur = None
    for line in open(path, errors="replace"):
        if not line.strip():
            if cur: samples.append(cur)
            cur = None
            continue
        if not line.startswith((" ", "\t")):
            comm = re.split(r"\s+\d+\s", line, maxsplit=1)[0].strip()
            cur = (comm, [])
        elif cur is not None:
            cur[1].append(frame_name(line))
    if cur: samples.append(cur)
    return samples

CATS = [  # tested leaf first: the deepest frame that matches any pattern decides
    ("kernel file I/O and locks (SQLite: WAL pwrite, fcntl locks, fsync, mmap)", r"__x64_sys_(pwrite64|pread64|fcntl|fsync|fdatasync|munmap|mmap|newfstatat|ftruncate)|__libc_pwrite|__libc_pread|__fcntl64|^fsync$|__munmap|__mmap"),
    ("AES-GCM", r"AesGcm|AesAEAD|aesni|gcm_|GCM|EVP_(Encrypt|Decrypt|Cipher)|EvpCipher|AeadCipher|aes_"),
    ("HMAC / SHA-256 (key derivation, lookup-id hash)", r"HMAC|Hmac|SHA256|sha256|HashProvider|EvpMac|EvpDigest|EVP_(Digest|MAC|Q_digest)|Tessera\.Keys|ossl_sha|KeyedHash|HashOneShot|LiteHmac|LiteHash"),
    ("SQLite engine (sqlite3 native)", r"libe_sqlite3|sqlite3"),
    ("Microsoft.Data.Sqlite / SQLitePCL (ADO.NET layer)", r"Microsoft\.Data\.Sqlite|SQLitePCL"),
    ("random numbers (salts)", r"RandomNumberGenerator|RandomPool|RAND_|rand_|getrandom|drbg"),
    ("OpenSSL other (context set-up, free, error queue)", r"Interop\+Crypto|SafeEvp|System\.Security\.Cryptography"),
    ("session JSON (parse/serialize)", r"SessionJson|System\.Text\.Json|CookieJson|JsonScratch"),
    ("Data Protection (built-in session cookie)", r"DataProtection"),
    ("cookie parse/format, base64url", r"CookieHeader|SessionCookie|SetCookieHeader|CookieChunker|CookieBase64|Base64Url|Base64|RequestCookieCollection|ResponseCookies|CookieHeaderValue|SetCookieHeaderValue|SealedCookieFormat|CookieSessionPayload"),
    ("logging / metrics", r"Logger|Logging|Diagnostics\.Metrics|TesseraMetrics|TesseraMeter|CookieMetrics|Instrument|Activity"),
    ("distributed cache (built-in session store)", r"MemoryCache|Caching"),
    ("Tessera stores", r"Tessera\.Stores|Tessera\.Sqlite"),
    ("Tessera session model (SessionManager, ServerSession, SessionState, sealer)", r"Tessera\.Sessions"),
    ("Tessera ASP.NET Core (middleware, engines, request sessions)", r"Tessera\.AspNetCore|Tessera\.Cookies"),
    ("built-in session (SessionMiddleware, DistributedSession)", r"Microsoft\.AspNetCore\.Session"),
    ("endpoint, routing, hosting", r"Microsoft\.AspNetCore\.(Routing|Http|Hosting)|lambda_method|RequestDelegate|Program"),
    ("Kestrel HTTP/1.1 parse and write", r"Kestrel\.Core|System\.IO\.Pipelines"),
    ("sockets: kernel TCP over loopback + managed socket code", r"System\.Net\.Sockets|Transport\.Sockets|tcp_|sock_|__send|__recv|__libc_recv|ip_|net_rx|skb|__sys_|sendto|recvfrom|epoll"),
]
CAT_RE = [(c, re.compile(p)) for c, p in CATS]

NATIVE_CRYPTO = re.compile(r"libcrypto|libssl|libSystem\.Security\.Cryptography\.Native")

def categorise(comm, frames, decider=None):
    if comm.startswith(".NET Server GC") or comm.startswith(".NET GC"):
        return "GC (server GC threads)"
    for name, dso in frames:
        if dso and NATIVE_CRYPTO.search(dso):
            continue  # OpenSSL itself: the managed caller above says which primitive
        for c, r in CAT_RE:
            if r.search(name) or (dso and dso != "managed" and r.search(dso)):
                if decider is not None: decider[(c, name)] += 1
                return c
    if frames and NATIVE_CRYPTO.search(frames[0][1] or ""):
        return "OpenSSL native, caller not unwound (AES-GCM, HMAC, SHA-256, context set-up)"
    if any("kernel" in d for _, d in frames[:1]):
        return "kernel other (futex, scheduling, faults)"
    if any(n == "[libcoreclr.so]" for n, _ in frames[:1]):
        return "CLR runtime, no managed caller (thread pool, stubs)"
    return "thread pool / async machinery / other"

def summarise(name, reqs=None, cpu_us=None, top=25, pattern=r"Tessera|Microsoft\.AspNetCore\.(Session|Routing|Http\.|Hosting|DataProtection)|Microsoft\.Data\.Sqlite|Caching\.Memory|sqlite3|AesGcm|HMAC|SHA256|System\.Text\.Json"):
    samples = parse(os.path.join(OUT, name + ".perf.txt"))
    skipped = sum(1 for c, _ in samples if c.startswith(SKIP_THREADS))
    samples = [(c, f) for c, f in samples if not c.startswith(SKIP_THREADS)]
    n = len(samples)
    cats = collections.Counter(); incl = collections.Counter(); excl = collections.Counter(); dec = collections.Counter()
    for comm, frames in samples:
        cats[categorise(comm, frames, dec)] += 1
        for fn in {f for f, _ in frames}:
            incl[fn] += 1
        if frames:
            excl[frames[0][0]] += 1
    us = (cpu_us / reqs) if reqs and cpu_us else None
    return dict(dec=dec, n=n, skipped=skipped, cats=cats, incl=incl, excl=excl, us=us, pattern=pattern, top=top)

def render(name, r):
    n, us = r["n"], r["us"]
    out = [f"### {name}", "", f"{n} on-CPU samples (499 Hz), {r['skipped']} more on the JIT thread left out" +
           (f"; µs below = share × {us:.1f} µs/request (quiet run, http.md)" if us else ""), ""]
    out += ["| where (deepest frame that decides) | % of samples | ≈ µs/request |", "| --- | ---: | ---: |"]
    for c, v in r["cats"].most_common():
        out.append(f"| {c} | {100*v/n:.1f} | {us*v/n:.1f} |" if us else f"| {c} | {100*v/n:.1f} | |")
    out += ["", "Deciding frames of the Tessera/session categories (% of samples):", "", "```"]
    for (c, f), v in r["dec"].most_common():
        if v / n >= 0.004 and not c.startswith(("sockets", "Kestrel", "endpoint", "kernel", "thread", "CLR")):
            out.append(f"{100*v/n:5.1f} %  {c[:28]:28}  {f[:110]}")
    out += ["```"]
    out += ["", "Top inclusive frames (Tessera, ASP.NET Core request path, crypto, SQLite, JSON):", "", "```"]
    k = 0
    for f, v in r["incl"].most_common():
        if re.search(r["pattern"], f):
            out.append(f"{100*v/n:5.1f} %  {f[:150]}"); k += 1
            if k >= r["top"]: break
    out += ["```", "", "Top exclusive (leaf) frames:", "", "```"]
    for f, v in r["excl"].most_common(15):
        out.append(f"{100*v/n:5.1f} %  {f[:150]}")
    out += ["```", ""]
    return "\n".join(out)

# quiet-machine server CPU µs/request from bench/results/http.md (2026-12-01 16:26 UTC)
CASES = [("bare", 29.9), ("aspnet-session-rw", 93.4), ("tessera-cookie-rw", 87.2), ("tessera-memory-rw", 74.9),
         ("tessera-sqlite-rw", 224.4), ("untouched-cookie-memory", 39.1), ("untouched-cookie-sqlite", 60.9),
         ("aspnet-session-mix", 73.1), ("tessera-cookie-mix", 62.7), ("tessera-memory-mix", 52.0), ("tessera-sqlite-mix", 104.2)]

GROUPS = [
    ("HTTP floor: loopback TCP, Kestrel, routing, endpoint, thread pool, scheduling", ("sockets", "Kestrel", "endpoint", "thread pool", "CLR runtime", "kernel other")),
    ("GC (server GC threads)", ("GC",)),
    ("crypto: AES-GCM, HMAC/SHA-256, OpenSSL calls, random", ("OpenSSL", "AES-GCM", "HMAC", "random")),
    ("Data Protection (built-in session's cookie)", ("Data Protection",)),
    ("session JSON parse/validate/serialize", ("session JSON",)),
    ("cookie parse/format, base64url, Set-Cookie", ("cookie parse",)),
    ("session logic: middleware, engines, request sessions, manager, state", ("Tessera ASP.NET", "Tessera session model", "built-in session")),
    ("store: memory store / distributed cache, Tessera store code", ("Tessera stores", "distributed cache")),
    ("SQLite: Microsoft.Data.Sqlite + sqlite3 + kernel file I/O and locks", ("Microsoft.Data.Sqlite", "SQLite engine", "kernel file")),
    ("logging / metrics", ("logging",)),
]


def report(mode):
    res = {name: summarise(name, 1, us) for name, us in CASES}
    if mode == "table":
        print("| µs/request (share × quiet CPU/request) | " + " | ".join(n for n, _ in CASES) + " |")
        print("| --- |" + " ---: |" * len(CASES))
        for g, prefixes in GROUPS:
            row = []
            for name, us in CASES:
                r = res[name]
                v = sum(c for k, c in r["cats"].items() if k.startswith(prefixes))
                row.append(f"{us * v / r['n']:.1f}")
            print(f"| {g} | " + " | ".join(row) + " |")
        print("| **total server CPU (quiet run, http.md)** | " + " | ".join(f"**{us}**" for _, us in CASES) + " |")
    else:
        for name, us in CASES:
            print(render(name, res[name]))


if __name__ == "__main__":
    if sys.argv[1] in ("table", "sections"):
        report(sys.argv[1])
    else:
        print(render(sys.argv[1], summarise(sys.argv[1], 1, float(sys.argv[2]))))
