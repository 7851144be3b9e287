//! The bottom line: mode, data freshness (never lie about how old a number is), the flash
//! message, and key hints for the current view generated from the active keymap.

use super::text::{self, put};
use crate::app::query::{DataFreshness as Freshness, coarse_duration, freshness};
use crate::app::state::{FlashLevel, State};
use crate::views;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

/// A key sequence as the hint bar writes it: short symbols for the long key names.
pub fn short_keys(label: &str) -> String {
    label.replace("Enter", "⏎")
}

pub fn render(state: &State, buf: &mut Buffer, area: Rect) {
    if area.is_empty() {
        return;
    }
    let theme = &state.theme;
    let bar = theme.status_bar;
    buf.set_style(area, bar);
    let y = area.y;
    let mut x = put(
        buf,
        area,
        area.x,
        y,
        &format!(" {} ", state.source_kind.as_str()),
        area.width,
        bar.add_modifier(Modifier::BOLD),
    );
    if state.readonly {
        x = put(
            buf,
            area,
            x,
            y,
            " READ-ONLY ",
            area.width,
            theme.bad.add_modifier(Modifier::BOLD | Modifier::REVERSED),
        );
    }
    if let Some(ts) = state.freshness.newest_point {
        x = put(
            buf,
            area,
            x + 1,
            y,
            &format!("data {}", text::hhmm(ts)),
            area.width,
            bar,
        );
    }
    x = match freshness(state) {
        Freshness::Loading => put(buf, area, x + 1, y, "loading…", area.width, bar),
        Freshness::Fresh => x,
        Freshness::Stale(age) => {
            let label = match age {
                Some(a) => format!(" STALE {} ", coarse_duration(a)),
                None => " STALE ".to_owned(),
            };
            put(
                buf,
                area,
                x + 1,
                y,
                &label,
                area.width,
                theme.stale.add_modifier(Modifier::REVERSED),
            )
        }
    };
    // Alarms muted indefinitely for too long (or since unknown): a forgotten mute is how an
    // incident goes unseen, so it stays on the bar until they are unmuted.
    let forgotten = state.alarm_index.muted_forgotten;
    if forgotten > 0 {
        x = put(
            buf,
            area,
            x + 1,
            y,
            &format!(" ⊘{forgotten}∞ "),
            area.width,
            theme.warn.add_modifier(Modifier::REVERSED),
        );
    }
    // A run started here is followed wherever the user goes: they must see it is going.
    if let Some(marker) = views::monitor::follow::marker(&state.views.monitor, state.now) {
        x = put(
            buf,
            area,
            x + 1,
            y,
            &format!(" {marker} "),
            area.width,
            theme.focus.add_modifier(Modifier::REVERSED),
        );
    }
    let flash = state.flash.as_ref().filter(|f| f.until > state.now);
    // A flash answers what the user just did: for its few seconds it takes the place of the
    // source's health (which stays on screen the rest of the time).
    if flash.is_none() {
        x = render_source_health(state, buf, area, x);
    }
    if let Some(flash) = flash {
        let style = match flash.level {
            FlashLevel::Error => theme.bad.add_modifier(Modifier::BOLD),
            FlashLevel::Info => bar,
        };
        // The flash may use the whole line: it is what the user must read now.
        x = text::put_trunc(
            buf,
            area,
            x + 2,
            y,
            &flash.text,
            area.right().saturating_sub(x + 2),
            style,
        );
    }
    render_hints(state, buf, area, x + 2);
}

