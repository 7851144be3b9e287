//! Release builds on Linux lay out the code their common runs use together
//! (`link/hot-text.ld`, written by `scripts/hot-text`). A process maps its binary's code 64
//! KiB at a time, so a run whose functions lie spread over the whole binary maps most of it.
//! Measured (peak RSS, median KiB): the 500-endpoint demo snapshot 18,650 -> 14,980; the
//! snapshot against LocalStack 24,850 -> 19,700. `SAGEWATCH_HOT_TEXT=0` builds without it
//! (for a linker that reads no linker script, such as mold).

use std::env;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=link/hot-text.ld");
    println!("cargo:rerun-if-env-changed=SAGEWATCH_HOT_TEXT");
    let release = env::var("PROFILE").is_ok_and(|p| p == "release");
    let linux_gnu = env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux")
        && env::var("CARGO_CFG_TARGET_ENV").is_ok_and(|e| e == "gnu");
    let wanted = !env::var("SAGEWATCH_HOT_TEXT").is_ok_and(|v| v == "0");
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let script = Path::new(&manifest).join("link/hot-text.ld");
    if release && linux_gnu && wanted && script.exists() {
        // The C compiler driver's own -T (not -Wl,): a comma in the path stays in the path.
        println!("cargo:rustc-link-arg-bin=sagewatch=-T");
        println!("cargo:rustc-link-arg-bin=sagewatch={}", script.display());
    }
}
