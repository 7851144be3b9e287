//! The dependency rules of DESIGN.md that the compiler does not check: the application core
//! never reaches into the UI (layout facts come from `layout` and the views' own layout
//! modules), and views reach each other only through their public entry points.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn nothing_under_src_app_imports_the_ui() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(files.len() > 10, "found {} files", files.len());
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable");
        for (n, line) in text.lines().enumerate() {
            assert!(
                !line.contains("crate::ui") && !line.contains("super::super::ui"),
                "{}:{}: {line}",
                file.display(),
                n + 1
            );
        }
    }
}

#[test]
fn the_router_stays_a_router() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app/update.rs");
    let text = std::fs::read_to_string(path).expect("readable");
    let code = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with("//"))
        .count();
    // Views own their logic; a router that grows past this has taken some back.
    assert!(code < 150, "src/app/update.rs has {code} lines of code");
}
