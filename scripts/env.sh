# Sourced by the scripts: one build folder outside the clone, reused by every command, so that
# the slow C++ build (CTranslate2) happens once. Override with CARGO_TARGET_DIR.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/terjemah-target}"
# The C++ builds use every core.
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}"
