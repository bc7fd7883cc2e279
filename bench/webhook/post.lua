-- wrk script: POST the AdmissionReview named by the BODY_FILE placeholder (run.sh substitutes it).
local f = assert(io.open("BODY_FILE", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
wrk.headers["Content-Type"] = "application/json"
f:close()
