-- wrk script: each thread drives one connection (run with -t N -c N) and sends
-- POST /ip/{id} then DELETE /ip/{id}, a new id for every pair. A DELETE follows only
-- a POST that was answered, since wrk also calls request() once without sending it.
local counter = 0
thread_id = 0 -- set for each thread by setup(); must be global
local posted = nil
local allocated = nil

function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
end

function request()
  if allocated then
    local id = allocated
    allocated = nil
    return wrk.format("DELETE", "/ip/" .. id)
  end
  counter = counter + 1
  posted = "w" .. thread_id .. "-" .. counter
  return wrk.format("POST", "/ip/" .. posted)
end

function response(status, headers, body)
  if posted and status == 200 then
    allocated = posted
  end
  posted = nil
end
