-- Stop each wrk thread after its share of WRK_MAX_REQUESTS responses (2 threads).
local max = tonumber(os.getenv("WRK_MAX_REQUESTS") or "20000")
local count = 0
response = function(status, headers, body)
  count = count + 1
  if count >= max / 2 then
    wrk.thread:stop()
  end
end
