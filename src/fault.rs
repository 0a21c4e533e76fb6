//! A testing hook, not a feature: with `TERJEMAH_TEST_KILL_AT=N` the process sends itself
//! SIGKILL at the Nth crash point it passes (counting from 1), so that a test can stop a run at
//! a chosen moment on any machine, however fast (tests/reliability.rs, kill and resume). The
//! crash points are in [`crate::output::AtomicFile::commit`], two per file written: before the
//! rename (the temporary file holds what was flushed so far, maybe nothing) and after it.
//! Unset, a point costs one load of a cached `None`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

const VAR: &str = "TERJEMAH_TEST_KILL_AT";

pub(crate) fn crash_point() {
    static AT: OnceLock<Option<u64>> = OnceLock::new();
    static PASSED: AtomicU64 = AtomicU64::new(0);
    let Some(at) = *AT.get_or_init(|| std::env::var(VAR).ok().and_then(|v| v.parse().ok())) else { return };
    if PASSED.fetch_add(1, Ordering::SeqCst) + 1 == at {
        kill_self();
    }
}

/// As `kill -9` from outside: no destructor runs, no buffer is flushed.
fn kill_self() -> ! {
    #[cfg(unix)]
    // SAFETY: kill(2) on our own pid with a constant signal; it has no memory effects.
    unsafe {
        libc::kill(libc::getpid(), libc::SIGKILL);
    }
    std::process::abort()
}
