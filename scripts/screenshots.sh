#!/usr/bin/env bash
# Takes the README's screenshots: runs `blockpeer --demo 4` on a virtual X display
# (Xvfb, Mesa's software OpenGL), waits for blocks, and saves a PNG of each main view
# to docs/screenshots/ (plus the start/join dialog). Each view is its own short run,
# opened with the hidden `--view NAME` flag.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
ensure_build_deps
ensure_xvfb
cargo build --release --locked

out=docs/screenshots
mkdir -p "$out"
# Fresh remembered settings (theme, dialog) so the pictures do not depend on this user's.
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT

# shot NAME SECONDS ARGS… — starts blockpeer ARGS, waits, saves $out/NAME.png.
shot() {
    local name=$1 wait=$2
    shift 2
    echo "screenshots: $name (blockpeer $*, ${wait}s)"
    XDG_DATA_HOME="$state" RUST_LOG=error xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
        out=$1 wait=$2
        shift 2
        target/release/blockpeer "$@" >/dev/null 2>&1 &
        pid=$!
        sleep "$wait"
        import -window root "$out"
        kill "$pid"
        wait "$pid" || true
    ' shot "$out/$name.png" "$wait" "$@"
}

shot dialog 4
shot chain 25 --demo 4 --view chain
shot chain-gossip 25 --demo 4 --protocol gossip --view chain
shot peers 25 --demo 4 --view peers
# The demo's blocks take a CPU milliseconds; the hashrate chart wants a miner at work.
shot mining 40 -i 8001 -p "$(shuf -i 20000-40000 -n 1)" -m --difficulty 7 --word-interval 10 --threads 1 \
    --data-dir "$state/mining" --view mining
shot consensus 30 --demo 4 --view consensus
shot log 20 --demo 4 --view log
echo "screenshots: saved in $out/"
