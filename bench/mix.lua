-- Cycle through WRK_PATHS (comma-separated request paths); stop each of wrk's 2 threads after
-- its share of WRK_MAX_REQUESTS responses.
local paths = {}
for path in string.gmatch(os.getenv("WRK_PATHS") or "/", "[^,]+") do
  table.insert(paths, path)
end
local max = tonumber(os.getenv("WRK_MAX_REQUESTS") or "20000")
local count = 0
local next_path = 0

request = function()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end

response = function(status, headers, body)
  count = count + 1
  if count >= max / 2 then
    wrk.thread:stop()
  end
end
