#!/usr/bin/env bash
# Builds IMAGE_REPOSITORY/webhook:IMG_TAG and IMAGE_REPOSITORY/tls-proxy:IMG_TAG (make images passes both). The
# webhook is built with the same two values, so the proxy image it injects by default is the one built here.
#   docker mode:  the multi-stage Dockerfiles (src/Injector.Webhook/Dockerfile, src/Injector.Proxy/Dockerfile),
#                 which pull the .NET SDK and runtime base images.
#   scratch mode: no base image at all. Publishes on this machine, stages a root filesystem holding the
#                 binaries plus exactly the shared libraries they load (ldd, and the OpenSSL libraries .NET
#                 loads at run time), and builds hack/images/*.scratch.Dockerfile FROM scratch.
#   auto mode:    docker mode when the SDK base image is present or can be pulled, else scratch mode.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: hack/build-images.sh [--mode auto|docker|scratch] [--only webhook|proxy] [--source DIR]

  --mode MODE    auto (default), docker or scratch (see the top of this script)
  --only NAME    build only the webhook or only the proxy image
  --source DIR   repository checkout to build from (default: this one), e.g. an export of another branch
  -h, --help     show this help

Environment: IMG_TAG (default: the version), IMAGE_REPOSITORY (default tls-injector), VERSION (default: hack/version.sh;
stamped into the binaries, which a Docker build cannot compute without .git), SDK_IMAGE (default
mcr.microsoft.com/dotnet/sdk:10.0, probed in auto mode), STAGE (default artifacts/image-stage).
USAGE
}

die() { echo "build-images.sh: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is required but not installed${2:+ ($2)}."; }
log() { echo "build-images.sh: $*" >&2; }

mode=auto
only=""
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source_dir="$repo"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --mode) mode="${2:?--mode needs a value}"; shift 2 ;;
    --only) only="${2:?--only needs a value}"; shift 2 ;;
    --source) source_dir="$(cd "${2:?--source needs a directory}" && pwd)"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
[[ "$mode" =~ ^(auto|docker|scratch)$ ]] || die "--mode must be auto, docker or scratch, got '$mode'."
[[ -z "$only" || "$only" =~ ^(webhook|proxy)$ ]] || die "--only must be webhook or proxy, got '$only'."

version="${VERSION:-$("$repo/hack/version.sh")}"
tag="${IMG_TAG:-$version}"
repository="${IMAGE_REPOSITORY:-tls-injector}"
webhook_image="$repository/webhook:$tag"
proxy_image="$repository/tls-proxy:$tag"
# What every publish below gets, and the Dockerfiles as build arguments: the version, and the image the webhook injects.
build_properties=(-p:MinVerVersionOverride="$version" -p:ImageRepository="$repository" -p:ImageTag="$tag")
build_args=(--build-arg "VERSION=$version" --build-arg "IMAGE_REPOSITORY=$repository" --build-arg "IMAGE_TAG=$tag")
sdk_image="${SDK_IMAGE:-mcr.microsoft.com/dotnet/sdk:10.0}"
stage="${STAGE:-$repo/artifacts/image-stage}"

need docker "apt-get install docker.io"
docker info >/dev/null 2>&1 || die "the Docker engine does not answer (docker info failed); start dockerd."

if [[ "$mode" == auto ]]; then
  if docker image inspect "$sdk_image" >/dev/null 2>&1 || timeout 60 docker pull -q "$sdk_image" >/dev/null 2>&1; then
    mode=docker
  else
    mode=scratch
    log "cannot get $sdk_image (no registry?): building FROM scratch images from local publishes"
  fi
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Copies every shared library that the ELF files given (and the libraries they pull in) need into $1.
stage_libraries() {
  local rootfs="$1"; shift
  local list="$work/libs.txt"
  : > "$list"
  local file
  for file in "$@"; do
    ldd "$file" 2>/dev/null | awk '/=> \//{print $3} /^[ \t]*\/[^ ]+ \(0x/{print $1}' >> "$list" || true
  done
  # .NET opens OpenSSL with dlopen, so ldd never lists it; the proxy and the webhook both need it for TLS.
  local ssl
  for ssl in libssl.so.3 libcrypto.so.3; do
    local path
    # No early exit in awk: with pipefail, ldconfig dying of SIGPIPE would fail the script.
    path="$(ldconfig -p | awk -v lib="$ssl" '$1 == lib && /x86-64/ {print $NF}')"
    path="${path%%$'\n'*}"
    [[ -n "$path" ]] || die "$ssl not found (apt-get install libssl3)."
    echo "$path" >> "$list"
    ldd "$path" | awk '/=> \//{print $3} /^[ \t]*\/[^ ]+ \(0x/{print $1}' >> "$list"
  done
  local lib
  sort -u "$list" | while read -r lib; do
    cp -L --parents "$lib" "$rootfs/"
  done
}

