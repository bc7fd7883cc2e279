#!/usr/bin/env bash
# Renders a kustomization of manifests/ with every image pinned to one repository and tag, and the
# app.kubernetes.io/version label set to that tag: what `make dist` writes to dist/. The manifests themselves name
# their images once (manifests/base/kustomization.yaml, `images:`); this adds a kustomization on top that moves them.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: hack/render-manifests.sh KUSTOMIZATION_DIR

Environment: IMG_TAG (required: the image tag and version label, e.g. 0.1.0), IMAGE_REPOSITORY (default tls-injector:
images become IMAGE_REPOSITORY/webhook:IMG_TAG and IMAGE_REPOSITORY/tls-proxy:IMG_TAG), KUBECTL (default kubectl).
USAGE
}

die() { echo "render-manifests.sh: $*" >&2; exit 1; }

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  "") usage >&2; die "a kustomization directory is required." ;;
esac
[[ -d "$1" ]] || die "$1 is not a directory."
kustomization="$(cd "$1" && pwd)"
repository="${IMAGE_REPOSITORY:-tls-injector}"
tag="${IMG_TAG:-}"
kubectl="${KUBECTL:-kubectl}"
# Docker's tag grammar; a tag kustomize cannot write would otherwise surface only as a pull error in the cluster.
[[ "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "IMG_TAG '${tag}' is not an image tag (e.g. 0.1.0)."
[[ "$repository" =~ ^[a-z0-9]([a-z0-9._/:-]*[a-z0-9])?$ ]] || die "IMAGE_REPOSITORY '${repository}' is not an image repository (e.g. registry.example/tls-injector)."

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/kustomization.yaml" <<YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - $(realpath --relative-to="$work" "$kustomization")
images:
  - name: tls-injector/webhook
    newName: ${repository}/webhook
    newTag: "${tag}"
  - name: tls-injector/tls-proxy
    newName: ${repository}/tls-proxy
    newTag: "${tag}"
labels:
  - pairs:
      app.kubernetes.io/version: "${tag}"
    includeSelectors: false
    includeTemplates: true
YAML
"$kubectl" kustomize "$work"
