#!/usr/bin/env bash
# Makes, once, the two base images of the Dockerfile without pulling anything from a container
# registry (none is reachable from the test machines), and caches them as OCI archives in
#   ${XDG_CACHE_HOME:-$HOME/.cache}/managed-apps-operator/image/base-<key>/{build,runtime}.oci.tar
# where <key> is the Debian suite, the Node and npm versions and a hash of this script. Prints
# that directory on its last line.
#
#   build    stands in for node:24-slim: a minimal Debian (mmdebstrap --variant=minbase, from the
#            machine's apt sources) with Node from the npm registry's node-linux-<arch> package (the
#            binary the `node` package installs) in /usr/local/bin and npm in /usr/local/lib.
#   runtime  stands in for gcr.io/distroless/nodejs24-debian12:nonroot: no shell, no package
#            manager; only /nodejs/bin/node, the shared libraries it links (ldd in the build
#            root file system), CA certificates, passwd/group with nonroot = 65532, and the Debian
#            status entries and copyright files of the packages those files come from.
#
#   bash test/image/build-base.sh              build if needed, print the directory
#   bash test/image/build-base.sh --print-dir  print where the bases are or would go, build nothing
#
# Needs root, mmdebstrap, buildah, npm (to fetch the packages). A lock serialises concurrent runs;
# the archives are built in a temporary directory renamed into place at the end.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
tag=image-base
# shellcheck source=lib.sh
source "$here/lib.sh"

# The Node of the repository's lock file (the `node` devDependency), and the npm that release bundles.
node_version=$(sed -n '/"node_modules\/node": {/,/}/s/^ *"version": "\([^"]*\)".*/\1/p' "$root/package-lock.json" | head -n 1)
npm_version=11.6.0 # bundled with Node 24.9.0 (its release notes); npm sbom needs npm >= 9.5
[[ -n $node_version ]] || die "cannot read the version of node_modules/node from package-lock.json"
# shellcheck disable=SC1091
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[[ -n $suite ]] || die "cannot read VERSION_CODENAME from /etc/os-release (a Debian machine is expected)"
arch=$(dpkg --print-architecture)
case $arch in
  amd64) node_arch=x64 ;;
  arm64) node_arch=arm64 ;;
  *) die "no Node package for the Debian architecture $arch" ;;
esac
recipe=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/managed-apps-operator/image"
key="debian-$suite-$arch-node$node_version-npm$npm_version-$recipe"
dest="$cache_root/base-$key"