# The few files a non-root process expects: its passwd/group entries, a writable /tmp, the CA bundle.
stage_base() {
  local rootfs="$1"
  mkdir -p "$rootfs/etc/ssl/certs" "$rootfs/tmp"
  chmod 1777 "$rootfs/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$rootfs/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' > "$rootfs/etc/group"
  [[ -f /etc/ssl/certs/ca-certificates.crt ]] && cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
  return 0
}

build_webhook() {
  if [[ "$mode" == docker ]]; then
    docker build -f "$source_dir/src/Injector.Webhook/Dockerfile" "${build_args[@]}" -t "$webhook_image" "$source_dir"
    return
  fi
  need dotnet "install the .NET 10 SDK"
  local context="$stage/webhook"
  rm -rf "$context" && mkdir -p "$context/rootfs/app"
  log "publishing the webhook with NativeAOT (linux-x64), as its Dockerfile does"
  if dotnet publish "$source_dir/src/Injector.Webhook/Injector.Webhook.csproj" -c Release -r linux-x64 \
      -p:PublishAot=true "${build_properties[@]}" -o "$work/webhook" >&2; then
    install -m 0755 "$work/webhook/Injector.Webhook" "$context/rootfs/app/Injector.Webhook"
    cp "$work/webhook/appsettings.json" "$context/rootfs/app/"
  else
    log "NativeAOT publish failed (is clang installed? apt-get install clang zlib1g-dev); falling back to a self-contained publish"
    dotnet publish "$source_dir/src/Injector.Webhook/Injector.Webhook.csproj" -c Release -r linux-x64 --self-contained \
      "${build_properties[@]}" -o "$context/rootfs/app" >&2
  fi
  stage_base "$context/rootfs"
  stage_libraries "$context/rootfs" "$context/rootfs/app/Injector.Webhook" "$context"/rootfs/app/*.so
  cp "$repo/hack/images/webhook.scratch.Dockerfile" "$context/Dockerfile"
  docker build -t "$webhook_image" "$context"
}

build_proxy() {
  if [[ "$mode" == docker ]]; then
    [[ -f "$source_dir/src/Injector.Proxy/Dockerfile" ]] || die "src/Injector.Proxy/Dockerfile does not exist yet; use --mode scratch."
    docker build -f "$source_dir/src/Injector.Proxy/Dockerfile" "${build_args[@]}" -t "$proxy_image" "$source_dir"
    return
  fi
  need dotnet "install the .NET 10 SDK"
  local context="$stage/proxy"
  rm -rf "$context" && mkdir -p "$context/rootfs" "$work/proxy"
  log "publishing the proxy with NativeAOT (linux-x64)"
  if dotnet publish "$source_dir/src/Injector.Proxy/Injector.Proxy.csproj" -c Release -r linux-x64 \
      -p:PublishAot=true "${build_properties[@]}" -o "$work/proxy" >&2; then
    log "NativeAOT publish succeeded"
  else
    log "NativeAOT publish failed (is clang installed? apt-get install clang); falling back to a self-contained single file"
    rm -rf "$work/proxy" && mkdir -p "$work/proxy"
    dotnet publish "$source_dir/src/Injector.Proxy/Injector.Proxy.csproj" -c Release -r linux-x64 --self-contained \
      "${build_properties[@]}" -p:PublishAot=false -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -o "$work/proxy" >&2
  fi
  [[ -x "$work/proxy/tls-proxy" ]] || die "the publish produced no tls-proxy binary in $work/proxy."
  install -m 0755 "$work/proxy/tls-proxy" "$context/rootfs/tls-proxy"
  stage_base "$context/rootfs"
  stage_libraries "$context/rootfs" "$context/rootfs/tls-proxy"
  cp "$repo/hack/images/proxy.scratch.Dockerfile" "$context/Dockerfile"
  docker build -t "$proxy_image" "$context"
}

[[ "$only" == proxy ]] || build_webhook
[[ "$only" == webhook ]] || build_proxy
docker image ls --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | grep -E "^(${webhook_image}|${proxy_image})  " >&2 || true
log "built (${mode} mode)"