/// Throttling, calls failing now, and what GetMetricData costs: an on-call engineer must
/// know why data is slow or partial, and what the console spends.
fn render_source_health(state: &State, buf: &mut Buffer, area: Rect, mut x: u16) -> u16 {
    let theme = &state.theme;
    let health = &state.source_health;
    if health.throttled_recently > 0 {
        x = put(
            buf,
            area,
            x + 1,
            area.y,
            " THROTTLED ",
            area.width,
            theme.stale.add_modifier(Modifier::REVERSED),
        );
    }
    if let (None, Some(notice)) = (health.problems.first(), health.notices.first()) {
        x = text::put_trunc(
            buf,
            area,
            x + 1,
            area.y,
            &format!("ⓘ {notice}"),
            area.right().saturating_sub(x + 1).min(110),
            theme.warn,
        );
    }
    if let Some(first) = health.problems.first() {
        let more = match health.problems.len() {
            1 => String::new(),
            n => format!(" (+{})", n - 1),
        };
        // What that call last answered is still shown: say how old it is.
        let more = match health.failing_minutes.first().copied().unwrap_or(0) {
            0 => more,
            m => format!(", failing {}{more}", coarse_duration(m as i64 * 60)),
        };
        x = text::put_trunc(
            buf,
            area,
            x + 1,
            area.y,
            &format!("⚠ {}{more}", headline(first)),
            area.right().saturating_sub(x + 1).min(110),
            theme.bad,
        );
    }
    if health.metrics_requested_last_hour > 0 {
        x = put(
            buf,
            area,
            x + 1,
            area.y,
            &usage_label(health.metrics_requested_last_hour, health.usd_per_hour()),
            area.width,
            theme.status_bar,
        );
    }
    x
}

/// A failing call as the status bar says it. Credentials say their fix first: at 80 columns
/// the command (`aws sso login --profile X`) must show, not the call and AWS's message.
fn headline(problem: &crate::source::SourceError) -> String {
    match problem {
        crate::source::SourceError::Credentials { call, detail, fix } => {
            format!("{fix} · {call}: {detail}")
        }
        other => other.to_string(),
    }
}

/// "1.2k metrics/h $0.012/h": metrics requested in the last hour and their GetMetricData cost.
pub fn usage_label(metrics: u64, usd_per_hour: f64) -> String {
    let count = if metrics < 1000 {
        metrics.to_string()
    } else if metrics < 1_000_000 {
        format!("{:.1}k", metrics as f64 / 1000.0)
    } else {
        format!("{:.1}M", metrics as f64 / 1_000_000.0)
    };
    format!("{count} metrics/h ${usd_per_hour:.3}/h")
}

/// Right-aligned hints, dropped from the right until they fit after `min_x`.
fn render_hints(state: &State, buf: &mut Buffer, area: Rect, min_x: u16) {
    let theme = &state.theme;
    // Each hint, and whether read-only mode disables it (drawn struck through).
    let mut items: Vec<(String, &str, bool)> = Vec::new();
    for (action, label) in views::module(state.view).hints_now(state) {
        if let Some(b) = action
            .bindable()
            .and_then(|a| state.keymap.first_binding(a))
        {
            let disabled = state.readonly && action.mutates();
            items.push((short_keys(&b.keys_label()), label, disabled));
        }
    }
    let item_w = |(k, l, _): &(String, &str, bool)| text::width(k) + 1 + text::width(l) + 2;
    while !items.is_empty()
        && items.iter().map(item_w).sum::<u16>() > area.right().saturating_sub(min_x)
    {
        items.pop();
    }
    let total: u16 = items.iter().map(item_w).sum();
    let mut x = area.right().saturating_sub(total);
    // The bar's background is already set on these cells; the key style only adds its colour.
    for (keys, label, disabled) in &items {
        let (key_style, label_style) = if *disabled {
            let off = theme
                .muted
                .add_modifier(ratatui::style::Modifier::CROSSED_OUT);
            (off, off)
        } else {
            (theme.key_hint, theme.status_bar)
        };
        x = put(buf, area, x, area.y, keys, area.width, key_style);
        x = put(buf, area, x + 1, area.y, label, area.width, label_style);
        x += 2;
    }
}

#[cfg(test)]
mod tests {
    use super::usage_label;

    #[test]
    fn usage_is_short_and_priced() {
        assert_eq!(usage_label(742, 0.00742), "742 metrics/h $0.007/h");
        assert_eq!(usage_label(18_000, 0.18), "18.0k metrics/h $0.180/h");
    }
}
