//! Semantic colours. Panes ask for `theme.alarm`, never for `Color::Red`.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    /// Default text on the default background.
    pub text: Style,
    pub muted: Style,
    pub border: Style,
    /// Border and title of the focused pane.
    pub focus: Style,
    pub title: Style,
    pub header: Style,
    pub status_bar: Style,
    pub selection: Style,
    /// Alarm states, as CloudWatch names them.
    pub alarm: Style,
    pub ok: Style,
    pub insufficient: Style,
    /// Value bands of a metric.
    pub good: Style,
    pub warn: Style,
    pub bad: Style,
    /// Data older than it should be.
    pub stale: Style,
    pub chart: Style,
    pub threshold: Style,
    pub key_hint: Style,
}

impl Theme {
    /// Used when `NO_COLOR` is set: meaning carried by modifiers alone.
    pub fn monochrome() -> Self {
        let plain = Style::default();
        let bold = plain.add_modifier(Modifier::BOLD);
        Self {
            name: "no-color".into(),
            text: plain,
            muted: plain.add_modifier(Modifier::DIM),
            border: plain,
            focus: bold,
            title: bold,
            header: plain.add_modifier(Modifier::REVERSED),
            status_bar: plain.add_modifier(Modifier::REVERSED),
            selection: plain.add_modifier(Modifier::REVERSED),
            alarm: bold.add_modifier(Modifier::UNDERLINED),
            ok: plain,
            insufficient: plain.add_modifier(Modifier::DIM),
            good: plain,
            warn: bold,
            bad: bold.add_modifier(Modifier::UNDERLINED),
            stale: plain.add_modifier(Modifier::DIM | Modifier::ITALIC),
            chart: plain,
            threshold: bold,
            key_hint: bold,
        }
    }
}

impl Default for Theme {
    /// The shipped dark theme, hard-coded so that tests and a broken install still have colours.
    fn default() -> Self {
        let s = |c: Color| Style::default().fg(c);
        Self {
            name: "dark".into(),
            text: Style::default(),
            muted: s(Color::DarkGray),
            border: s(Color::DarkGray),
            focus: s(Color::Cyan).add_modifier(Modifier::BOLD),
            title: s(Color::White).add_modifier(Modifier::BOLD),
            header: Style::default().fg(Color::Black).bg(Color::Cyan),
            status_bar: Style::default().fg(Color::White).bg(Color::DarkGray),
            selection: Style::default()
                .bg(Color::Rgb(40, 50, 70))
                .add_modifier(Modifier::BOLD),
            alarm: s(Color::Red).add_modifier(Modifier::BOLD),
            ok: s(Color::Green),
            insufficient: s(Color::Yellow),
            good: s(Color::Green),
            warn: s(Color::Yellow),
            bad: s(Color::Red),
            stale: s(Color::Magenta).add_modifier(Modifier::BOLD),
            chart: s(Color::Cyan),
            threshold: s(Color::Red),
            key_hint: s(Color::Cyan).add_modifier(Modifier::BOLD),
        }
    }
}
