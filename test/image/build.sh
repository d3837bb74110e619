#!/usr/bin/env bash
# Builds the operator image from the repository's Dockerfile without a Docker engine, and writes it
# as an OCI image layout (the tag is package.json's version) into
#   <out>  (default .dev/image/oci)
# beside the image's SBOM as an OCI artifact whose subject is the image manifest. Prints <out> on
# its last line.
#
#   bash test/image/build.sh [--out DIR]
#
# 1. the base images (test/image/build-base.sh: mmdebstrap + Node from the npm registry, cached);
# 2. `buildah build`, chroot isolation, vfs storage (no overlay, no user namespaces in this
#    sandbox), the machine's CA bundle as the build secret `ca` (never in a layer), the OCI labels
#    source/version/revision as build arguments;
# 3. `skopeo copy containers-storage:… oci:<out>:<version>`;
# 4. the SBOM (/app/sbom.cdx.json in the image, written by `npm sbom` in the Dockerfile) read back
#    from the image and attached to the layout (attach-sbom.ts).
# The container storage is a temporary one, removed at the end: each run builds from scratch.
# Needs root, buildah, skopeo, mmdebstrap, and Node >= 22.18 as `node` (attach-sbom.ts).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
tag=image
# shellcheck source=lib.sh
source "$here/lib.sh"

out="$root/.dev/image/oci"
while (($# > 0)); do
  case $1 in
    --out) out=$(realpath -m "${2:?--out needs a directory}"); shift 2 ;;
    *) die "unknown argument '$1' (usage: ${0##*/} [--out DIR])" ;;
  esac
done
[[ $(id -u) == 0 ]] || die "buildah's chroot isolation and vfs storage need root here"
for c in buildah skopeo node; do command -v "$c" >/dev/null 2>&1 || die "no '$c' on PATH: apt-get install buildah skopeo"; done

version=$(node -p 'require(process.argv[1]).version' "$root/package.json")
revision=$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)
if [[ $revision != unknown && -n $(git -C "$root" status --porcelain -- Dockerfile .dockerignore package.json package-lock.json tsconfig.json tsconfig.build.json src crds 2>/dev/null) ]]; then
  revision="$revision-dirty" # what is built is not that commit
fi
source_url=https://github.com/managedapps/managed-apps-operator # Chart.yaml's home
image="localhost/managed-apps-operator:$version"

total_start=$SECONDS
bases=$(bash "$here/build-base.sh" | tail -n 1)
key=${bases##*/base-}

mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d "$(dirname "$out")/.building.XXXXXX")
log="$(dirname "$out")/build.log"
: >"$log"
store=(--root "$tmp/storage" --runroot "$tmp/run" --storage-driver vfs)
cleanup() {
  buildah "${store[@]}" rm --all >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

import_base() { # <name>
  local id
  id=$(buildah "${store[@]}" pull --quiet "oci-archive:$bases/$1.oci.tar")
  buildah "${store[@]}" tag "$id" "localhost/managed-apps-operator-base-$1:$key"
}
step "importing the base images ($key)" eval 'import_base build && import_base runtime'

secret=()
ca=${IMAGE_BUILD_CA:-/etc/ssl/certs/ca-certificates.crt}
if [[ -s $ca ]]; then secret=(--secret "id=ca,src=$ca"); fi
step "buildah build $image" buildah "${store[@]}" build --isolation chroot --pull=false \
  "${secret[@]}" \
  --build-arg "NODE_IMAGE=localhost/managed-apps-operator-base-build:$key" \
  --build-arg "RUNTIME_IMAGE=localhost/managed-apps-operator-base-runtime:$key" \
  --build-arg "VERSION=$version" --build-arg "REVISION=$revision" --build-arg "SOURCE=$source_url" \
  --tag "$image" --file "$root/Dockerfile" "$root"

rm -rf "$out"
step "skopeo copy to oci:$out:$version" skopeo copy \
  "containers-storage:[vfs@$tmp/storage+$tmp/run]$image" "oci:$out:$version"

read_sbom() {
  local ctr mnt
  ctr=$(buildah "${store[@]}" from --pull=false "$image")
  mnt=$(buildah "${store[@]}" mount "$ctr")
  cp "$mnt/app/sbom.cdx.json" "$tmp/sbom.cdx.json"
  buildah "${store[@]}" umount "$ctr"
  buildah "${store[@]}" rm "$ctr"
  node "$here/attach-sbom.ts" "$out" "$version" "$tmp/sbom.cdx.json"
}
step "attaching the SBOM to the layout" read_sbom

say "built in $((SECONDS - total_start)) s: $out ($(du -sh "$out" | cut -f1)), tag $version, revision $revision"
echo "$out"
