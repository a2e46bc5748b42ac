#!/usr/bin/env bash
# Builds the two local base images the e2e suite uses instead of registry images (nothing is pulled):
#   localhost/golden-go-e2e/golang:<go version>      static busybox + the local Go toolchain + CA bundle
#   localhost/golden-go-e2e/distroless-static:nonroot CA bundle, zoneinfo, passwd/group with 65532, /tmp 1777
# Both are imported from tarballs with fixed owners and mtimes, so their digests are stable.
# With the arguments `cgo <suite>` (bookworm or trixie), also the pair a cgo build needs, of that one
# Debian release (B02: same libc and release):
#   localhost/golden-go-e2e/golang-cgo:<go>-<suite>-<key>  Debian minbase + gcc + libc6-dev (debootstrap from
#                                                          the Debian mirror) + the local Go toolchain
#   localhost/golden-go-e2e/distroless-base:<suite>-<key>  the files of that rootfs's libc6 package + the
#                                                          distroless static layout, like distroless/base-debian<N>
# <key> hashes this script and the Go release, so the slow debootstrap (minutes) runs once per change; its
# tarballs are kept in $GOLDEN_GO_TOOLS/e2e-bases (the tools cache) for machines with fresh image storage.
# Prints the references, one a line. Set GOROOT_SRC to use another Go tree (it must hold a statically linked go).
set -euo pipefail

