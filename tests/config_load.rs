//! `config::load` end to end: path precedence, user themes and keymaps, overrides, NO_COLOR.
//! Each test builds its own directory tree and passes its own `Env`.

use crossterm::event::{KeyCode, KeyModifiers};
use ratatui::style::Color;
use sagewatch::config::keymap::{KeyChord, Resolution};
use sagewatch::config::theme::Theme;
use sagewatch::config::{ConfigError, Env, Overrides, Settings, load, theme_by_name};
use sagewatch::vocabulary::Bindable;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// A scratch directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let p = std::env::temp_dir().join(format!("sagewatch-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Self(p)
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn os(p: &Path) -> Option<OsString> {
    Some(p.as_os_str().to_owned())
}

/// An environment whose config lives under `home`.
fn home_env(home: &Path) -> Env {
    Env {
        home: os(home),
        ..Env::default()
    }
}

fn ok(r: Result<Settings, ConfigError>) -> Settings {
    r.unwrap_or_else(|e| panic!("{e}"))
}

fn key(c: char) -> KeyChord {
    KeyChord::new(KeyCode::Char(c), KeyModifiers::NONE)
}

#[test]
fn config_path_precedence() {
    let t = TempDir::new("precedence");
    let flag = t.write("flag.toml", "theme = \"light\"\n");
    let envf = t.write("env.toml", "theme = \"colorblind\"\n");
    t.write("xdg/sagewatch/config.toml", "theme = \"high-contrast\"\n");
    t.write("home/.config/sagewatch/config.toml", "refresh_secs = 42\n");
    let mut env = Env {
        sagewatch_config: os(&envf),
        xdg_config_home: os(&t.path("xdg")),
        home: os(&t.path("home")),
        no_color: None,
    };
    let with_flag = Overrides {
        config_path: Some(&flag),
        ..Default::default()
    };
    let s = ok(load(&with_flag, &env));
    assert_eq!(
        (s.config.theme.as_str(), s.theme.name.as_str()),
        ("light", "light")
    );
    assert_eq!(s.config_path.as_deref(), Some(flag.as_path()));

    let s = ok(load(&Overrides::default(), &env));
    assert_eq!(s.theme.name, "colorblind");

    env.sagewatch_config = None;
    let s = ok(load(&Overrides::default(), &env));
    assert_eq!(s.theme.name, "high-contrast");

    env.xdg_config_home = None;
    let s = ok(load(&Overrides::default(), &env));
    assert_eq!(s.config.refresh_secs, 42);
    assert_eq!(
        s.config_path,
        Some(t.path("home/.config/sagewatch/config.toml"))
    );
}

#[test]
fn missing_default_file_means_defaults_but_missing_named_file_is_an_error() {
    let t = TempDir::new("missing");
    let s = ok(load(&Overrides::default(), &home_env(&t.0)));
    assert_eq!(s.config, Default::default());
    assert_eq!(s.config_path, None);
    assert_eq!(s.theme, Theme::default());

    let named = t.path("nosuch.toml");
    let e = load(
        &Overrides {
            config_path: Some(&named),
            ..Default::default()
        },
        &Env::default(),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("nosuch.toml: config file does not exist"),
        "{e}"
    );

    let env = Env {
        sagewatch_config: os(&named),
        ..Env::default()
    };
    assert!(load(&Overrides::default(), &env).is_err());
}

#[test]
fn errors_name_the_user_file() {
    let t = TempDir::new("errfile");
    let cfg = t.write(
        "home/.config/sagewatch/config.toml",
        "theme = \"dark\"\nrefesh_secs = 3\n",
    );
    let e = load(&Overrides::default(), &home_env(&t.path("home"))).unwrap_err();
    let want = format!("{}:2:1: unknown field `refesh_secs`", cfg.display());
    assert!(e.to_string().starts_with(&want), "{e}");
}

