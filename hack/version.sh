#!/usr/bin/env bash
# Prints the version of this checkout exactly as MSBuild stamps it into every assembly: MinVer's, from the nearest
# git tag vX.Y.Z, or 0.1.0-alpha.0.N without one (docs/release.md). `make` reads it once, for IMG_TAG and `make dist`.
set -euo pipefail

usage() { echo "Usage: hack/version.sh   print the version MinVer computes for this checkout (needs the .NET SDK and git)"; }
case "${1:-}" in
  "") ;;
  -h|--help) usage; exit 0 ;;
  *) usage >&2; echo "version.sh: unknown argument: $1" >&2; exit 2 ;;
esac
trap 'echo "version.sh: MSBuild could not compute the version (is this a git checkout with the .NET SDK installed?)" >&2' ERR

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v dotnet >/dev/null 2>&1 || { echo "version.sh: the .NET SDK (dotnet) is required." >&2; exit 1; }
# -restore: MinVer is a package; the restore is a no-op after the first build.
version="$(dotnet msbuild "$repo/src/Injector.Core/Injector.Core.csproj" -restore -nologo -t:ImageTag -getProperty:MinVerVersion)"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || { echo "version.sh: MSBuild printed no version: $version" >&2; exit 1; }
echo "$version"
