#!/usr/bin/env bash
# Runs the webhook out of cluster, on this machine, against the API server of the current KUBECONFIG:
# a serving certificate for the address the API server calls, the webhook under `dotnet run`, and url-mode
# copies of the MutatingWebhookConfiguration and ValidatingWebhookConfiguration rendered from
# manifests/base/webhook, so the real selectors and settings are what gets tried. Everything it
# registers is deleted again when it exits (Ctrl-C included).
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: hack/run-local.sh [--port PORT] [--host ADDRESS] [--render-only] [--replace]

Runs src/Injector.Webhook with `dotnet run` on https://ADDRESS:PORT and registers the webhook
configurations "tls-injector" with url: https://ADDRESS:PORT/mutate and /validate and the generated
caBundle. Stops on Ctrl-C and deletes what it registered.

  --port PORT     port to listen on (default: 9443)
  --host ADDRESS  address the API server uses to reach this machine (default: 127.0.0.1, right when the
                  API server runs on this machine; for kind use the Docker bridge gateway, e.g. 172.18.0.1)
  --render-only   print the url-mode webhook configurations (with a fresh caBundle) and exit; needs no cluster
  --replace       replace existing webhook configurations named tls-injector (default: refuse)
  -h, --help      show this help

Environment: KUBECONFIG (the cluster), PROXY_IMAGE (the sidecar image the webhook injects,
default tls-injector/tls-proxy:dev), CONFIGURATION (dotnet build configuration, default Debug).
Then, in another shell: make e2e   (runs the admission checks against this webhook).
USAGE
}

die() { echo "run-local.sh: $*" >&2; exit 1; }
kubeconfig_file() { local first="${KUBECONFIG:-$HOME/.kube/config}"; echo "${first%%:*}"; }
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is required but not installed${2:+ ($2)}."; }

port=9443
host=127.0.0.1
render_only=0
replace=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) port="${2:?--port needs a number}"; shift 2 ;;
    --host) host="${2:?--host needs an address}"; shift 2 ;;
    --render-only) render_only=1; shift ;;
    --replace) replace=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
[[ "$port" =~ ^[0-9]+$ && "$port" -ge 1 && "$port" -le 65535 ]] || die "--port must be 1-65535, got '$port'."

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
need kubectl "apt-get install kubectl"
need openssl "apt-get install openssl"
need base64 "coreutils"
need realpath "coreutils"
[[ $render_only -eq 1 ]] || need dotnet "install the .NET 10 SDK"
[[ $render_only -eq 1 ]] || need curl "apt-get install curl"

work="$(mktemp -d)"
webhook_pid=""
registered=0
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ $registered -eq 1 ]]; then
    echo "run-local.sh: deleting the url-mode webhook configurations" >&2
    kubectl delete mutatingwebhookconfiguration tls-injector --ignore-not-found --wait=false >&2 || true
    kubectl delete validatingwebhookconfiguration tls-injector --ignore-not-found --wait=false >&2 || true
  fi
  if [[ -n "$webhook_pid" ]] && kill -0 "$webhook_pid" 2>/dev/null; then
    echo "run-local.sh: stopping the webhook (process group $webhook_pid)" >&2
    kill -TERM -- "-$webhook_pid" 2>/dev/null || true
    wait "$webhook_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. A CA and a serving certificate for the address the API server will call.
cert_args=(--out "$work/certs" --ip "$host")
[[ "$host" == "127.0.0.1" ]] && cert_args+=(--dns localhost)
"$repo/hack/gen-certs.sh" "${cert_args[@]}" 2>/dev/null
ca_bundle="$(base64 -w0 < "$work/certs/ca.crt")"

# 2. The base webhook configurations, rewritten to url mode by a kustomize overlay made on the fly.
#    kustomize only loads relative paths, hence realpath --relative-to.
mkdir -p "$work/kustomize"
base_rel="$(realpath --relative-to="$work/kustomize" "$repo/manifests/base/webhook")"
client_config() { printf '{"url": "https://%s:%s%s", "caBundle": "%s"}' "$host" "$port" "$1" "$ca_bundle"; }
cat > "$work/kustomize/kustomization.yaml" <<YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ${base_rel}
commonAnnotations:
  tls-injector.io/run-local: "https://${host}:${port}"
patches:
  - target: {kind: MutatingWebhookConfiguration, name: tls-injector}
    patch: |-
      - {op: replace, path: /webhooks/0/clientConfig, value: $(client_config /mutate)}
      - {op: replace, path: /webhooks/1/clientConfig, value: $(client_config /mutate)}
  - target: {kind: ValidatingWebhookConfiguration, name: tls-injector}
    patch: |-
      - {op: replace, path: /webhooks/0/clientConfig, value: $(client_config /validate)}
YAML
kubectl kustomize "$work/kustomize" > "$work/webhooks.yaml"
if grep -q '^    service:' "$work/webhooks.yaml"; then
  die "a webhook in manifests/base/webhook still points at the in-cluster Service; add its index to the patches in $0."
fi

if [[ $render_only -eq 1 ]]; then
  cat "$work/webhooks.yaml"
  exit 0
fi

# 3. The cluster must answer, and must not already run tls-injector (two injectors would both inject).
kubectl version --request-timeout=10s >/dev/null 2>&1 \
  || die "the API server of $(kubeconfig_file) does not answer (kubectl version failed)."
if kubectl get mutatingwebhookconfiguration tls-injector >/dev/null 2>&1 && [[ $replace -eq 0 ]]; then
  die "a MutatingWebhookConfiguration tls-injector already exists (tls-injector is installed?); uninstall it or pass --replace."
fi

# 4. The webhook, in its own process group so that cleanup stops `dotnet run` and the server it starts.
echo "run-local.sh: building and starting the webhook on https://${host}:${port}" >&2
export Webhook__Port="$port"
export Webhook__CertificateDirectory="$work/certs"
export Webhook__Bootstrap__Enabled=false
export Injector__InjectorNamespace=tls-injector
export Injector__ProxyImage="${PROXY_IMAGE:-tls-injector/tls-proxy:dev}"
export POD_NAMESPACE=tls-injector
# The same kubeconfig kubectl uses here (the first file of KUBECONFIG), passed explicitly to the webhook.
export Webhook__KubeConfig="${Webhook__KubeConfig:-$(kubeconfig_file)}"
export DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development
setsid dotnet run --project "$repo/src/Injector.Webhook" -c "${CONFIGURATION:-Debug}" --no-launch-profile &
webhook_pid=$!

for _ in $(seq 1 180); do
  if curl -fsS --cacert "$work/certs/ca.crt" "https://${host}:${port}/healthz" >/dev/null 2>&1; then break; fi
  kill -0 "$webhook_pid" 2>/dev/null || die "the webhook exited before it answered /healthz; see its output above."
  sleep 1
done
curl -fsS --cacert "$work/certs/ca.crt" "https://${host}:${port}/healthz" >/dev/null \
  || die "the webhook did not answer https://${host}:${port}/healthz within 180 s."

# 5. Register; from here on, cleanup deletes the configurations.
registered=1
kubectl apply -f "$work/webhooks.yaml" >&2
echo "run-local.sh: ready. Try it: kubectl label namespace NAME tls-injector.io/injection=enabled; make e2e. Ctrl-C stops." >&2
wait "$webhook_pid"
