#!/usr/bin/env bash
# Builds Blockpeer's Debian package with cargo-deb, from Cargo.toml's
# [package.metadata.deb]: installs what that needs, builds the release binary, writes the
# man pages and shell completions it generates, and packages it all as
# target/debian/blockpeer_VERSION-1_ARCH.deb (docs/PACKAGING.md says what is inside).
# Install it with:  sudo apt install ./target/debian/blockpeer_*.deb
# DEBFULLNAME and DEBEMAIL, when both are set, name the maintainer (as for Debian's tools).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
ensure_build_deps
ensure_packaging
cargo build --release --locked
scripts/generated-assets.sh "${CARGO_TARGET_DIR:-target}/release/blockpeer"
cargo deb --no-build --locked --maintainer "$(package_maintainer)"
