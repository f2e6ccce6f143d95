#!/usr/bin/env bash
# Installs what the test suite needs and runs all of it: formatting, lints, every test of
# the workspace (unit, SimNet scenarios, real processes on 127.0.0.1, the CUDA kernel run
# as C++ on the CPU and compiled by NVRTC — no GPU needed), and the Debian package, made
# from the binary the tests ran and checked as installed software (check-package.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
ensure_build_deps
# tests/web_browser.rs loads the web page in headless Chromium.
ensure_apt chromium
ensure_nvrtc

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked
echo "== package check"
scripts/check-package.sh "${CARGO_TARGET_DIR:-target}/debug/blockpeer"
