//! Every file under tests/fixtures/config/valid loads; every file under invalid fails with an
//! error located at the `line:col` its first line announces (`# expect: 4:7`), saying what a
//! second line `# says: ...` quotes, if it has one.
//! The file name's prefix says what it is: `config-*`, `theme-*` or `keymap-*`.

use sagewatch::config::{ConfigError, Env, Overrides, Settings, load};
use std::path::{Path, PathBuf};

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "too few fixtures in {}", dir.display());
    files
}

/// Loads a fixture in the role its name gives it, with an empty environment so that no real
/// user file takes part.
fn load_fixture(path: &Path) -> Result<Settings, ConfigError> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let p = path.to_str().unwrap();
    let overrides = if name.starts_with("config-") {
        Overrides {
            config_path: Some(path),
            ..Default::default()
        }
    } else if name.starts_with("theme-") {
        Overrides {
            theme: Some(p),
            ..Default::default()
        }
    } else if name.starts_with("keymap-") {
        Overrides {
            keymap: Some(p),
            ..Default::default()
        }
    } else {
        panic!("{name}: fixture names start with config-, theme- or keymap-");
    };
    load(&overrides, &Env::default())
}

#[test]
fn valid_fixtures_load() {
    for path in fixtures("valid") {
        if let Err(e) = load_fixture(&path) {
            panic!("{}: {e}", path.display());
        }
    }
}

#[test]
fn invalid_fixtures_fail_at_the_announced_place() {
    let mut failures = Vec::new();
    for path in fixtures("invalid") {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut lines = text.lines();
        let expect = lines
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{}: first line must be `# expect: L:C`", path.display()))
            .trim()
            .to_string();
        let says = lines.next().and_then(|l| l.strip_prefix("# says: "));
        match load_fixture(&path) {
            Ok(_) => failures.push(format!("{}: loaded without error", path.display())),
            Err(e) => {
                let shown = e.to_string();
                let want = format!("{}:{expect}: ", path.display());
                if !shown.starts_with(&want) {
                    failures.push(format!(
                        "{}: expected `{want}...`, got `{shown}`",
                        path.display()
                    ));
                } else if let Some(says) = says
                    && !shown.contains(says.trim())
                {
                    failures.push(format!(
                        "{}: expected the message to say `{}`, got `{shown}`",
                        path.display(),
                        says.trim()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
