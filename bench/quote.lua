-- wrk script: POST /api/v1/quotes with a typical parcel to the US.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"destination":"US","weight_g":450,"dimensions_mm":{"length":250,"width":180,"height":40},"insurance_value":{"amount":"1000.00","currency":"HKD"}}'