#[test]
fn user_themes_join_the_list_and_extend_their_base() {
    let t = TempDir::new("themes");
    let dir = "home/.config/sagewatch";
    t.write(&format!("{dir}/config.toml"), "theme = \"mine\"\n");
    t.write(
        &format!("{dir}/themes/mine.toml"),
        "base = \"light\"\nok = \"blue\"\n",
    );
    // Same name as a shipped theme, no base: extends the shipped dark.
    t.write(&format!("{dir}/themes/dark.toml"), "alarm = \"#ff0000\"\n");
    let s = ok(load(&Overrides::default(), &home_env(&t.path("home"))));

    let names: Vec<&str> = s.themes.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        ["dark", "light", "high-contrast", "colorblind", "mine"]
    );

    let light = theme_by_name(&s.themes, "light").unwrap().clone();
    assert_eq!(s.theme.name, "mine");
    assert_eq!(s.theme.ok.fg, Some(Color::Blue));
    assert_eq!(s.theme.bad, light.bad, "unlisted styles come from the base");

    let dark = theme_by_name(&s.themes, "dark").unwrap();
    assert_eq!(dark.alarm.fg, Some(Color::Rgb(255, 0, 0)));
    let expected = Theme {
        alarm: dark.alarm,
        ..Theme::default()
    };
    assert_eq!(*dark, expected);
}

#[test]
fn base_cycles_are_reported() {
    let t = TempDir::new("cycle");
    let dir = "home/.config/sagewatch/themes";
    t.write(&format!("{dir}/a.toml"), "base = \"b\"\n");
    let b = t.write(&format!("{dir}/b.toml"), "ok = \"blue\"\nbase = \"a\"\n");
    let e = load(&Overrides::default(), &home_env(&t.path("home"))).unwrap_err();
    assert_eq!(e.line_col(), Some((2, 8)), "{e}");
    assert!(e.to_string().starts_with(&b.display().to_string()), "{e}");
}

#[test]
fn cli_theme_overrides_config_by_name_or_path() {
    let t = TempDir::new("clitheme");
    t.write("home/.config/sagewatch/config.toml", "theme = \"light\"\n");
    let env = home_env(&t.path("home"));
    let s = ok(load(
        &Overrides {
            theme: Some("high-contrast"),
            ..Default::default()
        },
        &env,
    ));
    assert_eq!(s.theme.name, "high-contrast");

    let file = t.write(
        "elsewhere/ocean.toml",
        "base = \"dark\"\nchart = \"blue\"\n",
    );
    let p = file.to_str().unwrap();
    let s = ok(load(
        &Overrides {
            theme: Some(p),
            ..Default::default()
        },
        &env,
    ));
    assert_eq!(s.theme.name, "ocean");
    assert_eq!(s.theme.chart.fg, Some(Color::Blue));
    assert!(theme_by_name(&s.themes, "ocean").is_some());

    let e = load(
        &Overrides {
            theme: Some("nosuch"),
            ..Default::default()
        },
        &env,
    )
    .unwrap_err();
    assert!(
        e.to_string().starts_with("--theme: unknown theme `nosuch`"),
        "{e}"
    );
}

#[test]
fn no_color_forces_monochrome_but_still_validates() {
    let t = TempDir::new("nocolor");
    t.write("home/.config/sagewatch/config.toml", "theme = \"light\"\n");
    let mut env = home_env(&t.path("home"));
    env.no_color = Some("1".into());
    let s = ok(load(&Overrides::default(), &env));
    assert_eq!(s.theme, Theme::monochrome());
    assert!(theme_by_name(&s.themes, "light").is_some());

    env.no_color = Some("".into());
    let s = ok(load(&Overrides::default(), &env));
    assert_eq!(s.theme.name, "light");

    env.no_color = Some("1".into());
    let bad = Overrides {
        theme: Some("nosuch"),
        ..Default::default()
    };
    assert!(load(&bad, &env).is_err());
}

