#!/usr/bin/env bash
# Checks the Debian package the way a desktop and a person meet it. The package is made
# by cargo-deb from a binary the caller already built (scripts/test.sh passes the one its
# tests just ran, so no second build), unpacked into a scratch root with dpkg-deb -x, its
# files and metadata validated (lintian, desktop-file-validate, appstreamcli, man, bash,
# zsh and fish), and the unpacked binary run: --version, --help, verify-chain on the
# shared test vectors, no display, and the window opened from the desktop entry's Exec
# line under Xvfb until it says its dialog is on screen.
# Usage: scripts/check-package.sh [BINARY]   (default: target/debug/blockpeer)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh
ensure_package_checks

binary=${1:-${CARGO_TARGET_DIR:-target}/debug/blockpeer}
[ -x "$binary" ] || { echo "check-package: no binary at $binary (build it first)" >&2; exit 1; }
app_id=io.github.blockpeer.Blockpeer
# What the window logs once the dialog's first frame is on screen (blockpeer_gui::DIALOG_SHOWN).
dialog_shown="window shown: the start/join dialog"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Kept for a person to look at: the screenshot of the dialog and the window's log.
evidence=${CARGO_TARGET_DIR:-target}/check-package
rm -rf "$evidence"
mkdir -p "$evidence"

fail() {
    echo "check-package: FAILED: $*" >&2
    exit 1
}
step() { echo "== check-package: $*"; }

step "packaging $binary with cargo-deb"
# cargo-deb finds the binary where a release build puts it: a scratch target folder.
mkdir -p "$scratch/target/release"
cp "$binary" "$scratch/target/release/blockpeer"
scripts/generated-assets.sh "$binary"
CARGO_TARGET_DIR="$scratch/target" cargo deb --no-build --locked --fast --quiet --output "$scratch/" \
    --maintainer "$(package_maintainer)"
deb=$(echo "$scratch"/blockpeer_*.deb)
[ -f "$deb" ] || fail "cargo-deb made no package"

step "control fields"
field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = blockpeer ] || fail "Package is $(field Package)"
[[ "$(field Version)" == "$version"-* ]] || fail "Version $(field Version) is not $version"
depends=$(field Depends)
for library in libc6 libgl1 libegl1 libx11-6 libxkbcommon-x11-0 libwayland-client0; do
    grep -qw "$library" <<<"$depends" || fail "Depends lacks $library: $depends"
done
for build_only in -dev build-essential pkg-config cargo rustc; do
    ! grep -q -- "$build_only" <<<"$depends" || fail "Depends names $build_only, which only the build needs"
done
grep -q xdg-desktop-portal <<<"$(field Recommends)" || fail "Recommends lacks the file portal"
grep -qw zenity <<<"$(field Suggests)" || fail "Suggests lacks zenity"

step "lintian"
lintian --fail-on error --tag-display-limit 0 "$deb" >"$scratch/lintian.txt" || {
    cat "$scratch/lintian.txt"
    fail "lintian reports errors"
}
cat "$scratch/lintian.txt"
# Every warning left must be explained in docs/PACKAGING.md.
for tag in $(awk '$1 == "W:" { print $3 }' "$scratch/lintian.txt" | sort -u); do
    grep -q -- "\`$tag\`" docs/PACKAGING.md || fail "lintian warning $tag is not explained in docs/PACKAGING.md"
done

step "unpacking into a scratch root"
root=$scratch/root
dpkg-deb -x "$deb" "$root"
share=$root/usr/share
desktop=$share/applications/$app_id.desktop
metainfo=$share/metainfo/$app_id.metainfo.xml
for file in "$root/usr/bin/blockpeer" "$desktop" "$metainfo" "$share/icons/hicolor/scalable/apps/blockpeer.svg" \
    "$share/doc/blockpeer/copyright" "$share/doc/blockpeer/changelog.gz" \
    "$share/bash-completion/completions/blockpeer" "$share/zsh/vendor-completions/_blockpeer" \
    "$share/fish/vendor_completions.d/blockpeer.fish"; do
    [ -f "$file" ] || fail "the package has no ${file#"$root"}"
