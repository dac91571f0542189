-- stores-session.lua - wrk script for bench/http/stores.sh: GET /api/session with a signed-in session's cookies.
-- The cookie header comes from the environment (TESSERA_COOKIE), set by stores.sh after POST /api/login.
wrk.method = "GET"
wrk.path = "/api/session"
wrk.headers["Cookie"] = os.getenv("TESSERA_COOKIE")
wrk.headers["Accept"] = "application/json"
