//! Where the binary looks for the shared libraries it links beyond the system's (README, Set-up):
//!
//! - `$ORIGIN/../lib/terjemah`: the layout `scripts/install PREFIX` makes (PREFIX/bin/terjemah,
//!   PREFIX/lib/terjemah/*.so), so that an installed binary runs wherever it is moved;
//! - the folder of Intel's prebuilt oneDNN that `scripts/fetch-onednn` filled, when the build
//!   links it (Cargo hands its `LIBRARY_PATH` on as `DEP_DNNL_LIBRARY_PATH`), so that the
//!   binaries of the build folder (the example, the tests, the benchmarks) run in place.
//!
//! Written as DT_RPATH (`--disable-new-dtags`), not DT_RUNPATH: the loader applies an
//! executable's RPATH to the dependencies of its dependencies too, and libdnnl.so.3 carries no
//! search path of its own for the Intel runtime libraries it needs (libsvml.so, libimf.so, ...).

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=DEP_DNNL_LIBRARY_PATH");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux") {
        return;
    }
    let mut rpath = vec!["$ORIGIN/../lib/terjemah".to_string()];
    if let Ok(dir) = std::env::var("DEP_DNNL_LIBRARY_PATH") {
        // A static oneDNN (scripts/build-onednn) needs no search path.
        if Path::new(&dir).join("libdnnl.so").exists() {
            rpath.push(dir);
        }
    }
    println!("cargo:rustc-link-arg=-Wl,--disable-new-dtags,-rpath,{}", rpath.join(":"));
}
