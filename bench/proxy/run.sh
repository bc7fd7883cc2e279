#!/usr/bin/env bash
# Benchmark tls-proxy (the NativeAOT binary) against haproxy, nginx (stream TLS) and stunnel4 from Debian, on
# loopback, in one run, all in front of the same plain nginx backend. Every load step runs for a fixed time, one
# proxy at a time; nothing leaves 127.0.0.1. Results: a Markdown table on stdout (and in $WORK/results.md).
#
#   bench/proxy/run.sh                      # after `make proxy-aot`
#   DURATION=4 PROXIES="tls-proxy haproxy" bench/proxy/run.sh
#   ROUNDS=7 PROXIES="tls-proxy tls-proxy-b nginx" TLS_PROXY_BIN_B=/tmp/other/tls-proxy bench/proxy/run.sh
#
# With ROUNDS set, only keep-alive requests/s is measured, in rounds that take the proxies in turn (A B C A B C ...),
# so load from elsewhere on the machine falls on all of them alike; the table gives every round and the median.
# That is the same-run comparison a change to the data path is judged by.
#
# Needs: haproxy nginx libnginx-mod-stream stunnel4 wrk curl openssl python3 (apt-get install -y ...).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${TLS_PROXY_BIN:-$ROOT/artifacts/tls-proxy}
BIN_B=${TLS_PROXY_BIN_B:-$BIN}     # the binary of the tls-proxy-b variant (an A/B of two builds)
ROUNDS=${ROUNDS:-0}
DURATION=${DURATION:-6}            # seconds per load step
CONNS=${CONNS:-32}                 # wrk connections
HANDSHAKERS=${HANDSHAKERS:-8}      # parallel `openssl s_time -new` clients
HOLD=${HOLD:-1000}                 # connections held open for the RSS measurement
STARTS=${STARTS:-5}                # start-to-ready repetitions (median reported)
BIG_MIB=${BIG_MIB:-1024}           # size of the streamed body
PROXIES=${PROXIES:-"tls-proxy haproxy nginx stunnel"}

BACKEND_PORT=19080
# tls-proxy-pool: the same binary with socket continuations queued to the thread pool (the .NET default; tls-proxy
# itself runs them inline on the epoll threads, see src/Injector.Proxy/Hosting/SocketEngineMode.cs).
# tls-proxy-mtls: mTLS optional (wrk sends no client certificate); tls-proxy-xfcc: the same plus client-identity
# http-header, so each request is parsed and rewritten (no identity line is added: no certificate). The two together
# give the cost of http-header mode over the plain L4 copy.
declare -A PORT=([tls-proxy]=19443 [haproxy]=19444 [nginx]=19445 [stunnel]=19446 [tls-proxy-pool]=19447 [tls-proxy-mtls]=19448 [tls-proxy-xfcc]=19449 [tls-proxy-b]=19450)

for tool in haproxy nginx stunnel4 wrk curl openssl python3; do
    command -v "$tool" >/dev/null || { echo "run.sh: '$tool' is missing: apt-get install -y haproxy nginx libnginx-mod-stream stunnel4 wrk curl openssl python3" >&2; exit 1; }
done
[[ -x "$BIN" ]] || { echo "run.sh: $BIN not found; run 'make proxy-aot' first" >&2; exit 1; }
[[ -f /usr/lib/nginx/modules/ngx_stream_module.so ]] || { echo "run.sh: nginx stream module missing: apt-get install -y libnginx-mod-stream" >&2; exit 1; }

WORK=$(mktemp -d /tmp/tls-proxy-bench.XXXXXX)
chmod 755 "$WORK"   # nginx workers run as www-data and must read the served files
STARTED=()
cleanup() {
    for pidfile in "${STARTED[@]}"; do
        if [[ -f "$pidfile" ]]; then kill "$(cat "$pidfile")" 2>/dev/null || true; fi
    done
    sleep 0.5
    rm -rf "$WORK"
}
trap cleanup EXIT