done
# Each hicolor PNG is the size its folder says (the PNG header's width and height).
for size in $ICON_SIZES; do
    png=$share/icons/hicolor/${size}x${size}/apps/blockpeer.png
    [ -f "$png" ] || fail "no ${size}px icon"
    [ "$(od -An -tu1 -j16 -N8 "$png" | awk '{ print $3 * 256 + $4 "x" $7 * 256 + $8 }')" = "${size}x${size}" ] ||
        fail "${png#"$root"} is not ${size}x${size}"
done

step "desktop entry and AppStream metainfo"
desktop-file-validate "$desktop"
appstreamcli validate --no-net --strict "$metainfo"
appstreamcli validate-tree --no-net --strict "$root"
grep -q "<release version=\"$version\"" "$metainfo" || fail "the metainfo has no release entry for $version"
released=$(sed -n "s/^## \[$version\] — //p" CHANGELOG.md)
[ -n "$released" ] || fail "CHANGELOG.md has no section for $version"
# Once CHANGELOG.md dates the release, the metainfo must give the same date.
if [ "$released" != unreleased ]; then
    grep -q "<release version=\"$version\" date=\"$released\"" "$metainfo" ||
        fail "the metainfo's release $version is not dated $released as in CHANGELOG.md"
fi

step "man pages"
pages=$share/man/man1
for page in blockpeer blockpeer-verify-chain blockpeer-completions blockpeer-bench; do
    [ -f "$pages/$page.1.gz" ] || fail "no man page $page(1)"
done
for page in "$pages"/*.1.gz; do
    warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
    [ -z "$warnings" ] || fail "man warns about ${page#"$root"}: $warnings"
done
rendered=$(MANWIDTH=100 man -l "$pages/blockpeer.1.gz" 2>/dev/null)
for needed in --flood-interval --protocol GOSSIP EXAMPLES FILES ENVIRONMENT "blockpeer-verify-chain(1)"; do
    grep -q -- "$needed" <<<"$rendered" || fail "blockpeer(1) does not mention $needed"
done

step "shell completions (bash, zsh, fish)"
bash_says=$(bash -c '
    . /usr/share/bash-completion/bash_completion
    . "$1"
    COMP_WORDS=(blockpeer --flood-int); COMP_CWORD=1; COMP_LINE="blockpeer --flood-int"; COMP_POINT=${#COMP_LINE}
    "$(complete -p blockpeer | sed -E "s/.*-F ([^ ]+).*/\1/")" blockpeer --flood-int blockpeer
    printf "%s\n" "${COMPREPLY[@]}"' bash "$share/bash-completion/completions/blockpeer")