complete() { [[ -s $1/build.oci.tar && -s $1/runtime.oci.tar && -s $1/VERSIONS ]]; }
if [[ ${1:-} == --print-dir ]]; then echo "$dest"; exit 0; fi
[[ $# -eq 0 ]] || die "unknown argument '$1' (usage: ${0##*/} [--print-dir])"
if complete "$dest"; then echo "$dest"; exit 0; fi

[[ $(id -u) == 0 ]] || die "mmdebstrap and buildah's chroot isolation need root here"
for c in mmdebstrap buildah npm; do
  command -v "$c" >/dev/null 2>&1 || die "no '$c' on PATH: apt-get install mmdebstrap buildah (and Node's npm)"
done

mkdir -p "$cache_root"
exec 9>"$cache_root/.lock"
flock 9
if complete "$dest"; then echo "$dest"; exit 0; fi
rm -rf "$cache_root"/.building.*
tmp=$(mktemp -d "$cache_root/.building.XXXXXX")
trap 'buildah "${store[@]}" rm --all >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
log="$cache_root/build-base-$key.log"
: >"$log"
# A storage of its own (vfs: no overlay mounts in this sandbox), thrown away with tmp.
store=(--root "$tmp/storage" --runroot "$tmp/run" --storage-driver vfs)
total_start=$SECONDS

say "making the base images $key into $dest (once; about two minutes)"

step "npm pack node-linux-$node_arch@$node_version npm@$npm_version" \
  npm pack --silent --pack-destination "$tmp" "node-linux-$node_arch@$node_version" "npm@$npm_version"

# The machine's apt sources (deb822 or one-line), as apt itself reads them.
sources=()
for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list /etc/apt/sources.list; do
  [[ -s $f ]] && sources+=("$f")
done
((${#sources[@]} > 0)) || die "no apt sources in /etc/apt: mmdebstrap needs a Debian mirror"

rootfs="$tmp/rootfs"
step "mmdebstrap $suite (minbase + ca-certificates)" \
  mmdebstrap --mode=root --variant=minbase --include=ca-certificates --aptopt='Acquire::Retries "3"' \
  "$suite" "$rootfs" "${sources[@]}" </dev/null

install_node() {
  mkdir -p "$tmp/node" "$tmp/npm"
  tar -xzf "$tmp/node-linux-$node_arch-$node_version.tgz" -C "$tmp/node" --strip-components=1
  tar -xzf "$tmp/npm-$npm_version.tgz" -C "$tmp/npm" --strip-components=1
  install -m 0755 "$tmp/node/bin/node" "$rootfs/usr/local/bin/node"
  mkdir -p "$rootfs/usr/local/lib/node_modules" "$rootfs/usr/local/share/doc/node"
  cp -a "$tmp/npm" "$rootfs/usr/local/lib/node_modules/npm"
  install -m 0644 "$tmp/node/LICENSE" "$rootfs/usr/local/share/doc/node/LICENSE"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  chroot "$rootfs" /usr/local/bin/node --version
  chroot "$rootfs" /usr/local/bin/npm --version
}
step "Node $node_version and npm $npm_version into /usr/local" install_node

# The runtime tree: what /nodejs/bin/node needs to start, nothing that could run a command.
runtime="$tmp/runtime"
make_runtime() {
  mkdir -p "$runtime"/{etc/ssl/certs,nodejs/bin,tmp,home/nonroot,var/lib/dpkg/status.d,usr/share/doc/nodejs}
  chmod 1777 "$runtime/tmp"
  chown 65532:65532 "$runtime/home/nonroot"
  chmod 0700 "$runtime/home/nonroot"
  # Merged /usr as in Debian: /lib and /lib64 are links into /usr.
  local link
  for link in lib lib64; do
    if [[ -L $rootfs/$link ]]; then ln -s "$(readlink "$rootfs/$link")" "$runtime/$link"; fi
  done
  install -m 0755 "$rootfs/usr/local/bin/node" "$runtime/nodejs/bin/node"
  install -m 0644 "$tmp/node/LICENSE" "$runtime/usr/share/doc/nodejs/LICENSE"
  # Every library ldd lists (the dynamic loader included), copied to its real directory under the
  # name ldd uses; read inside the root file system so that absolute links resolve there.
  local lib dir packages=()
  for lib in $(chroot "$rootfs" ldd /usr/local/bin/node | grep -o '/[^ ]*'); do
    dir=$(chroot "$rootfs" realpath "$(dirname "$lib")")
    mkdir -p "$runtime$dir"
    chroot "$rootfs" cat "$lib" >"$runtime$dir/$(basename "$lib")"
    chmod 0755 "$runtime$dir/$(basename "$lib")"
    # dpkg knows a file under the path its package ships (/lib/... or /usr/lib/...): try both.
    packages+=("$({ chroot "$rootfs" dpkg-query -S "$lib" 2>/dev/null || chroot "$rootfs" dpkg-query -S "$(chroot "$rootfs" realpath "$lib")"; } | head -n 1 | cut -d: -f1)")
  done
  packages+=(ca-certificates)
  cp "$rootfs/etc/ssl/certs/ca-certificates.crt" "$runtime/etc/ssl/certs/ca-certificates.crt"
  cp "$rootfs/etc/nsswitch.conf" "$runtime/etc/nsswitch.conf"
  cp "$rootfs/usr/lib/os-release" "$runtime/etc/os-release"
  # distroless' users: root, nonroot (65532, the chart's runAsUser) and nobody; no login shell.
  printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' 'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \
    'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' >"$runtime/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'tty:x:5:' 'staff:x:50:' 'nonroot:x:65532:' >"$runtime/etc/group"
  # For image scanners, as distroless does: one dpkg status file per package, and its copyright.
  local p
  for p in $(printf '%s\n' "${packages[@]}" | sort -u); do
    chroot "$rootfs" dpkg-query -s "$p" >"$runtime/var/lib/dpkg/status.d/${p%%:*}"
    mkdir -p "$runtime/usr/share/doc/${p%%:*}"
    cp "$rootfs/usr/share/doc/${p%%:*}/copyright" "$runtime/usr/share/doc/${p%%:*}/copyright"
  done
  printf 'runtime packages: %s\n' "$(printf '%s ' "${packages[@]}" | tr ' ' '\n' | sort -u | tr '\n' ' ')"
  ls -lR "$runtime"
}
step "runtime tree (node, its libraries, CA certificates, nonroot)" make_runtime

# A root file system into an image, then into the cache as an OCI archive.
commit() { # <tree> <name> <buildah config options...>
  local tree=$1 name=$2 ctr
  shift 2
  tar --numeric-owner -C "$tree" -cf "$tmp/$name.tar" .
  ctr=$(buildah "${store[@]}" from scratch)
  buildah "${store[@]}" add "$ctr" "$tmp/$name.tar" /
  buildah "${store[@]}" config "$@" "$ctr"
  buildah "${store[@]}" commit --format oci --rm "$ctr" "localhost/managed-apps-operator-base-$name:$key"
  buildah "${store[@]}" push "localhost/managed-apps-operator-base-$name:$key" "oci-archive:$tmp/out/$name.oci.tar:$key"
  rm -f "$tmp/$name.tar"
}
mkdir -p "$tmp/out"
path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
step "build base image" commit "$rootfs" build --env "PATH=$path" --env "NODE_VERSION=$node_version" --cmd '["node"]' \
  --label "org.opencontainers.image.description=Debian $suite minbase with Node $node_version and npm $npm_version (managed-apps-operator's build base)"
step "runtime base image" commit "$runtime" runtime --env "PATH=$path" --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
  --user 65532:65532 --workingdir /home/nonroot --entrypoint '["/nodejs/bin/node"]' \
  --label "org.opencontainers.image.description=Node $node_version on Debian $suite's libraries, no shell, nonroot (managed-apps-operator's runtime base)"

printf '%s\n' "debian $suite ($arch) from ${sources[*]}" "node $node_version" "npm $npm_version" \
  "built $(date -u +%Y-%m-%dT%H:%M:%SZ) by ${0##*/} $recipe" >"$tmp/out/VERSIONS"
rm -rf "$dest"
mv -T "$tmp/out" "$dest"
say "made in $((SECONDS - total_start)) s; $(du -sh "$dest" | cut -f1) in $dest"
echo "$dest"
