-- Sends one of the cookies listed (one per line) in the file $BENCH_COOKIES, round-robin per request,
-- so concurrent requests mostly touch different sessions as real clients would.
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
  if #cookies == 0 then
    return wrk.format("GET", target)
  end
  return wrk.format("GET", target, { ["Cookie"] = cookies[(i % #cookies) + 1] })
end