grep -qx -- "--flood-interval" <<<"$bash_says" || fail "bash does not complete --flood-int: $bash_says"
zsh_says=$(zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -d "$2"; print -r -- $_comps[blockpeer]' \
    zsh "$share/zsh/vendor-completions" "$scratch/zcompdump")
[ "$zsh_says" = _blockpeer ] || fail "zsh does not load the completion: $zsh_says"
fish_says=$(HOME=$scratch fish --no-config -c "source '$share/fish/vendor_completions.d/blockpeer.fish'; complete -C'blockpeer --flood-int'")
grep -q -- "^--flood-interval" <<<"$fish_says" || fail "fish does not complete --flood-int: $fish_says"

step "the unpacked binary"
blockpeer=$root/usr/bin/blockpeer
"$blockpeer" --version | tee "$scratch/version.txt"
grep -qx "blockpeer $version" "$scratch/version.txt" || fail "--version does not name $version"
grep -q "^commit: [0-9a-f]\{7,\} " "$scratch/version.txt" || fail "--version names no commit"
grep -q "^cpu kernel: " "$scratch/version.txt" || fail "--version names no CPU kernel"
"$blockpeer" --help | grep -q -- "--consensus-interval" || fail "--help lacks --consensus-interval"
# verify-chain on every chain of the shared test vectors (as JSON arrays), then a forgery.
python3 - "$scratch" <<'PY'
import json, sys
out = sys.argv[1]
flood = json.load(open("tests/data/vectors.json"))
gossip = json.load(open("tests/data/gossip-vectors.json"))
chains = [(c["name"], c["difficulty"], c["blocks"]) for c in flood["chains"]]
chains.append(("gossip", gossip["difficulty"], gossip["blocks"]))
with open(f"{out}/chains.txt", "w") as manifest:
    for name, difficulty, blocks in chains:
        json.dump(blocks, open(f"{out}/chain-{name}.json", "w"))
        print(f"{out}/chain-{name}.json {difficulty} {len(blocks)}", file=manifest)
forged = chains[0][2]
forged[-1]["messages"] = forged[-1]["messages"] + ["forged"]
json.dump(forged, open(f"{out}/forged.json", "w"))
PY
while read -r chain difficulty blocks; do
    "$blockpeer" verify-chain "$chain" --difficulty "$difficulty" | tee "$scratch/verify.txt"
    grep -q "^valid: $blocks blocks" "$scratch/verify.txt" || fail "verify-chain refused $(basename "$chain")"
done <"$scratch/chains.txt"
if "$blockpeer" verify-chain "$scratch/forged.json" >"$scratch/verify.txt"; then
    fail "verify-chain accepted a forged block"
fi
grep -q "is invalid: hash mismatch" "$scratch/verify.txt" || fail "verify-chain did not say why: $(cat "$scratch/verify.txt")"

step "no display: it says how to run headless"
status=0
env -u DISPLAY -u WAYLAND_DISPLAY "$blockpeer" >/dev/null 2>"$scratch/headless.txt" || status=$?
[ "$status" = 2 ] || fail "without a display it exited with $status"
grep -q -- "--headless" "$scratch/headless.txt" || fail "without a display it did not say how to run headless"

step "the window, from the desktop entry's Exec line, under Xvfb"
exec_line=$(sed -n 's/^Exec=//p' "$desktop" | sed 's/ *%[A-Za-z]//g')
try_exec=$(sed -n 's/^TryExec=//p' "$desktop")
PATH="$root/usr/bin:$PATH" command -v "$try_exec" >/dev/null || fail "TryExec=$try_exec is not on the PATH"
mkdir -p "$scratch/data"
# The window runs until it has said its dialog is on screen (at most 180 s), then the
# screen is grabbed and the window's class read, and it is ended.
PATH="$root/usr/bin:$PATH" XDG_DATA_HOME="$scratch/data" NO_COLOR=1 env -u RUST_LOG \
    xvfb-run --auto-servernum --server-args="-screen 0 1280x800x24" bash -c '
        exec_line=$1 log=$2 evidence=$3 shown=$4
        $exec_line 2>"$log" &
        pid=$!
        for _ in $(seq 1 720); do
            grep -qF "$shown" "$log" && break
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.25
        done
        if grep -qF "$shown" "$log"; then
            import -window root "$evidence/dialog.png"
            xwininfo -root -tree >"$evidence/windows.txt"
        fi
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null || true
    ' check "$exec_line" "$evidence/window.log" "$evidence" "$dialog_shown"
grep -qF "$dialog_shown" "$evidence/window.log" || fail "the window never showed its dialog: $(cat "$evidence/window.log")"
grep -q "\"$app_id\"" "$evidence/windows.txt" || fail "no window of class $app_id (the entry's StartupWMClass)"
colours=$(identify -format %k "$evidence/dialog.png")
[ "$colours" -gt 64 ] || fail "the screenshot is nearly blank ($colours colours)"

step "passed: $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB); screenshot in $evidence/dialog.png"