#[test]
fn user_vim_keymap_replaces_unbinds_and_adds() {
    let t = TempDir::new("keymap");
    t.write(
        "home/.config/sagewatch/keymaps/vim.toml",
        r#"
[[bindings]]
keys = ["q"]
action = "back"
desc = "Back"

[[bindings]]
keys = ["ctrl-c"]
action = "none"

[[bindings]]
keys = ["X"]
action = "quit"
"#,
    );
    let s = ok(load(&Overrides::default(), &home_env(&t.path("home"))));
    let km = &s.keymap;
    assert_eq!(km.name, "vim");
    assert_eq!(km.resolve(&[key('q')]), Resolution::Action(Bindable::Back));
    let ctrl_c = KeyChord::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(km.resolve(&[ctrl_c]), Resolution::Unbound);
    assert_eq!(km.resolve(&[key('X')]), Resolution::Action(Bindable::Quit));
    // Untouched bindings survive, in the shipped order.
    assert_eq!(
        km.resolve(&[key('j')]),
        Resolution::Action(Bindable::MoveDown)
    );
    let defaults = ok(load(&Overrides::default(), &Env::default())).keymap;
    assert_eq!(km.bindings.len(), defaults.bindings.len());
    let q = km.bindings.iter().position(|b| b.keys == [key('q')]);
    let q0 = defaults.bindings.iter().position(|b| b.keys == [key('q')]);
    assert_eq!(q, q0, "a replaced binding keeps its place in the help");
}

#[test]
fn keymap_prefix_conflict_blames_the_user_file() {
    let t = TempDir::new("prefix");
    let user = t.write(
        "home/.config/sagewatch/keymaps/mine.toml",
        "[[bindings]]\nkeys = [\"g\"]\naction = \"refresh\"\n",
    );
    t.write("home/.config/sagewatch/config.toml", "keymap = \"mine\"\n");
    let e = load(&Overrides::default(), &home_env(&t.path("home"))).unwrap_err();
    let want = format!("{}:2:8: `g` is a prefix of `g g`", user.display());
    assert!(e.to_string().starts_with(&want), "{e}");

    // Unbinding g g first makes it fine.
    t.write(
        "home/.config/sagewatch/keymaps/mine.toml",
        "[[bindings]]\nkeys = [\"g\", \"g\"]\naction = \"none\"\n\n\
         [[bindings]]\nkeys = [\"g\"]\naction = \"refresh\"\n",
    );
    let s = ok(load(&Overrides::default(), &home_env(&t.path("home"))));
    assert_eq!(s.keymap.name, "mine");
    assert_eq!(
        s.keymap.resolve(&[key('g')]),
        Resolution::Action(Bindable::Refresh)
    );
}

#[test]
fn a_change_on_a_key_the_chain_quits_with_is_refused_at_the_newer_file() {
    let t = TempDir::new("leavekey");
    let leave = t.write(
        "home/.config/sagewatch/keymaps/leave.toml",
        "[[bindings]]\nkeys = [\"ctrl-q\"]\naction = \"quit\"\n",
    );
    let mine = t.write(
        "home/.config/sagewatch/keymaps/mine.toml",
        "base = \"leave\"\n[[bindings]]\nkeys = [\"ctrl-q\"]\naction = \"delete_alarm\"\n",
    );
    t.write("home/.config/sagewatch/config.toml", "keymap = \"mine\"\n");
    let e = load(&Overrides::default(), &home_env(&t.path("home"))).unwrap_err();
    let want = format!(
        "{}:3:8: `delete_alarm` leads to a change in AWS and must not be bound to `Ctrl-q`, a key \
         pressed to leave (`quit` at {}:2:8)",
        mine.display(),
        leave.display()
    );
    assert!(e.to_string().starts_with(&want), "{e}");
}

#[test]
fn cli_keymap_path_and_standalone_base() {
    let t = TempDir::new("clikeymap");
    let file = t.write(
        "only-quit.toml",
        "base = \"none\"\n[[bindings]]\nkeys = [\"ctrl-q\"]\naction = \"quit\"\n",
    );
    let s = ok(load(
        &Overrides {
            keymap: Some(file.to_str().unwrap()),
            ..Default::default()
        },
        &Env::default(),
    ));
    assert_eq!(s.keymap.name, "only-quit");
    assert_eq!(s.keymap.bindings.len(), 1);
    assert_eq!(
        s.keymap.bindings[0].desc, "quit",
        "desc defaults to the action name"
    );
    assert_eq!(s.keymap.resolve(&[key('q')]), Resolution::Unbound);

    let e = load(
        &Overrides {
            keymap: Some("emacs"),
            ..Default::default()
        },
        &Env::default(),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("--keymap: unknown keymap `emacs`"),
        "{e}"
    );
}