# --- certificates (ECDSA P-256, as the injector's default) and the backend's files -------------------------------
mkdir -p "$WORK/cert" "$WORK/www"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$WORK/cert/tls.key" -out "$WORK/cert/tls.crt" 2>/dev/null
cat "$WORK/cert/tls.crt" "$WORK/cert/tls.key" > "$WORK/combined.pem"
mkdir -p "$WORK/client-ca"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=bench client CA" \
    -addext "basicConstraints=critical,CA:TRUE" -keyout /dev/null -out "$WORK/client-ca/ca.crt" 2>/dev/null
head -c 1024 /dev/urandom | base64 -w0 | head -c 1024 > "$WORK/www/small"
truncate -s "${BIG_MIB}M" "$WORK/www/big"   # sparse: served from page cache, no disk in the measurement

cat > "$WORK/backend.conf" <<CONF
daemon off; worker_processes 1; pid $WORK/backend.nginx.pid; error_log $WORK/backend-error.log;
events { worker_connections 8192; }
http { access_log off; sendfile on; keepalive_requests 1000000; keepalive_timeout 300s;
       server { listen 127.0.0.1:$BACKEND_PORT; root $WORK/www; } }
CONF

cat > "$WORK/haproxy.cfg" <<CONF
global
    nbthread 2
    maxconn 8000
defaults
    mode tcp
    timeout connect 5s
    timeout client 300s
    timeout server 300s
frontend tls
    bind 127.0.0.1:${PORT[haproxy]} ssl crt $WORK/combined.pem
    default_backend app
backend app
    server app 127.0.0.1:$BACKEND_PORT
CONF

cat > "$WORK/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
daemon off; worker_processes 2; pid $WORK/nginx-proxy.nginx.pid; error_log $WORK/nginx-error.log;
worker_rlimit_nofile 20000;
events { worker_connections 8192; }
stream { server { listen 127.0.0.1:${PORT[nginx]} ssl; ssl_certificate $WORK/cert/tls.crt; ssl_certificate_key $WORK/cert/tls.key;
                  ssl_protocols TLSv1.2 TLSv1.3; proxy_pass 127.0.0.1:$BACKEND_PORT; } }
CONF

cat > "$WORK/stunnel.conf" <<CONF
foreground = yes
pid =
debug = 3
output = /dev/null
[tls]
accept = 127.0.0.1:${PORT[stunnel]}
connect = 127.0.0.1:$BACKEND_PORT
cert = $WORK/cert/tls.crt
key = $WORK/cert/tls.key
CONF

command_of() {
    case "$1" in
        tls-proxy) echo "env TLS_PROXY_ROUTES=${PORT[tls-proxy]}=$BACKEND_PORT TLS_PROXY_CERT_DIR=$WORK/cert TLS_PROXY_HEALTH_PORT=19021 SSL_CERT_FILE=/dev/null SSL_CERT_DIR=/nonexistent $BIN" ;;
        tls-proxy-pool) echo "env DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 TLS_PROXY_ROUTES=${PORT[tls-proxy-pool]}=$BACKEND_PORT TLS_PROXY_CERT_DIR=$WORK/cert TLS_PROXY_HEALTH_PORT=19022 SSL_CERT_FILE=/dev/null SSL_CERT_DIR=/nonexistent $BIN" ;;
        tls-proxy-b) echo "env TLS_PROXY_ROUTES=${PORT[tls-proxy-b]}=$BACKEND_PORT TLS_PROXY_CERT_DIR=$WORK/cert TLS_PROXY_HEALTH_PORT=19025 SSL_CERT_FILE=/dev/null SSL_CERT_DIR=/nonexistent $BIN_B" ;;
        tls-proxy-mtls) echo "env TLS_PROXY_ROUTES=${PORT[tls-proxy-mtls]}=$BACKEND_PORT TLS_PROXY_CERT_DIR=$WORK/cert TLS_PROXY_HEALTH_PORT=19023 TLS_PROXY_MTLS=optional TLS_PROXY_CLIENT_CA_DIR=$WORK/client-ca SSL_CERT_FILE=/dev/null SSL_CERT_DIR=/nonexistent $BIN" ;;
        tls-proxy-xfcc) echo "env TLS_PROXY_ROUTES=${PORT[tls-proxy-xfcc]}=$BACKEND_PORT TLS_PROXY_CERT_DIR=$WORK/cert TLS_PROXY_HEALTH_PORT=19024 TLS_PROXY_MTLS=optional TLS_PROXY_CLIENT_CA_DIR=$WORK/client-ca TLS_PROXY_CLIENT_IDENTITY=http-header SSL_CERT_FILE=/dev/null SSL_CERT_DIR=/nonexistent $BIN" ;;
        haproxy) echo "haproxy -db -f $WORK/haproxy.cfg" ;;
        nginx) echo "nginx -c $WORK/nginx.conf" ;;
        stunnel) echo "stunnel4 $WORK/stunnel.conf" ;;
    esac
}

