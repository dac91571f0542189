#!/usr/bin/env bash
# free-ports.sh - a block of free loopback ports for the servers test.sh starts.
#
#   free-ports.sh COUNT [OFFSET]   print a port P such that P..P+COUNT-1 (and, with OFFSET, each of those + OFFSET) can be
#                                  bound on 127.0.0.1 right now
# Picks at random below the kernel's ephemeral range (ip_local_port_range), as tests/Shared/LoopbackPort.cs does:
# in that range the machine's own outgoing connections take their local ports, so a port there can be taken before
# the server binds it (CI failed once on a fixed port, 57002).
set -euo pipefail
count=${1:?usage: free-ports.sh COUNT [OFFSET]} offset=${2:-0}
exec python3 - "$count" "$offset" <<'PY'
import random, socket, sys
count, offset = int(sys.argv[1]), int(sys.argv[2])
try:
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except OSError:
    low = 32768
top = min(low, 65536) - offset - count   # every port of the block, and its + OFFSET, stays below the ephemeral range
if top < 11000:
    top = 65536 - offset - count   # an ephemeral range that starts low leaves no room below it: anywhere, checked

def free(port):
    # No SO_REUSEADDR: any socket bound to the port, listening or connected, makes this fail.
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False

for _ in range(500):
    base = random.randrange(10000, top)
    ports = [p for q in range(base, base + count) for p in ((q, q + offset) if offset else (q,))]
    if all(free(p) for p in ports):
        print(base)
        sys.exit(0)
sys.exit("free-ports.sh: found no %d free loopback ports" % count)
PY
