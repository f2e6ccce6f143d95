#!/usr/bin/env bash
# Takes the README's screenshots: runs `blockpeer --demo 4` on a virtual X display
# (Xvfb, Mesa's software OpenGL), waits for blocks, and saves a PNG of each main view
# to docs/screenshots/ (plus the start/join dialog, and the web page's Forks card in
# headless Chromium). Each view is its own short run, opened with the hidden
# `--view NAME` flag.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
ensure_build_deps
ensure_xvfb
ensure_apt chromium
cargo build --release --locked

out=docs/screenshots
mkdir -p "$out"
# Fresh remembered settings (theme, dialog) so the pictures do not depend on this user's.
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT

# shot NAME SECONDS ARGS… [--after COMMAND] — starts blockpeer ARGS, waits, saves
# $out/NAME.png, then runs COMMAND (with $out set to that file) while the peer still runs.
shot() {
    local name=$1 wait=$2 after=true
    shift 2
    local args=()
    while [ $# -gt 0 ]; do
        if [ "$1" = --after ]; then after=$2; shift 2; else args+=("$1"); shift; fi
    done
    echo "screenshots: $name (blockpeer ${args[*]}, ${wait}s)"
    XDG_DATA_HOME="$state" RUST_LOG=error xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
        out=$1 wait=$2 after=$3
        shift 3
        target/release/blockpeer "$@" >/dev/null 2>&1 &
        pid=$!
        sleep "$wait"
        import -window root "$out"
        eval "$after" >/dev/null 2>&1 || echo "screenshots: $after failed"
        kill "$pid"
        wait "$pid" || true
    ' shot "$out/$name.png" "$wait" "$after" "${args[@]}"
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
# The demo's races make a fork every ~12 s: after 75 s the Forks view has a story to tell.
# The page's Forks card sits below a page of the chain and the peers: a tall page, cropped
# to the card (headless Chromium draws a page opened at a #fragment before it is filled).
shot forks 75 --demo 4 --view forks --web-port 18871 --after 'page=$(mktemp --suffix=.png);
    chromium --headless --no-sandbox --disable-gpu --disable-background-networking --hide-scrollbars \
    --window-size=1280,2300 --virtual-time-budget=5000 --user-data-dir="$(mktemp -d)" --screenshot="$page" \
    http://127.0.0.1:18871/ && convert "$page" -crop 1280x900+0+1350 +repage "$(dirname "$out")/web-forks.png"'
echo "screenshots: saved in $out/"
