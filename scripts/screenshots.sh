#!/usr/bin/env bash
# Headless-Chromium screenshots of the HTML review pages, to look at what a reader sees:
# the seed article, the tricky article (markup characters, tabs, emoji), one sentence pinned
# as after a click, and the run's index; each at desktop (1280px) and phone (390px) width.
#
#   scripts/screenshots.sh SHOTS_DIR
#
# Writes SHOTS_DIR/*.png and the pages themselves under SHOTS_DIR/site/ (open them by hand).
# Installs Debian's chromium if missing (needs root). Uses models/id-en-starter when it exists,
# else the tiny test model (gibberish English, fine for layout).
set -euo pipefail
cd "$(dirname "$0")/.."
shots="${1:?usage: scripts/screenshots.sh SHOTS_DIR}"
mkdir -p "$shots"
shots="$(cd "$shots" && pwd)"
. scripts/env.sh

if ! command -v chromium >/dev/null; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-color-emoji
fi
scripts/cargo build --release
bin="$CARGO_TARGET_DIR/release/terjemah"

if [ -f models/id-en-starter/model.bin ]; then
    model=(--model models/id-en-starter)
else
    model=(--model tests/fixtures/models/tiny-marian --max-decoding-length 12)
fi
site="$shots/site"
rm -rf "$site"
"$bin" translate tests/fixtures/articles tests/fixtures/review --out "$site" "${model[@]}" --formats html,jsonl --quiet --no-tm

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
shoot() { # NAME WIDTH HEIGHT URL
    # Headless screenshots of a scrolled page come out blank; a page scrolled to a #fragment
    # is shown through a frame of the window's size instead.
    local target="$4"
    if [[ "$4" == *"#"* ]]; then
        target="$work/$1.html"
        printf '<!DOCTYPE html><style>body{margin:0}iframe{border:0;width:%spx;height:%spx;display:block}</style><iframe src="%s"></iframe>' \
            "$2" "$3" "$4" >"$target"
    fi
    chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --user-data-dir="$(mktemp -d -p "$work")" \
        --hide-scrollbars --virtual-time-budget=3000 --window-size="$2,$3" \
        --screenshot="$shots/$1.png" "$target" >"$work/chromium.log" 2>&1 || { cat "$work/chromium.log" >&2; exit 1; }
    echo "$shots/$1.png"
}
# file:// URLs with the path percent-encoded (the tricky article's name has spaces and quotes).
url() { python3 -c 'import pathlib,sys; print(pathlib.Path(sys.argv[1]).resolve().as_uri() + sys.argv[2])' "$1" "${2:-}"; }

seed="$site/000_43c79636b6b3480f.bi.html"
tricky="$site/tricky & 'odd' name.bi.html"
shoot article-desktop 1280 2200 "$(url "$seed")"
shoot article-phone 390 844 "$(url "$seed")"
shoot article-phone-boilerplate 390 844 "$(url "$seed" '#b-14')"
shoot article-pinned-phone 390 844 "$(url "$seed" '#s-5-0-en')"
shoot tricky-desktop 1280 1000 "$(url "$tricky")"
shoot tricky-phone 390 844 "$(url "$tricky")"
shoot index-desktop 1280 500 "$(url "$site/index.html")"
shoot index-phone 390 700 "$(url "$site/index.html")"
