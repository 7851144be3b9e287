//! Theme files: TOML tables of semantic styles, parsed and resolved into a `Theme`.

use super::error::{ConfigError, Source};
use super::layers::{Catalog, LayerFile, Top};
use super::theme::Theme;
use ratatui::style::{Color, Modifier, Style};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, de::value::MapAccessDeserializer};
use std::fmt;
use std::path::PathBuf;
use toml::Spanned;

/// The themes compiled into the binary, by name; the first is the default.
pub const SHIPPED: &[(&str, &str)] = &[
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("colorblind", include_str!("../../themes/colorblind.toml")),
];

pub const DEFAULT_THEME: &str = "dark";

/// Declares the theme file struct from the list of `Theme`'s style fields, so the file format,
/// the "every field listed" check and `apply` cannot drift apart.
macro_rules! theme_file {
    ($($field:ident),+ $(,)?) => {
        /// One theme file as written: every style optional, so a file with a `base` lists only
        /// what it changes.
        #[derive(Debug, Clone, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub(crate) struct ThemeFile {
            /// The theme this one starts from; `"none"` starts from plain styles.
            pub base: Option<Spanned<String>>,
            $(pub $field: Option<StyleSpec>,)+
        }

        #[cfg(test)]
        impl ThemeFile {
            pub const FIELDS: &'static [&'static str] = &[$(stringify!($field)),+];

            /// Names of the styles this file leaves to its base.
            pub fn missing(&self) -> Vec<&'static str> {
                let mut out = Vec::new();
                $(if self.$field.is_none() { out.push(stringify!($field)); })+
                out
            }
        }

        impl ThemeFile {
            pub fn apply(&self, theme: &mut Theme) {
                $(if let Some(s) = &self.$field { theme.$field = s.style; })+
            }

            fn check_styles(&self, src: &Source) -> Result<(), ConfigError> {
                $(if let Some(s) = &self.$field { s.check(src)?; })+
                Ok(())
            }
        }

        /// A theme with every style unset, the base for `base = "none"`.
        pub(crate) fn plain_theme(name: &str) -> Theme {
            Theme { name: name.to_string(), $($field: Style::default(),)+ }
        }
    };
}

theme_file!(
    text,
    muted,
    border,
    focus,
    title,
    header,
    status_bar,
    selection,
    alarm,
    ok,
    insufficient,
    good,
    warn,
    bad,
    stale,
    chart,
    threshold,
    key_hint,
);

#[cfg(test)]
impl ThemeFile {
    pub fn parse(src: &Source) -> Result<Self, ConfigError> {
        let f: Self = src.parse()?;
        f.check(src)?;
        Ok(f)
    }
}

impl LayerFile for ThemeFile {
    fn base(&self) -> Option<&Spanned<String>> {
        self.base.as_ref()
    }

    fn check(&self, src: &Source) -> Result<(), ConfigError> {
        self.check_styles(src)
    }
}

pub(crate) fn catalog(user_dir: Option<PathBuf>) -> Catalog {
    Catalog {
        kind: "theme",
        subdir: "themes",
        shipped: SHIPPED,
        default: DEFAULT_THEME,
        user_dir,
    }
}

/// The theme a file describes, with its `base` chain applied bottom up.
pub(crate) fn resolve(catalog: &Catalog, top: Top) -> Result<Theme, ConfigError> {
    let name = top.name.clone();
    let layers = catalog.chain::<ThemeFile>(top)?;
    let mut theme = plain_theme(&name);
    for layer in layers.iter().rev() {
        layer.file.apply(&mut theme);
    }
    Ok(theme)
}

/// Every shipped theme, then every user theme that is not a shipped one's namesake, resolved.
/// A user namesake replaces the shipped theme in place, so the order stays stable.
pub(crate) fn load_all(catalog: &Catalog) -> Result<Vec<Theme>, ConfigError> {
    let mut names: Vec<String> = catalog.shipped_names().map(String::from).collect();
    for n in catalog.user_names()? {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let mut themes = Vec::with_capacity(names.len());
    for name in names {
        if let Some(top) = catalog.by_name(&name)? {
            themes.push(resolve(catalog, top)?);
        }
    }
    Ok(themes)
}

/// A style as written: `"green"` (a foreground colour) or `{ fg, bg, modifiers }`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StyleSpec {
    pub style: Style,
    /// A modifier name that is not one. toml gives array elements no position of their own in
    /// errors, so it is kept with its span and reported by `ThemeFile::check`.
    bad_modifier: Option<Spanned<String>>,
}

impl StyleSpec {
    fn plain(style: Style) -> Self {
        Self {
            style,
            bad_modifier: None,
        }
    }

