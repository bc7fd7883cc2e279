#!/usr/bin/env bash
# Makes a CA and a serving certificate signed by it, with openssl: ECDSA P-256, serverAuth, the SANs asked for.
# The webhook's default DNS names are used when no --dns/--ip is given.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: hack/gen-certs.sh [--out DIR] [--dns NAME]... [--ip ADDRESS]... [--cn NAME] [--days N] [--force]

Writes DIR/ca.crt, DIR/ca.key, DIR/tls.crt and DIR/tls.key (PEM; the key files are mode 0600).
tls.crt holds the serving certificate; ca.crt is what goes into a webhook's caBundle.

  --out DIR     output directory (default: dist/certs)
  --dns NAME    a DNS subject alternative name; repeatable
                (default: tls-injector-webhook.tls-injector.svc and its .cluster.local form)
  --ip ADDRESS  an IP subject alternative name; repeatable (e.g. 127.0.0.1 for hack/run-local.sh)
  --cn NAME     subject common name (default: the first --dns, else the first --ip)
  --days N      validity of both certificates in days (default: 365)
  --force       overwrite existing files in DIR
  -h, --help    show this help

Example, a Secret for the base manifests without cert-manager:
  hack/gen-certs.sh --out /tmp/wh
  kubectl -n tls-injector create secret tls tls-injector-webhook-tls --cert=/tmp/wh/tls.crt --key=/tmp/wh/tls.key
USAGE
}

die() { echo "gen-certs.sh: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is required but not installed${2:+ ($2)}."; }

out="dist/certs"
days=365
cn=""
force=0
dns=()
ips=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    --dns) dns+=("${2:?--dns needs a name}"); shift 2 ;;
    --ip) ips+=("${2:?--ip needs an address}"); shift 2 ;;
    --cn) cn="${2:?--cn needs a name}"; shift 2 ;;
    --days) days="${2:?--days needs a number}"; shift 2 ;;
    --force) force=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done

need openssl "apt-get install openssl"
[[ "$days" =~ ^[0-9]+$ ]] || die "--days must be a whole number, got '$days'."
if [[ ${#dns[@]} -eq 0 && ${#ips[@]} -eq 0 ]]; then
  dns=("tls-injector-webhook.tls-injector.svc" "tls-injector-webhook.tls-injector.svc.cluster.local")
fi
if [[ -z "$cn" ]]; then
  if [[ ${#dns[@]} -gt 0 ]]; then cn="${dns[0]}"; else cn="${ips[0]}"; fi
fi

mkdir -p "$out"
if [[ $force -eq 0 ]]; then
  for f in ca.crt ca.key tls.crt tls.key; do
    [[ -e "$out/$f" ]] && die "$out/$f exists; pass --force to overwrite."
  done
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

san=""
for name in "${dns[@]}"; do san+="${san:+,}DNS:${name}"; done
for address in "${ips[@]}"; do san+="${san:+,}IP:${address}"; done

umask 077
openssl ecparam -name prime256v1 -genkey -noout -out "$work/ca.key"
openssl req -x509 -new -key "$work/ca.key" -sha256 -days "$days" -subj "/CN=tls-injector-ca" \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out "$work/ca.crt" 2>/dev/null

openssl ecparam -name prime256v1 -genkey -noout -out "$work/tls.ec.key"
# PKCS#8, the form cert-manager writes and .NET's PEM loader reads.
openssl pkcs8 -topk8 -nocrypt -in "$work/tls.ec.key" -out "$work/tls.key"
openssl req -new -key "$work/tls.key" -subj "/CN=${cn}" -out "$work/tls.csr"
cat > "$work/leaf.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=${san}
EXT
openssl x509 -req -in "$work/tls.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial \
  -days "$days" -sha256 -extfile "$work/leaf.ext" -out "$work/tls.crt" 2>/dev/null
openssl verify -CAfile "$work/ca.crt" "$work/tls.crt" >/dev/null

install -m 0644 "$work/ca.crt" "$out/ca.crt"
install -m 0600 "$work/ca.key" "$out/ca.key"
install -m 0644 "$work/tls.crt" "$out/tls.crt"
install -m 0600 "$work/tls.key" "$out/tls.key"
echo "gen-certs.sh: wrote $out/{ca.crt,ca.key,tls.crt,tls.key} for ${san}" >&2
