//! The top line: product name, view tabs, who we are talking as, and a UTC clock.

use super::text::{self, put};
use crate::app::state::{State, View};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

pub fn render(state: &State, buf: &mut Buffer, area: Rect) {
    if area.is_empty() {
        return;
    }
    let theme = &state.theme;
    buf.set_style(area, theme.header);
    let y = area.y;
    // Clock first, on the right, so it survives the narrowest terminal that has a header.
    // Minute resolution: an idle screen must not change every second.
    let clock = format!("UTC {} ", text::hhmm(state.now));
    let clock_x = area.right().saturating_sub(text::width(&clock));
    let left_end = if clock_x > area.x + 12 {
        put(buf, area, clock_x, y, &clock, area.width, theme.header);
        clock_x.saturating_sub(1)
    } else {
        area.right()
    };
    let left = Rect::new(area.x, y, left_end.saturating_sub(area.x), 1);

    let bold = theme.header.add_modifier(Modifier::BOLD);
    let mut x = put(buf, left, area.x, y, " sagewatch ", left.width, bold);
    // On a narrow terminal the tabs not shown shrink to their initial, so that the account
    // and region (which account am I acting in?) keep their place.
    let full: u16 = View::ALL.iter().map(|v| text::width(v.title()) + 3).sum();
    let compact = left.width < 11 + full + 26;
    for view in View::ALL {
        let title = view.title();
        // A shrunk tab is its initial alone, one cell apart: eight views fit in 80 columns
        // beside the account and region.
        let label = if compact && view != state.view {
            title.chars().next().unwrap_or(' ').to_string()
        } else {
            format!(" {title} ")
        };
        let style = if view == state.view {
            theme
                .header
                .add_modifier(Modifier::BOLD | Modifier::REVERSED)
        } else {
            theme.header
        };
        x = put(buf, left, x + 1, y, &label, left.width, style);
    }
    if let Some(id) = &state.identity {
        // The ARN's last two path segments say the role and session; the rest is noise.
        let tail = id.arn.rsplit(':').next().unwrap_or_default();
        let short = tail.rsplitn(3, '/').take(2).collect::<Vec<_>>();
        let short = short.into_iter().rev().collect::<Vec<_>>().join("/");
        // The home region, and how many more the endpoints run in (`:region` scopes).
        let others = state
            .regions
            .iter()
            .filter(|r| r.as_str() != id.region)
            .count();
        let region = match others {
            0 => id.region.clone(),
            n => format!("{} +{n}", id.region),
        };
        let who = format!("{} {}  {} ", id.account_id, short, region);
        let w = text::width(&who);
        let room = left.right().saturating_sub(x + 2);
        if w <= room {
            put(buf, left, left.right() - w, y, &who, w, theme.header);
        } else if room > 14 {
            let who = format!("{}  {} ", id.account_id, region);
            let w = text::width(&who);
            if w <= room {
                put(buf, left, left.right() - w, y, &who, w, theme.header);
            }
        }
    }
}
