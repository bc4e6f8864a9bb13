-- wrk script: each thread drives one connection (run with -t N -c N) and sends
-- POST /ip/{id} then DELETE /ip/{id}, a new id for every pair.
local counter = 0
local thread_id = 0
local pending = nil

function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
end

function request()
  if pending then
    local id = pending
    pending = nil
    return wrk.format("DELETE", "/ip/" .. id)
  end
  counter = counter + 1
  pending = "w" .. thread_id .. "-" .. counter
  return wrk.format("POST", "/ip/" .. pending)
end

local failures = 0
function response(status, headers, body)
  if status >= 300 then
    failures = failures + 1
  end
end