    fn check(&self, src: &Source) -> Result<(), ConfigError> {
        match &self.bad_modifier {
            Some(m) => match parse_modifier(m.get_ref()) {
                Err(msg) => Err(src.error_at(m.span(), msg)),
                Ok(_) => Ok(()),
            },
            None => Ok(()),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleTable {
    fg: Option<ColorSpec>,
    bg: Option<ColorSpec>,
    #[serde(default)]
    modifiers: Vec<Spanned<String>>,
}

impl<'de> Deserialize<'de> for StyleSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StyleSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a colour or a table { fg, bg, modifiers }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<StyleSpec, E> {
                let c = parse_color(v).map_err(E::custom)?;
                Ok(StyleSpec::plain(Style::default().fg(c)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<StyleSpec, E> {
                let c = indexed(v).map_err(E::custom)?;
                Ok(StyleSpec::plain(Style::default().fg(c)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<StyleSpec, A::Error> {
                // Delegating to a derived struct keeps deny_unknown_fields and its messages.
                let t = StyleTable::deserialize(MapAccessDeserializer::new(map))?;
                let mut style = Style::default();
                if let Some(c) = t.fg {
                    style = style.fg(c.0);
                }
                if let Some(c) = t.bg {
                    style = style.bg(c.0);
                }
                let mut bad_modifier = None;
                for m in t.modifiers {
                    match parse_modifier(m.get_ref()) {
                        Ok(modifier) => style = style.add_modifier(modifier),
                        Err(_) => {
                            bad_modifier.get_or_insert(m);
                        }
                    }
                }
                Ok(StyleSpec {
                    style,
                    bad_modifier,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// A colour as written: a name, `#rrggbb`, or a 0-255 palette index.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ColorSpec(Color);

impl<'de> Deserialize<'de> for ColorSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ColorSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a colour name, \"#rrggbb\" or a 0-255 index")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ColorSpec, E> {
                parse_color(v).map(ColorSpec).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ColorSpec, E> {
                indexed(v).map(ColorSpec).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

const COLOR_NAMES: &[(&str, Color)] = &[
    ("reset", Color::Reset),
    ("black", Color::Black),
    ("red", Color::Red),
    ("green", Color::Green),
    ("yellow", Color::Yellow),
    ("blue", Color::Blue),
    ("magenta", Color::Magenta),
    ("cyan", Color::Cyan),
    ("gray", Color::Gray),
    ("dark_gray", Color::DarkGray),
    ("light_red", Color::LightRed),
    ("light_green", Color::LightGreen),
    ("light_yellow", Color::LightYellow),
    ("light_blue", Color::LightBlue),
    ("light_magenta", Color::LightMagenta),
    ("light_cyan", Color::LightCyan),
    ("white", Color::White),
];

/// Parses `red`, `dark_gray` (also `dark-gray`, `darkgrey`), `#1e90ff` or `208`.
pub fn parse_color(s: &str) -> Result<Color, String> {
    let t = s.trim();
    if let Some(hex) = t.strip_prefix('#') {
        let bad = || format!("invalid colour `{s}`: expected `#rrggbb` with six hex digits");
        if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|_| bad());
        return Ok(Color::Rgb(byte(0)?, byte(2)?, byte(4)?));
    }
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) {
        return t
            .parse::<i64>()
            .map_err(|_| format!("invalid colour index `{s}`: expected 0-255"))
            .and_then(indexed);
    }
    // People write grey/gray and dark-gray/darkgray; accept the spellings, report the canonical.
    let key: String = t
        .to_ascii_lowercase()
        .replace("grey", "gray")
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .collect();
    COLOR_NAMES
        .iter()
        .find(|(name, _)| name.replace('_', "") == key)
        .map(|(_, c)| *c)
        .ok_or_else(|| {
            let names: Vec<_> = COLOR_NAMES.iter().map(|(n, _)| *n).collect();
            format!(
                "unknown colour `{s}`: expected one of {}, \"#rrggbb\" or 0-255",
                names.join(", ")
            )
        })
}

fn indexed(v: i64) -> Result<Color, String> {
    u8::try_from(v)
        .map(Color::Indexed)
        .map_err(|_| format!("colour index {v} out of range: expected 0-255"))
}

const MODIFIER_NAMES: &[(&str, Modifier)] = &[
    ("bold", Modifier::BOLD),
    ("dim", Modifier::DIM),
    ("italic", Modifier::ITALIC),
    ("underlined", Modifier::UNDERLINED),
    ("slow_blink", Modifier::SLOW_BLINK),
    ("rapid_blink", Modifier::RAPID_BLINK),
    ("reversed", Modifier::REVERSED),
    ("hidden", Modifier::HIDDEN),
    ("crossed_out", Modifier::CROSSED_OUT),
];

pub fn parse_modifier(s: &str) -> Result<Modifier, String> {
    let key = s.trim().to_ascii_lowercase().replace('-', "_");
    let key = if key == "underline" {
        "underlined".to_string()
    } else {
        key
    };
    MODIFIER_NAMES
        .iter()
        .find(|(n, _)| *n == key)
        .map(|(_, m)| *m)
        .ok_or_else(|| {
            let names: Vec<_> = MODIFIER_NAMES.iter().map(|(n, _)| *n).collect();
            format!(
                "unknown modifier `{s}`: expected one of {}",
                names.join(", ")
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_themes_are_complete_and_standalone() {
        assert_eq!(ThemeFile::FIELDS.len(), 18);
        for (name, text) in SHIPPED {
            let src = Source::new(format!("<embedded>/themes/{name}.toml"), *text);
            let f = ThemeFile::parse(&src).unwrap_or_else(|e| panic!("{e}"));
            assert!(f.base.is_none(), "{name} must not depend on another theme");
            assert_eq!(
                f.missing(),
                Vec::<&str>::new(),
                "{name} leaves styles unset"
            );
        }
    }

    #[test]
    fn shipped_dark_equals_the_hard_coded_default() {
        let cat = catalog(None);
        let dark = resolve(&cat, cat.shipped_top("dark").unwrap()).unwrap();
        assert_eq!(dark, Theme::default());
    }

    #[test]
    fn colours_parse_by_name_hex_and_index() {
        assert_eq!(parse_color("red"), Ok(Color::Red));
        assert_eq!(parse_color("dark_gray"), Ok(Color::DarkGray));
        assert_eq!(parse_color("Dark-Grey"), Ok(Color::DarkGray));
        assert_eq!(parse_color("lightblue"), Ok(Color::LightBlue));
        assert_eq!(parse_color("reset"), Ok(Color::Reset));
        assert_eq!(parse_color("#1E90ff"), Ok(Color::Rgb(0x1e, 0x90, 0xff)));
        assert_eq!(parse_color("208"), Ok(Color::Indexed(208)));
    }

    #[test]
    fn bad_colours_are_rejected() {
        for bad in ["redd", "#12345", "#12345g", "#1234567", "256", "", "#"] {
            assert!(parse_color(bad).is_err(), "{bad:?} accepted");
        }
        assert!(
            parse_color("purple")
                .unwrap_err()
                .contains("unknown colour `purple`")
        );
    }

    #[test]
    fn modifiers_parse() {
        assert_eq!(parse_modifier("bold"), Ok(Modifier::BOLD));
        assert_eq!(parse_modifier("underline"), Ok(Modifier::UNDERLINED));
        assert_eq!(parse_modifier("crossed-out"), Ok(Modifier::CROSSED_OUT));
        assert!(parse_modifier("blinky").is_err());
    }

    #[test]
    fn style_accepts_string_index_and_table() {
        let src = Source::new(
            "t.toml",
            "ok = \"green\"\nwarn = 214\nalarm = { fg = \"red\", bg = \"reset\", modifiers = [\"bold\"] }\n",
        );
        let f = ThemeFile::parse(&src).unwrap();
        assert_eq!(
            f.ok.map(|s| s.style),
            Some(Style::default().fg(Color::Green))
        );
        assert_eq!(
            f.warn.map(|s| s.style),
            Some(Style::default().fg(Color::Indexed(214)))
        );
        assert_eq!(
            f.alarm.map(|s| s.style),
            Some(
                Style::default()
                    .fg(Color::Red)
                    .bg(Color::Reset)
                    .add_modifier(Modifier::BOLD)
            )
        );
    }

    #[test]
    fn bad_colour_points_at_the_value() {
        let src = Source::new("t.toml", "ok = \"green\"\nbad = { fg = \"redd\" }\n");
        let e = ThemeFile::parse(&src).unwrap_err();
        assert_eq!(e.line_col(), Some((2, 14)), "{e}");
        assert!(e.to_string().contains("unknown colour `redd`"), "{e}");
    }

    #[test]
    fn bad_modifier_points_at_the_element() {
        let src = Source::new("t.toml", "focus = { modifiers = [\"bold\", \"blinky\"] }\n");
        let e = ThemeFile::parse(&src).unwrap_err();
        assert_eq!(e.line_col(), Some((1, 32)), "{e}");
        assert!(e.to_string().contains("unknown modifier `blinky`"), "{e}");
    }

    #[test]
    fn unknown_style_field_is_an_error() {
        let src = Source::new("t.toml", "alarm = { fg = \"red\", bold = true }\n");
        let e = ThemeFile::parse(&src).unwrap_err();
        assert!(e.to_string().contains("unknown field `bold`"), "{e}");
        assert_eq!(e.line_col(), Some((1, 23)), "{e}");
    }
}
