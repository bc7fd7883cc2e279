#!/usr/bin/env bash
# The whole end-to-end run on a throwaway kind cluster: create it, build and load the images, install
# tls-injector (with cert-manager when its manifest is given, else the self-signed overlay), run
# tests/Injector.E2E against it, collect logs when anything fails, and delete the cluster.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: hack/kind-e2e.sh [--name NAME] [--keep] [--skip-images] [--filter EXPR]

  --name NAME     kind cluster name (default: tls-injector-e2e)
  --keep          keep the cluster afterwards (its kubeconfig path is printed)
  --skip-images   do not run `make images`; load the existing tls-injector/*:dev images (make images IMG_TAG=dev)
  --filter EXPR   passed to `dotnet test --filter` (e.g. FullyQualifiedName~Admission)
  -h, --help      show this help

Environment:
  CERT_MANAGER_MANIFEST  path or URL of cert-manager's release manifest (cert-manager.yaml). When set,
                         cert-manager is installed from it and the cert-manager overlay is used; when
                         unset, the self-signed overlay is used (nothing beyond this repo is needed).
                         Offline: download cert-manager.yaml once and point this at the file; its images
                         (quay.io/jetstack/cert-manager-*) must then be pullable or pre-loaded with kind load.
  KIND_NODE_IMAGE        node image for `kind create cluster --image` (default: kind's own default)
  E2E_PRELOAD_IMAGES     space-separated images to `kind load` before the run when present locally
                         (default: the suite's app and curl images, see tests/Injector.E2E)
  ARTIFACTS              where logs go on failure (default: artifacts/kind-e2e)
USAGE
}

die() { echo "kind-e2e.sh: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is required but not installed${2:+ ($2)}."; }
log() { echo "kind-e2e.sh: $*" >&2; }

name="tls-injector-e2e"
keep=0
skip_images=0
filter=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --name) name="${2:?--name needs a value}"; shift 2 ;;
    --keep) keep=1; shift ;;
    --skip-images) skip_images=1; shift ;;
    --filter) filter="${2:?--filter needs an expression}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
need docker "install Docker and start its engine"
need kind "see https://kind.sigs.k8s.io; it is not packaged by Debian"
need kubectl "apt-get install kubectl"
need dotnet "install the .NET 10 SDK"
need make
docker info >/dev/null 2>&1 || die "the Docker engine does not answer (docker info failed); start dockerd."
if kind get clusters 2>/dev/null | grep -qx "$name"; then
  die "a kind cluster named $name already exists; delete it (kind delete cluster --name $name) or pass --name."
fi

artifacts="${ARTIFACTS:-$repo/artifacts/kind-e2e}"
work="$(mktemp -d)"
export KUBECONFIG="$work/kubeconfig"
created=0
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ $status -ne 0 && $created -eq 1 ]]; then
    collect_logs || true
  fi
  if [[ $created -eq 1 && $keep -eq 0 ]]; then
    log "deleting kind cluster $name"
    kind delete cluster --name "$name" >&2 || true
  elif [[ $created -eq 1 ]]; then
    cp "$KUBECONFIG" "$repo/artifacts/kind-e2e.kubeconfig" 2>/dev/null || true
    log "kept cluster $name; KUBECONFIG=$repo/artifacts/kind-e2e.kubeconfig"
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

collect_logs() {
  log "collecting logs into $artifacts"
  mkdir -p "$artifacts"
  kubectl get pods -A -o wide > "$artifacts/pods.txt" 2>&1 || true
  kubectl get events -A --sort-by=.lastTimestamp > "$artifacts/events.txt" 2>&1 || true
  kubectl -n tls-injector describe pods > "$artifacts/webhook-describe.txt" 2>&1 || true
  kubectl -n tls-injector logs -l app.kubernetes.io/name=tls-injector --all-containers --prefix --tail=-1 > "$artifacts/webhook.log" 2>&1 || true
  kubectl get mutatingwebhookconfiguration,validatingwebhookconfiguration tls-injector -o yaml > "$artifacts/webhook-configurations.yaml" 2>&1 || true
  for ns in $(kubectl get ns -l tls-injector.io/e2e-run -o name 2>/dev/null | cut -d/ -f2); do
    kubectl -n "$ns" describe pods > "$artifacts/$ns-describe.txt" 2>&1 || true
    kubectl -n "$ns" logs --all-containers --prefix --tail=-1 -l app > "$artifacts/$ns.log" 2>&1 || true
  done
  kind export logs --name "$name" "$artifacts/kind" >/dev/null 2>&1 || true
}

log "creating kind cluster $name"
create_args=(create cluster --name "$name" --kubeconfig "$KUBECONFIG" --wait 180s)
[[ -n "${KIND_NODE_IMAGE:-}" ]] && create_args+=(--image "$KIND_NODE_IMAGE")
created=1
kind "${create_args[@]}" >&2

if [[ $skip_images -eq 0 ]]; then
  log "building images"
  make -C "$repo" images IMG_TAG=dev >&2
fi
for image in tls-injector/webhook:dev tls-injector/tls-proxy:dev; do
  docker image inspect "$image" >/dev/null 2>&1 || die "image $image is missing; run make images IMG_TAG=dev."
  kind load docker-image --name "$name" "$image" >&2
done
for image in ${E2E_PRELOAD_IMAGES:-nginxinc/nginx-unprivileged:1.27-alpine curlimages/curl:8.11.1}; do
  if docker image inspect "$image" >/dev/null 2>&1; then kind load docker-image --name "$name" "$image" >&2; fi
done

if [[ -n "${CERT_MANAGER_MANIFEST:-}" ]]; then
  log "installing cert-manager from $CERT_MANAGER_MANIFEST"
  kubectl apply -f "$CERT_MANAGER_MANIFEST" >&2
  kubectl -n cert-manager wait --for=condition=Available deployment --all --timeout=300s >&2
  overlay="$repo/manifests/overlays/cert-manager"
else
  overlay="$repo/manifests/overlays/self-signed"
fi

log "installing tls-injector from ${overlay#"$repo"/}"
# cert-manager's own webhook may refuse Certificates for a few seconds after it reports Available.
for attempt in 1 2 3 4 5 6; do
  if kubectl apply -k "$overlay" >&2; then break; fi
  [[ $attempt -eq 6 ]] && die "kubectl apply -k $overlay kept failing."
  sleep 10
done
kubectl -n tls-injector rollout status deployment/tls-injector-webhook --timeout=300s >&2
for _ in $(seq 1 60); do
  bundle="$(kubectl get mutatingwebhookconfiguration tls-injector -o jsonpath='{.webhooks[0].clientConfig.caBundle}')"
  [[ -n "$bundle" ]] && break
  sleep 2
done
[[ -n "$bundle" ]] || die "caBundle of MutatingWebhookConfiguration tls-injector is still empty after 120 s."

log "running tests/Injector.E2E"
test_args=(test "$repo/tests/Injector.E2E" --logger "console;verbosity=normal")
[[ -n "$filter" ]] && test_args+=(--filter "$filter")
TLS_INJECTOR_E2E_REQUIRE=1 TLS_INJECTOR_E2E_KUBECONFIG="$KUBECONFIG" dotnet "${test_args[@]}"
log "passed"
