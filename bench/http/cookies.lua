-- Sends one of the cookies listed (one per line) in the file $BENCH_COOKIES, round-robin per request,
-- so concurrent requests mostly touch different sessions as real clients would.
-- $BENCH_PATH is the path to request; the special value "mix" is the read-mostly case: 9 GET /read for every
-- GET /work (the session read on every request, written on one in ten).
local cookies = {}
local i = 0
local path = os.getenv("BENCH_COOKIES")
local target = os.getenv("BENCH_PATH") or "/work"
if path then
  for line in io.lines(path) do
    if #line > 0 then cookies[#cookies + 1] = line end
  end
end

request = function()
  i = i + 1
  local p = target
  if target == "mix" then
    p = (i % 10 == 0) and "/work" or "/read"
  end
  if #cookies == 0 then
    return wrk.format("GET", p)
  end
  return wrk.format("GET", p, { ["Cookie"] = cookies[(i % #cookies) + 1] })
end