goroot=${GOROOT_SRC:-$(go env GOROOT)}
gover=$("$goroot/bin/go" env GOVERSION)
gover=${gover#go}
builder_ref="localhost/golden-go-e2e/golang:${gover}"
runtime_ref="localhost/golden-go-e2e/distroless-static:nonroot"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tarroot() { # dir out.tar: deterministic tarball of a root directory
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$1" -cf "$2" .
}
etc_files() { # root: passwd/group in the distroless layout (root, nobody, nonroot 65532)
  mkdir -p "$1/etc" "$1/tmp" "$1/home/nonroot" "$1/root"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$1/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' > "$1/etc/group"
  chmod 1777 "$1/tmp"
  mkdir -p "$1/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$1/etc/ssl/certs/ca-certificates.crt"
}

if ! podman image exists "$builder_ref"; then
  b="$work/builder"
  etc_files "$b"
  mkdir -p "$b/bin" "$b/usr/local" "$b/go" "$b/root/.cache"
  cp /bin/busybox "$b/bin/busybox"
  for applet in $("$b/bin/busybox" --list); do [ -e "$b/bin/$applet" ] || ln -s busybox "$b/bin/$applet"; done
  cp -a "$goroot" "$b/usr/local/go"
  rm -rf "$b/usr/local/go/pkg/obj" "$b/usr/local/go/test" "$b/usr/local/go/api"
  tarroot "$b" "$work/builder.tar"
  podman import -q \
    --change 'ENV PATH=/usr/local/go/bin:/go/bin:/bin' --change 'ENV GOPATH=/go' --change 'ENV HOME=/root' \
    --change 'WORKDIR /' "$work/builder.tar" "$builder_ref" >/dev/null
fi

if ! podman image exists "$runtime_ref"; then
  r="$work/runtime"
  etc_files "$r"
  chown 65532:65532 "$r/home/nonroot"; chmod 0700 "$r/home/nonroot" "$r/root"
  mkdir -p "$r/usr/share"
  cp -a /usr/share/zoneinfo "$r/usr/share/zoneinfo"
  # distroless ships only the canonical zones, not the posix/ and right/ duplicates
  rm -rf "$r/usr/share/zoneinfo/posix" "$r/usr/share/zoneinfo/right"
  tarroot "$r" "$work/runtime.tar"
  podman import -q \
    --change 'USER 65532' --change 'WORKDIR /home/nonroot' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
    "$work/runtime.tar" "$runtime_ref" >/dev/null
fi
echo "$builder_ref"
echo "$runtime_ref"
[ "${1:-}" = cgo ] || exit 0

debian_suite=${2:-bookworm}
case "$debian_suite" in bookworm|trixie) ;; *) echo "e2e-base-images: cgo: suite must be bookworm or trixie, got $debian_suite" >&2; exit 1 ;; esac
debian_mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
key=$( { cat "$0"; echo "$gover $debian_suite"; } | sha256sum | cut -c1-12)
cgo_builder_ref="localhost/golden-go-e2e/golang-cgo:${gover}-${debian_suite}-${key}"
glibc_runtime_ref="localhost/golden-go-e2e/distroless-base:${debian_suite}-${key}"
# The root file systems as deterministic tarballs in the tools cache (CI keeps it between runs): the
# debootstrap takes minutes, importing the tarballs seconds.
cache="${GOLDEN_GO_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/golden-go-tools}/e2e-bases/${debian_suite}-${key}"
cgo_rootfs_tarballs() {
  command -v debootstrap >/dev/null || { echo "e2e-base-images: debootstrap is missing: run scripts/setup-containers.sh" >&2; exit 1; }
  local d="$work/debian" r="$work/glibc-runtime"
  # minbase: dpkg, apt and essentials only; gcc and the C library headers are what cgo needs.
  debootstrap --variant=minbase --include=gcc,libc6-dev "$debian_suite" "$d" "$debian_mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }

  # The glibc runtime first, from the pristine rootfs: every non-directory file of the libc6 package,
  # under the same merged-/usr symlinks (/lib -> usr/lib, /lib64 -> usr/lib64).
  etc_files "$r"
  chown 65532:65532 "$r/home/nonroot"; chmod 0700 "$r/home/nonroot" "$r/root"
  mkdir -p "$r/usr/bin" "$r/usr/sbin" "$r/usr/lib" "$r/usr/lib64"
  for link in bin sbin lib lib64; do if [ -L "$d/$link" ]; then cp -a "$d/$link" "$r/$link"; fi; done
  mkdir -p "$r/usr/share"
  cp -a /usr/share/zoneinfo "$r/usr/share/zoneinfo"
  rm -rf "$r/usr/share/zoneinfo/posix" "$r/usr/share/zoneinfo/right"
  (cd "$d" && while read -r f; do [ -d ".$f" ] && [ ! -L ".$f" ] || printf '.%s\n' "$f"; done < "var/lib/dpkg/info/libc6:amd64.list") > "$work/libc6.files"
  tar -C "$d" -cf - -T "$work/libc6.files" | tar -C "$r" -xf -
  tarroot "$r" "$work/glibc-runtime.tar"

  # The builder: that rootfs + the local Go toolchain + the CA bundle; no package caches or docs.
  rm -rf "$d/var/cache/apt/archives/"*.deb "$d/var/lib/apt/lists/"* "$d/usr/share/doc" "$d/usr/share/man" "$d/debootstrap"
  mkdir -p "$d/usr/local" "$d/go" "$d/root/.cache" "$d/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$d/etc/ssl/certs/ca-certificates.crt"
  cp -a "$goroot" "$d/usr/local/go"
  rm -rf "$d/usr/local/go/pkg/obj" "$d/usr/local/go/test" "$d/usr/local/go/api"
  tarroot "$d" "$work/cgo-builder.tar"

  # Only the current key of this suite is kept.
  rm -rf "$(dirname "$cache")/${debian_suite}-"*
  mkdir -p "$cache"
  mv "$work/glibc-runtime.tar" "$work/cgo-builder.tar" "$cache/"
}

if ! podman image exists "$cgo_builder_ref" || ! podman image exists "$glibc_runtime_ref"; then
  [ -f "$cache/cgo-builder.tar" ] && [ -f "$cache/glibc-runtime.tar" ] || cgo_rootfs_tarballs
  podman import -q \
    --change 'USER 65532' --change 'WORKDIR /home/nonroot' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
    "$cache/glibc-runtime.tar" "$glibc_runtime_ref" >/dev/null
  podman import -q \
    --change 'ENV PATH=/usr/local/go/bin:/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV GOPATH=/go' --change 'ENV HOME=/root' \
    --change 'WORKDIR /' "$cache/cgo-builder.tar" "$cgo_builder_ref" >/dev/null
fi
echo "$cgo_builder_ref"
echo "$glibc_runtime_ref"