start_bg() { # name pidfile command...
    local name=$1 pidfile=$2; shift 2
    setsid "$@" > "$WORK/$name.out" 2>&1 &
    echo $! > "$pidfile"
    STARTED+=("$pidfile")
}

wait_port() { # port
    for _ in $(seq 1 200); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.05; done
    echo "run.sh: nothing listens on port $1" >&2; return 1
}

to_us() { # wrk latency "1.23ms" -> microseconds
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else print n * 1000000 }'
}

wrk_rps() { wrk "$@" 2>/dev/null | awk '/Requests\/sec/ { printf "%.0f", $2 }'; }
wrk_p99() { to_us "$(wrk --latency "$@" 2>/dev/null | awk '$1 == "99%" { print $2 }')"; }

stream_mibs() { # url -> MiB/s
    local t; t=$(curl -sk --http1.1 -o /dev/null -w '%{time_total}' "$1")
    awk -v t="$t" -v m="$BIG_MIB" 'BEGIN { printf "%.0f", m / t }'
}

handshakes() { # port -> full handshakes/s over DURATION with HANDSHAKERS parallel clients (no session reuse)
    local port=$1 i
    for i in $(seq 1 "$HANDSHAKERS"); do
        openssl s_time -connect "127.0.0.1:$port" -new -time "$DURATION" -www /small > "$WORK/stime.$i" 2>&1 &
    done
    wait
    cat "$WORK"/stime.* | awk -v d="$DURATION" '/connections in .* real seconds/ { n += $1 } END { printf "%.0f", n / d }'
}

# --- the backend, measured directly as the baseline ---------------------------------------------------------------
start_bg backend "$WORK/backend.pid" nginx -c "$WORK/backend.conf"
wait_port $BACKEND_PORT
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$BACKEND_PORT/small")
[[ "$code" == 200 ]] || { echo "run.sh: the backend answers $code for /small" >&2; exit 1; }
BASE_P99=$(wrk_p99 -t1 -c1 -d"${DURATION}s" "http://127.0.0.1:$BACKEND_PORT/small")
BASE_RPS=$(wrk_rps -t2 -c"$CONNS" -d"${DURATION}s" "http://127.0.0.1:$BACKEND_PORT/small")
BASE_MIBS=$(stream_mibs "http://127.0.0.1:$BACKEND_PORT/big")

