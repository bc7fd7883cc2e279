-- wrk script: POST the AdmissionReview named by the BODY_FILE placeholder (run.sh substitutes it), each request
-- with its own uid, as kube-apiserver sends them. The pod itself is the same in every request, as for the pods of
-- one ReplicaSet; with BENCH_DISTINCT=1 every pod also carries its own label value, so no two objects are alike
-- (what the webhook's memo of identical pods cannot help with).
local f = assert(io.open("BODY_FILE", "rb"))
local body = f:read("*a")
f:close()
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local uid = '"uid":"0f5b6b0e-3a1e-4a59-9d9b-benchmark0001"'
local uidStart, uidEnd = body:find(uid, 1, true)
local labels = '"labels":{'
local labelsStart, labelsEnd = body:find(labels, uidEnd, true)
local head = body:sub(1, uidStart - 1)
local middle = body:sub(uidEnd + 1, labelsEnd)
local tail = body:sub(labelsEnd + 1)
local distinct = os.getenv("BENCH_DISTINCT") == "1"

local threads = 0
function setup(thread)
  thread:set("thread_number", threads)
  threads = threads + 1
end

local sequence = 0
function request()
  sequence = sequence + 1
  local id = string.format('"uid":"0f5b6b0e-3a1e-4a59-%04x-%012d"', thread_number or 0, sequence)
  local label = distinct and string.format('"bench-sequence":"%d-%d",', thread_number or 0, sequence) or ""
  return wrk.format(nil, nil, nil, head .. id .. middle .. label .. tail)
end
