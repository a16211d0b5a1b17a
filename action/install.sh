#!/usr/bin/env bash
# Installs toluu for the Action (action.yml at the repository root): the release archive for
# this OS and CPU, checked against the release's SHA-256 file, or, when this revision has no
# release, a build of the Action's own source with `cargo install --locked`.
#
#   install.sh plan   prints version=, target=, key= (the cache key) for $GITHUB_OUTPUT
#   install.sh        installs into $TOLUU_ROOT/bin and adds that folder to $GITHUB_PATH
#
# Settings, all optional, from the environment:
#   TOLUU_VERSION     the version to install, e.g. 0.1.0 (default: the source's Cargo.toml)
#   TOLUU_SOURCE      toluu's source: the Action's own checkout (default: this script's ..)
#   TOLUU_RELEASES    the releases URL (default: Cargo.toml's `repository` + /releases)
#   TOLUU_ROOT        where to install (default: $RUNNER_TEMP/toluu, else ~/.local/toluu)
#   TOLUU_OS          linux, macos or windows (default: $RUNNER_OS, else uname -s)
#   TOLUU_ARCH        x86_64 or aarch64 (default: $RUNNER_ARCH, else uname -m)
#   CARGO             the cargo that builds an unreleased revision (default: cargo)
set -euo pipefail

fail() {
  echo "::error::$1" >&2
  exit 1
}

source_dir=${TOLUU_SOURCE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
manifest="$source_dir/Cargo.toml"
[ -f "$manifest" ] || fail "$manifest: not found; set TOLUU_SOURCE to toluu's source"

# The first `key = "value"` of Cargo.toml's [package] table.
package_key() {
  sed -n '/^\[package\]/,/^\[/p' "$manifest" | sed -n "s/^$1 *= *\"\(.*\)\"/\1/p" | head -n 1
}

source_version=$(package_key version)
version=${TOLUU_VERSION:-$source_version}
version=${version#v}
[ -n "$version" ] || fail "$manifest: no version in [package]"
releases=${TOLUU_RELEASES:-$(package_key repository)/releases}
root=${TOLUU_ROOT:-${RUNNER_TEMP:-$HOME/.local}/toluu}

# The OS and CPU, in the words of GitHub's runners (Linux, macOS, X64, ARM64) or of uname.
os=${TOLUU_OS:-${RUNNER_OS:-$(uname -s)}}
case "$os" in
  [Ll]inux) os=linux ;;
  [Mm]ac[Oo][Ss] | Darwin) os=macos ;;
  [Ww]indows | MINGW* | MSYS* | CYGWIN*) os=windows ;;
esac
arch=${TOLUU_ARCH:-${RUNNER_ARCH:-$(uname -m)}}
case "$arch" in
  X64 | x64 | x86_64 | amd64 | AMD64) arch=x86_64 ;;
  ARM64 | arm64 | aarch64) arch=aarch64 ;;
esac

# The release's target triple and archive for this OS and CPU; none where there is no
# release binary (the Action then builds from source).
target="" ext=tar.gz exe=""
case "$os/$arch" in
  linux/x86_64 | linux/aarch64) target=$arch-unknown-linux-musl ;;
  macos/x86_64 | macos/aarch64) target=$arch-apple-darwin ;;
  windows/x86_64) target=x86_64-pc-windows-msvc ext=zip exe=.exe ;;
  windows/*) exe=.exe ;;
esac

sha256() {
  if command -v sha256sum >/dev/null; then
    sha256sum "$@" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null; then
    shasum -a 256 "$@" | cut -d ' ' -f 1
  else
    openssl dgst -sha256 -r "$@" | cut -d ' ' -f 1
  fi
}

# What the binary is built from, so a build of an unreleased revision is cached by its source.
source_hash() {
  (cd "$source_dir" && find Cargo.toml Cargo.lock src themes -type f 2>/dev/null |
    LC_ALL=C sort | while IFS= read -r f; do echo "$f $(sha256 "$f")"; done) | sha256
}

if [ "${1:-}" = plan ]; then
  echo "version=$version"
  echo "target=${target:-source}"
  echo "key=toluu-$os-$arch-$version-$(source_hash | cut -c 1-16)"
  exit 0
fi

bin_dir="$root/bin"
bin="$bin_dir/toluu$exe"

on_path() {
  if [ -n "${GITHUB_PATH:-}" ]; then
    echo "$bin_dir" >>"$GITHUB_PATH"
  fi
  echo "$1"
}

if [ -x "$bin" ] && [ "$("$bin" --version 2>/dev/null)" = "toluu $version" ]; then
  on_path "toluu $version is already installed at $bin (cached)"
  exit 0
fi

build_from_source() {
  if [ "$version" != "$source_version" ]; then
    fail "toluu $version: $1, and the Action's source is toluu $source_version; give a released version, or leave the version input empty to build the Action's own revision"
  fi
  echo "toluu $version: $1; building the Action's own revision with cargo install --locked"
  "${CARGO:-cargo}" install --locked --path "$source_dir" --root "$root" --force
  [ -x "$bin" ] || fail "$bin: cargo install did not write it"
  on_path "installed toluu $version (built from source) at $bin"
}

if [ -z "$target" ]; then
  build_from_source "no release binary for $os/$arch"
  exit 0
fi

archive="toluu-$target.$ext"
url="$releases/download/v$version/$archive"
sums_url="$releases/download/v$version/toluu-$target.sha256"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Prints the HTTP status of GET $1 saved to $2 (000 when the server did not answer).
download() {
  curl --silent --show-error --location --retry 2 --output "$2" --write-out '%{http_code}' "$1" ||
    true
}

status=$(download "$url" "$work/$archive")
case "$status" in
  200) ;;
  404) build_from_source "no release archive at $url"; exit 0 ;;
  *) fail "$url: cannot download (HTTP $status); try again, or give another version" ;;
esac
status=$(download "$sums_url" "$work/sums")
[ "$status" = 200 ] ||
  fail "$sums_url: cannot download the checksum (HTTP $status); refusing to install an unchecked binary"

# The checksum file holds `HASH  NAME` lines (NAME may start with `*`, binary mode).
expected=$(awk -v name="$archive" '{ n = $2; sub(/^\*/, "", n) } n == name { print $1; exit }' "$work/sums")
[ -n "$expected" ] || fail "$sums_url: no checksum for $archive; refusing to install an unchecked binary"
actual=$(sha256 "$work/$archive")
if [ "$actual" != "$expected" ]; then
  fail "$url: checksum mismatch: its SHA-256 is $actual, $sums_url says $expected; nothing was installed (a damaged or altered download: try again, and report it if it persists)"
fi

mkdir -p "$work/x" "$bin_dir"
if [ "$ext" = zip ]; then
  if command -v unzip >/dev/null; then
    unzip -q "$work/$archive" -d "$work/x"
  else
    7z x -y -o"$work/x" "$work/$archive" >/dev/null
  fi
else
  tar -xzf "$work/$archive" -C "$work/x"
fi
[ -f "$work/x/toluu$exe" ] || fail "$url: the archive holds no toluu$exe"
chmod +x "$work/x/toluu$exe"
mv -f "$work/x/toluu$exe" "$bin"
on_path "installed toluu $version ($target, SHA-256 checked) at $bin"
