#!/usr/bin/env bash
# Benchmarks POST /mutate and POST /validate of the webhook against a minimal Go net/http TLS server, over HTTPS
# keep-alive, with wrk. Usage: [BASELINE_REF=commit] bench/webhook/run.sh [DURATION]   (default 20s; 5s: smoke run)
# Needs: dotnet, go, wrk, openssl, curl (apt-get install wrk golang-go openssl curl). Everything runs on 127.0.0.1.
# BASELINE_REF also builds the webhook of that commit and measures its /mutate and /validate in the same run (before/after).
# Prints a Markdown table (and keeps raw wrk output in the printed work directory).
set -euo pipefail

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,6p' "$0"; exit 0
fi
DURATION="${1:-20s}"
WARMUP="${WARMUP:-30s}"   # unmeasured load before each measurement (tiered JIT settles)
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="$(mktemp -d /tmp/webhook-bench.XXXXXX)"
DOTNET_PORT=18443
GO_PORT=19443
PIDS=()

for tool in dotnet go wrk openssl curl; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool (apt-get install wrk golang-go openssl curl)" >&2; exit 1; }
done

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  exec 3>&- 2>/dev/null || true
}
trap cleanup EXIT

echo "work directory: $WORK" >&2
cd "$WORK"

# --- certificates: a P-256 CA and a leaf for 127.0.0.1 --------------------------------------------------------------
mkdir -p certs
openssl ecparam -name prime256v1 -genkey -noout -out ca.key 2>/dev/null
openssl req -x509 -new -key ca.key -out ca.crt -days 2 -subj /CN=bench-ca 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out certs/tls.key 2>/dev/null
openssl req -new -key certs/tls.key -out leaf.csr -subj /CN=127.0.0.1 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' > leaf.ext
openssl x509 -req -in leaf.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile leaf.ext -out certs/tls.crt 2>/dev/null

