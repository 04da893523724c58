-- Load test of a SOAP endpoint: wrk posts one body again and again and counts the answers that are
-- not HTTP 200 with the text OK in them (a status 0).
--
--   BODY=body.xml OK='<status>0</status>' wrk -t1 -c16 -d30s --latency -s bench/soap.lua URL
--
-- bench/mailtrack.sh and bench/ecship.sh make the bodies and run it.
local f = assert(io.open(os.getenv("BODY") or "body.xml", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
wrk.headers["SOAPAction"] = '""'

local ok = assert(os.getenv("OK"), "OK names the text of a good answer")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, ok, 1, true) then
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
