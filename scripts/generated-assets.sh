#!/usr/bin/env bash
# Writes what the package generates into target/deb-assets/ (where Cargo.toml's
# [package.metadata.deb] finds it): from the binary's own command-line definition, the man
# pages (blockpeer.1 and one per subcommand) and the bash, zsh and fish completions; from
# CHANGELOG.md, the Debian changelog.
# Usage: scripts/generated-assets.sh BINARY
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
binary=$1
out=target/deb-assets
rm -rf "$out"
mkdir -p "$out/man" "$out/completions"
"$binary" man-pages "$out/man" >/dev/null
"$binary" completions bash >"$out/completions/blockpeer.bash"
"$binary" completions zsh >"$out/completions/_blockpeer"
"$binary" completions fish >"$out/completions/blockpeer.fish"
revision=$(sed -n 's/^revision = "\(.*\)"$/\1/p' Cargo.toml)
scripts/debian-changelog.py CHANGELOG.md "$revision" "$(package_maintainer)" >"$out/changelog.Debian"