if (( ROUNDS > 0 )); then
    declare -A ROUND
    for round in $(seq 1 "$ROUNDS"); do
        for name in $PROXIES; do
            # shellcheck disable=SC2046
            start_bg "$name" "$WORK/$name.pid" $(command_of "$name")
            wait_port "${PORT[$name]}"
            sleep 0.5
            ROUND[$name,$round]=$(wrk_rps -t2 -c"$CONNS" -d"${DURATION}s" "https://127.0.0.1:${PORT[$name]}/small")
            echo "round $round $name ${ROUND[$name,$round]}" >&2
            kill "$(cat "$WORK/$name.pid")" 2>/dev/null || true
            sleep 0.5
        done
    done
    {
        echo "| keep-alive requests/s (wrk -c$CONNS, ${DURATION}s) | $(echo $PROXIES | sed 's/ / | /g') |"
        echo "|---|$(for _ in $PROXIES; do printf -- '---|'; done)"
        for round in $(seq 1 "$ROUNDS"); do
            printf '| round %s |' "$round"; for name in $PROXIES; do printf ' %s |' "${ROUND[$name,$round]}"; done; echo
        done
        first=${PROXIES%% *}
        median() { for r in $(seq 1 "$ROUNDS"); do echo "${ROUND[$1,$r]}"; done | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
        printf '| **median** |'; for name in $PROXIES; do printf ' **%s** |' "$(median "$name")"; done; echo
        printf '| median ÷ %s |' "$first"; for name in $PROXIES; do awk -v a="$(median "$name")" -v b="$(median "$first")" 'BEGIN { printf " %.2f |", a / b }'; done; echo
    } | tee "$WORK/results.md"
    exit 0
fi

declare -A READY IDLE HS RESUMED RPS P99 MIBS HELD
for name in $PROXIES; do
    port=${PORT[$name]}
    echo "== $name" >&2
    # shellcheck disable=SC2046
    samples=$(for _ in $(seq 1 "$STARTS"); do python3 "$HERE/probe.py" ready "$port" $(command_of "$name"); sleep 0.3; done)
    READY[$name]=$(echo "$samples" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')

    # shellcheck disable=SC2046
    start_bg "$name" "$WORK/$name.pid" $(command_of "$name")
    wait_port "$port"
    sleep 1
    code=$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$port/small")
    [[ "$code" == 200 ]] || { echo "run.sh: $name answers $code for /small" >&2; exit 1; }
    IDLE[$name]=$(python3 "$HERE/probe.py" rss "$WORK/$name.pid")
    HS[$name]=$(handshakes "$port")
    RESUMED[$name]=$(wrk_rps -t2 -c"$CONNS" -d"${DURATION}s" -H "Connection: close" "https://127.0.0.1:$port/small")
    RPS[$name]=$(wrk_rps -t2 -c"$CONNS" -d"${DURATION}s" "https://127.0.0.1:$port/small")
    P99[$name]=$(wrk_p99 -t1 -c1 -d"${DURATION}s" "https://127.0.0.1:$port/small")
    MIBS[$name]=$(stream_mibs "https://127.0.0.1:$port/big")
    HELD[$name]=$(python3 "$HERE/probe.py" hold "$port" "$HOLD" "$WORK/$name.pid")
    kill "$(cat "$WORK/$name.pid")" 2>/dev/null || true
    sleep 1
done

{
    echo "| | $(echo $PROXIES | sed 's/ / | /g') |"
    echo "|---|$(for _ in $PROXIES; do printf -- '---|'; done)"
    row() { local label=$1; shift; printf '| %s |' "$label"; for name in $PROXIES; do printf ' %s |' "$("$@" "$name")"; done; echo; }
    v() { local -n map=$1; echo "${map[$2]}"; }
    row "full TLS handshakes/s (openssl s_time -new, $HANDSHAKERS clients)" v HS
    row "new connections/s, session resumption allowed (wrk, Connection: close)" v RESUMED
    row "keep-alive requests/s (wrk -c$CONNS, 1 KiB body; backend direct: $BASE_RPS)" v RPS
    row "throughput of a $BIG_MIB MiB stream, MiB/s (curl; backend direct: $BASE_MIBS)" v MIBS
    addp99() { echo $(( $(v P99 "$1" | cut -d. -f1) - ${BASE_P99%.*} )); }
    row "added p99 latency, µs (wrk -c1; backend direct p99: ${BASE_P99%.*} µs)" addp99
    kb2mb() { awk -v k="$(v "$2" "$1")" 'BEGIN { printf "%.1f", k / 1024 }'; }
    idle() { kb2mb "$1" IDLE; }
    held() { kb2mb "$1" HELD; }
    row "idle RSS, MB" idle
    row "RSS with $HOLD open connections, MB" held
    row "start to first TLS handshake, ms (median of $STARTS)" v READY
} | tee "$WORK/results.md"
