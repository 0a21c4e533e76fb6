# Sourced by the scripts: one build folder outside the clone, reused by every command, so that
# the slow C++ build (CTranslate2) happens once. Override with CARGO_TARGET_DIR.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/terjemah-target}"
# The C++ builds use every core.
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}"

# The first ```LANG block of README.md (run from the repo root) whose text matches the awk
# regex PATTERN, without the two-space list indentation: the tests run the README's own
# scripts, unchanged.
readme_block() {
  awk -v lang="$1" -v pat="$2" '$0 ~ "^ *```" lang "$" {inblock = 1; buf = ""; next}
     inblock && /^ *```$/ {inblock = 0; if (buf ~ pat) {printf "%s", buf; exit}; next}
     inblock {sub(/^  /, ""); buf = buf $0 "\n"}' README.md
}
