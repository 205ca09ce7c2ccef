-- wrk: request the paths listed one per line in $WRK_PATHS in turn (headers from -H apply).
-- Each wrk thread has its own copy and starts at its own place in the list.
local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do
  if line ~= "" then paths[#paths + 1] = line end
end
local threads = 0
local n = 0

function setup(thread)
  thread:set("start", threads * 7)
  threads = threads + 1
end

function init(args)
  n = tonumber(start) or 0
end

function request()
  n = n + 1
  return wrk.format("GET", paths[(n - 1) % #paths + 1])
end
