-- Load test of the EC-Ship API's getTotalPostage: wrk posts one body again and again (its token
-- reused within the credential's window, as plugins that sign once do) and counts the answers
-- whose status is not 0. BODY names the body's file; bench/ecship.sh makes it.
local f = assert(io.open(os.getenv("BODY") or "body.xml", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
wrk.headers["SOAPAction"] = '""'

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, "<o:status>0</o:status>", 1, true) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do
    total = total + t:get("bad")
  end
  io.write(string.format("answers other than status 0: %d\n", total))
end
