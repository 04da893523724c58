-- Load test of the Mail Tracking API: wrk posts one getItemDeliveryStatus body again and again and
-- counts the answers whose status is not 0.
--
--   BODY=body.xml wrk -t2 -c16 -d30s --latency -s wrk_mailtrack.lua http://127.0.0.1:8080/HKP_MailTrack_API/services
--
-- Make the body with: go test ./internal/soap -run TestLoadSeed -args -load-db DSN -load-user EMAIL
-- -load-cred USERNAME:PASSWORD -load-body body.xml (the server with ECSHIP_MAILTRACK_MIN_INTERVAL=0,
-- ECSHIP_PUBLIC_RATE_LIMIT=0 and a daily limit above the number of requests sent).
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
  if status ~= 200 or not string.find(body, "<status>0</status><errMsg/><itemCount>30</itemCount>", 1, true) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do
    total = total + t:get("bad")
  end
  io.write(string.format("answers other than status 0 with 30 items: %d\n", total))
end
