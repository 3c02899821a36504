-- GET /api/v1/projects/<name> for names drawn at random from the seeded bench-000001 .. bench-<SEED_ROWS>,
-- so most lookups miss the cache (10,000 entries by default) and read PostgreSQL. Reports like report.lua.

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local rows = tonumber(os.getenv("SEED_ROWS") or "100000")
local threads = 0

-- Each wrk thread has its own Lua state; give each its own seed so they do not walk the same names.
setup = function(thread)
  threads = threads + 1
  thread:set("seed", os.time() + threads * 7919)
end

init = function(args)
  math.randomseed(seed or os.time())
end

request = function()
  return wrk.format("GET", string.format("/api/v1/projects/bench-%06d", math.random(1, rows)))
end