# --- the Secrets /validate reads, with real chains as cert-manager writes them ---------------------------------------
# web-tls (the pod): a P-256 leaf and its intermediate in tls.crt, the PKCS#8 key, the root in ca.crt. api-tls (the
# Deployment): the same with RSA-2048 and a PKCS#1 key; client-ca: that root again, as the mTLS client CA. A Service
# selects each, so the certificate's DNS names are checked too. The Go baseline reads the same files.
new_key() {
  if [[ "$1" == ec ]]; then openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$2"
  else openssl genrsa -traditional -out "$2" 2048; fi 2>/dev/null
}
issue_chain() {   # SECRET ec|rsa SERVICE
  local d="secrets/$1"
  mkdir -p "$d" pki
  new_key "$2" "pki/$1-root.key"
  openssl req -x509 -new -key "pki/$1-root.key" -out "$d/ca.crt" -days 3650 -subj "/O=bench/CN=$1 root" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
  new_key "$2" "pki/$1-int.key"
  openssl req -new -key "pki/$1-int.key" -subj "/O=bench/CN=$1 intermediate" 2>/dev/null \
    | openssl x509 -req -CA "$d/ca.crt" -CAkey "pki/$1-root.key" -CAcreateserial -CAserial "pki/$1.srl" -days 1825 -out "pki/$1-int.crt" \
      -extfile <(printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n') 2>/dev/null
  new_key "$2" "$d/tls.key"
  openssl req -new -key "$d/tls.key" -subj "/CN=$3.capture-128.svc" 2>/dev/null \
    | openssl x509 -req -CA "pki/$1-int.crt" -CAkey "pki/$1-int.key" -CAcreateserial -CAserial "pki/$1.srl" -days 90 -out "pki/$1-leaf.crt" \
      -extfile <(printf 'keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:%s,DNS:%s.capture-128,DNS:%s.capture-128.svc,DNS:%s.capture-128.svc.cluster.local\n' "$3" "$3" "$3" "$3") 2>/dev/null
  cat "pki/$1-leaf.crt" "pki/$1-int.crt" > "$d/tls.crt"
  openssl verify -CAfile "$d/ca.crt" -untrusted "pki/$1-int.crt" "pki/$1-leaf.crt" >/dev/null
}
secret_object() {   # SECRET TYPE KEY...
  local name="$1" type="$2" data="" key; shift 2
  for key in "$@"; do data+="${data:+,}\"$key\":\"$(base64 -w0 < "secrets/$name/$key")\""; done
  printf '{"apiVersion":"v1","kind":"Secret","type":"%s","metadata":{"name":"%s","namespace":"capture-128"},"data":{%s}}\n' \
    "$type" "$name" "$data" > "objects/secret-$name.json"
}
service_object() {   # NAME (selects app=NAME)
  printf '{"apiVersion":"v1","kind":"Service","metadata":{"name":"%s","namespace":"capture-128"},"spec":{"selector":{"app":"%s"},"ports":[{"name":"https","port":443,"targetPort":"http"}]}}\n' \
    "$1" "$1" > "objects/service-$1.json"
}
mkdir -p objects
issue_chain web-tls ec web
issue_chain api-tls rsa api
mkdir -p secrets/client-ca && cp secrets/api-tls/ca.crt secrets/client-ca/ca.crt
secret_object web-tls kubernetes.io/tls tls.crt tls.key ca.crt
secret_object api-tls kubernetes.io/tls tls.crt tls.key ca.crt
secret_object client-ca Opaque ca.crt
service_object web
service_object api

# --- builds ----------------------------------------------------------------------------------------------------------
echo "building the webhook: NativeAOT as its image ships it (make webhook-aot does the same), and ReadyToRun (JIT) ..." >&2
dotnet publish "$ROOT/src/Injector.Webhook/Injector.Webhook.csproj" -c Release -r linux-x64 -p:PublishAot=true \
  -o "$WORK/webhook-aot" >"$WORK/build-webhook-aot.log" 2>&1 || { cat "$WORK/build-webhook-aot.log" >&2; exit 1; }
if [[ "${WEBHOOK_JIT:-1}" == 1 ]]; then
  dotnet publish "$ROOT/src/Injector.Webhook/Injector.Webhook.csproj" -c Release -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -o "$WORK/webhook" >"$WORK/build-webhook.log" 2>&1 || { cat "$WORK/build-webhook.log" >&2; exit 1; }
fi
dotnet publish "$ROOT/bench/webhook/KestrelFloor/KestrelFloor.csproj" -c Release -r linux-x64 --self-contained false \
  -p:PublishReadyToRun=true -o "$WORK/kestrel-floor" >"$WORK/build-floor.log" 2>&1 || { cat "$WORK/build-floor.log" >&2; exit 1; }
# The RSS floors (FLOOR_AOT=0 skips them): the same floor as NativeAOT, without KubernetesClient, decoding each pod
# into its V1Pod through a context of our own (models), and through KubernetesClient with an API client (true), so
# the table shows what the framework, the model types and the client library each hold in memory.
if [[ "${FLOOR_AOT:-1}" == 1 ]]; then
  for with_client in false models true; do
    dotnet publish "$ROOT/bench/webhook/KestrelFloor/KestrelFloor.csproj" -c Release -r linux-x64 -p:PublishAot=true \
      -p:FloorWithKubernetesClient=$with_client -p:IntermediateOutputPath="$WORK/obj-floor-$with_client/" \
      -p:OutputPath="$WORK/bin-floor-$with_client/" -o "$WORK/floor-aot-$with_client" >"$WORK/build-floor-aot-$with_client.log" 2>&1 \
      || { cat "$WORK/build-floor-aot-$with_client.log" >&2; exit 1; }
  done
fi
dotnet build "$ROOT/bench/webhook/FakeApi/FakeApi.csproj" -c Release -o "$WORK/fakeapi" >"$WORK/build-fakeapi.log" 2>&1 || { cat "$WORK/build-fakeapi.log" >&2; exit 1; }
if [[ -n "${BASELINE_REF:-}" ]]; then
  BASELINE_NAME="$(git -C "$ROOT" rev-parse --short "$BASELINE_REF")"
  echo "building the webhook of $BASELINE_NAME (NativeAOT) ..." >&2
  mkdir -p "$WORK/baseline-src"
  git -C "$ROOT" archive "$BASELINE_REF" | tar -x -C "$WORK/baseline-src"
  dotnet publish "$WORK/baseline-src/src/Injector.Webhook/Injector.Webhook.csproj" -c Release -r linux-x64 -p:PublishAot=true \
    -o "$WORK/webhook-aot-baseline" >"$WORK/build-webhook-aot-baseline.log" 2>&1 || { cat "$WORK/build-webhook-aot-baseline.log" >&2; exit 1; }
fi
(cd "$ROOT/bench/webhook/go-baseline" && GOFLAGS=-mod=mod GOPROXY=off go build -o "$WORK/go-baseline" .)

# --- the API server the webhook lists and watches (the tests' fake, recorded objects) -----------------------------------
mkfifo api.in
TLS_INJECTOR_FIXTURES="$ROOT/tests/fixtures" BENCH_OBJECTS="$WORK/objects" "$WORK/fakeapi/FakeApi" "$WORK" < api.in > api.out 2>&1 &
PIDS+=($!)
exec 3> api.in
for _ in $(seq 300); do [[ -s "$WORK/kubeconfig" ]] && break; sleep 0.1; done
[[ -s "$WORK/kubeconfig" ]] || { echo "the fake API server did not start:" >&2; cat api.out >&2; exit 1; }

now_ms() { date +%s%3N; }

# Starts a server, measures launch -> first 200 from POST $ENDPOINT (default /mutate) with the review in $BODY
# (default review.json), runs wrk twice, samples RSS under load.
measure() {
  local name="$1" port="$2"; shift 2
  local endpoint="${ENDPOINT:-/mutate}" body="${BODY:-$ROOT/bench/webhook/review.json}"
  local url="https://127.0.0.1:$port$endpoint" start first pid rss=0
  sed "s#BODY_FILE#$body#" "$ROOT/bench/webhook/post.lua" > post.lua
  start=$(now_ms)
  "$@" > "$WORK/$name.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  for _ in $(seq 1000); do
    code=$(curl -s -o "$WORK/$name-response.json" -w '%{http_code}' --cacert ca.crt -H 'Content-Type: application/json' \
      --data-binary @"$body" "$url" || true)
    [[ "$code" == "200" ]] && break
    sleep 0.01
  done
  first=$(( $(now_ms) - start ))
  [[ "$code" == "200" ]] || { echo "$name never answered 200 (last: $code):" >&2; tail -5 "$WORK/$name.log" >&2; exit 1; }
  # Warm-up, not measured: long enough for tiered compilation to finish (with 3 s, the JIT still took ~30 % of
  # the CPU during the measurement; a webhook runs for days, so steady state is what counts).
  wrk -t2 -c16 -d"$WARMUP" -s post.lua "$url" > /dev/null
  local ticks_before ticks_after
  ticks_before=$(awk '{print $14+$15}' "/proc/$pid/stat")
  wrk -t2 -c16 -d"$DURATION" --latency -s post.lua "$url" > "$WORK/$name-c16.txt" &
  local wrk_pid=$!
  while kill -0 "$wrk_pid" 2>/dev/null; do
    r=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    (( r > rss )) && rss=$r
    sleep 0.5
  done
  ticks_after=$(awk '{print $14+$15}' "/proc/$pid/stat")
  # CPU time of the server (user + system) per request of the -c16 run, in µs: steadier than req/s on a shared
  # machine, since wrk and the server compete for the same two cores.
  local requests cpu_us
  requests=$(awk '/requests in/ {print $1}' "$WORK/$name-c16.txt")
  cpu_us=$(( (ticks_after - ticks_before) * 1000000 / $(getconf CLK_TCK) / requests ))
  wrk -t1 -c1 -d"$DURATION" --latency -s post.lua "$url" > "$WORK/$name-c1.txt"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  printf '%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$name" "POST $endpoint $(basename "$body")" \
    "$(awk '/Requests\/sec/ {print $2}' "$WORK/$name-c16.txt")" "$cpu_us" \
    "$(awk '$1=="50%" {print $2}' "$WORK/$name-c16.txt")" "$(awk '$1=="99%" {print $2}' "$WORK/$name-c16.txt")" \
    "$(awk '/Requests\/sec/ {print $2}' "$WORK/$name-c1.txt")" \
    "$(awk '$1=="50%" {print $2}' "$WORK/$name-c1.txt")" "$(awk '$1=="99%" {print $2}' "$WORK/$name-c1.txt")" \
    "$(( rss / 1024 ))" "$first" >> "$WORK/results.txt"
}

WEBHOOK_ENV=(
  "Webhook__Port=$DOTNET_PORT" Webhook__BindAddress=127.0.0.1
  Webhook__CertificateDirectory="$WORK/certs" Webhook__KubeConfig="$WORK/kubeconfig"
  Injector__ProxyImage=tls-injector/tls-proxy:dev
)

GO_BASELINE=("$WORK/go-baseline" -addr "127.0.0.1:$GO_PORT" -cert certs/tls.crt -key certs/tls.key -secrets "$WORK/secrets")
measure go "$GO_PORT" "${GO_BASELINE[@]}"
# /validate: Go parses and verifies the Secrets on every request (it has no memo); the pod and the Deployment are
# the same in every request (new uid each), as for one workload's pods, or a Deployment applied again and again.
ENDPOINT=/validate BODY="$ROOT/bench/webhook/review.json" measure go-validate-pod "$GO_PORT" "${GO_BASELINE[@]}"
ENDPOINT=/validate BODY="$ROOT/bench/webhook/validate-deployment.json" measure go-validate-deployment "$GO_PORT" "${GO_BASELINE[@]}"
# The .NET twin of the Go baseline (Kestrel + TLS + parse the review, fixed patch): what the framework costs here.
measure kestrel-floor "$GO_PORT" "$WORK/kestrel-floor/KestrelFloor" "$GO_PORT" certs/tls.crt certs/tls.key
if [[ "${FLOOR_AOT:-1}" == 1 ]]; then
  measure kestrel-floor-aot "$GO_PORT" "$WORK/floor-aot-false/KestrelFloor" "$GO_PORT" certs/tls.crt certs/tls.key
  measure kestrel-floor-aot-v1pod-own-context "$GO_PORT" "$WORK/floor-aot-models/KestrelFloor" "$GO_PORT" certs/tls.crt certs/tls.key
  measure kestrel-floor-aot-kubernetesclient "$GO_PORT" "$WORK/floor-aot-true/KestrelFloor" "$GO_PORT" certs/tls.crt certs/tls.key
fi
# As shipped (the NativeAOT image): one compact-JSON request log line per admission (to a file here, as to the
# container log in a cluster); then the same with the per-request log line off (Warning and above only).
QUIET=(Serilog__MinimumLevel__Default=Warning "Serilog__MinimumLevel__Override__Injector.Webhook.Admission.AdmissionLog=Warning")
# Every request has its own uid (post.lua); the pod is the same in all of them, as for one ReplicaSet's pods.
measure webhook-aot "$DOTNET_PORT" env "${WEBHOOK_ENV[@]}" "$WORK/webhook-aot/Injector.Webhook"
measure webhook-aot-quiet "$DOTNET_PORT" env "${WEBHOOK_ENV[@]}" "${QUIET[@]}" "$WORK/webhook-aot/Injector.Webhook"
# No two pods alike (each has its own label value): every request is decoded, injected and diffed.
BENCH_DISTINCT=1 measure webhook-aot-distinct-pods "$DOTNET_PORT" env "${WEBHOOK_ENV[@]}" "$WORK/webhook-aot/Injector.Webhook"
# A pod no controller made (kubectl run): with no NetworkPolicy in its namespace, its advice is checked live.
BODY="$ROOT/bench/webhook/review-bare-pod.json" measure webhook-aot-bare-pod "$DOTNET_PORT" env "${WEBHOOK_ENV[@]}" "$WORK/webhook-aot/Injector.Webhook"
# /validate as shipped, with the Secrets in the webhook's cache; with BASELINE_REF, that commit's build alongside.
ENDPOINT=/validate BODY="$ROOT/bench/webhook/review.json" measure webhook-aot-validate-pod "$DOTNET_PORT" env "${WEBHOOK_ENV[@]}" "$WORK/webhook-aot/Injector.Webhook"
ENDPOINT=/validate BODY="$ROOT/bench/webhook/validate-deployment.json" measure webhook-aot-validate-deployment "$DOTNET_PORT" env "${WEBHOOK_ENV[@]}" "$WORK/webhook-aot/Injector.Webhook"
if [[ -n "${BASELINE_REF:-}" ]]; then
  measure "webhook-aot@$BASELINE_NAME" "$DOTNET_PORT" env "${WEBHOOK_ENV[@]}" "$WORK/webhook-aot-baseline/Injector.Webhook"
  BENCH_DISTINCT=1 measure "webhook-aot@$BASELINE_NAME-distinct-pods" "$DOTNET_PORT" env "${WEBHOOK_ENV[@]}" "$WORK/webhook-aot-baseline/Injector.Webhook"
  ENDPOINT=/validate BODY="$ROOT/bench/webhook/review.json" measure "webhook-aot@$BASELINE_NAME-validate-pod" "$DOTNET_PORT" env "${WEBHOOK_ENV[@]}" "$WORK/webhook-aot-baseline/Injector.Webhook"
  ENDPOINT=/validate BODY="$ROOT/bench/webhook/validate-deployment.json" measure "webhook-aot@$BASELINE_NAME-validate-deployment" "$DOTNET_PORT" env "${WEBHOOK_ENV[@]}" "$WORK/webhook-aot-baseline/Injector.Webhook"
fi
# The same code under the JIT (ReadyToRun, tiered PGO), log on and off, and log off with Server GC (the ASP.NET
# default; DATAS is on by default in .NET 10). WEBHOOK_JIT=0 skips these.
if [[ "${WEBHOOK_JIT:-1}" == 1 ]]; then
  measure webhook-jit "$DOTNET_PORT" env "${WEBHOOK_ENV[@]}" "$WORK/webhook/Injector.Webhook"
  BENCH_DISTINCT=1 measure webhook-jit-distinct-pods "$DOTNET_PORT" env "${WEBHOOK_ENV[@]}" "$WORK/webhook/Injector.Webhook"
  measure webhook-jit-quiet "$DOTNET_PORT" env "${WEBHOOK_ENV[@]}" "${QUIET[@]}" "$WORK/webhook/Injector.Webhook"
  measure webhook-jit-quiet-servergc "$DOTNET_PORT" env "${WEBHOOK_ENV[@]}" "${QUIET[@]}" DOTNET_gcServer=1 "$WORK/webhook/Injector.Webhook"
fi

echo

echo "wrk over HTTPS keep-alive, a new uid per request, duration $DURATION; review.json: $(wc -c < "$ROOT/bench/webhook/review.json")-byte Pod CREATE (2 containers), validate-deployment.json: $(wc -c < "$ROOT/bench/webhook/validate-deployment.json")-byte Deployment CREATE"
echo
echo "| server | request | req/s (-t2 -c16) | CPU µs/request | p50 | p99 | req/s (-t1 -c1) | p50 | p99 | max RSS under load (MB) | launch → first 200 (ms) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
while IFS='|' read -r n r a cpu b c d e f g h; do
  echo "| $n | $r | $a | $cpu | $b | $c | $d | $e | $f | $g | $h |"
done < "$WORK/results.txt"
