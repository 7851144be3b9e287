//! A braille line chart of one metric: one line per variant, alarm thresholds as horizontal
//! lines, time labels on x, min/max on y. Built on ratatui's `Chart`.

use crate::app::query::format_value;
use crate::config::theme::Theme;
use crate::source::model::Epoch;
use crate::ui::text;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, BorderType, Chart, Dataset, GraphType, Widget};

/// How an alarm's threshold line is drawn: in the alarm colour while it is in ALARM.
pub fn threshold_style(theme: &Theme, state: crate::source::model::AlarmState) -> Style {
    if state == crate::source::model::AlarmState::Alarm {
        theme.alarm
    } else {
        theme.threshold
    }
}

/// One variant's points, already downsampled.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    /// Shown in the legend; `None` when the chart has one variant (a legend would be noise).
    pub name: Option<String>,
    pub points: Vec<(f64, f64)>,
    pub style: Style,
    /// Points further apart than this (seconds) are not joined: a line drawn across missing
    /// data would hide an outage. 0 joins everything.
    pub max_gap: f64,
}

impl Trace {
    /// Runs of points close enough to be joined by a line.
    fn runs(&self) -> impl Iterator<Item = &[(f64, f64)]> {
        let gap = self.max_gap;
        self.points
            .chunk_by(move |a, b| gap <= 0.0 || b.0 - a.0 <= gap)
    }
}

pub struct MetricChart<'a> {
    pub title: Line<'a>,
    pub traces: &'a [Trace],
    /// Threshold values with the style of their line.
    pub thresholds: &'a [(f64, Style)],
    /// The time window, epoch seconds.
    pub window: (Epoch, Epoch),
    pub focused: bool,
    pub theme: &'a Theme,
    /// Times marked under the time axis (changes found in CloudTrail).
    pub marks: &'a [Epoch],
}

/// Reduces points to at most two per bucket (its min and its max, in time order) over
/// `buckets` equal slices of `[x0, x1]`: about two per braille dot column is all a terminal
/// can show, and keeping both extremes means a spike survives.
pub fn downsample(
    points: impl Iterator<Item = (Epoch, f32)>,
    (x0, x1): (Epoch, Epoch),
    buckets: usize,
    out: &mut Vec<(f64, f64)>,
) {
    let span = (x1 - x0).max(1) as f64;
    let buckets = buckets.max(1);
    // The current bucket with its lowest and highest point.
    type Bucket = (usize, (Epoch, f32), (Epoch, f32));
    let mut current: Option<Bucket> = None;
    let flush = |out: &mut Vec<(f64, f64)>, lo: (Epoch, f32), hi: (Epoch, f32)| {
        let (a, b) = if lo.0 <= hi.0 { (lo, hi) } else { (hi, lo) };
        out.push((a.0 as f64, f64::from(a.1)));
        if b.0 != a.0 {
            out.push((b.0 as f64, f64::from(b.1)));
        }
    };
    for (ts, v) in points {
        if v.is_nan() || ts < x0 || ts > x1 {
            continue;
        }
        let b = (((ts - x0) as f64 / span) * buckets as f64) as usize;
        let b = b.min(buckets - 1);
        current = match current {
            Some((cb, lo, hi)) if cb == b => Some((
                cb,
                if v < lo.1 { (ts, v) } else { lo },
                if v > hi.1 { (ts, v) } else { hi },
            )),
            Some((_, lo, hi)) => {
                flush(out, lo, hi);
                Some((b, (ts, v), (ts, v)))
            }
            None => Some((b, (ts, v), (ts, v))),
        };
    }
    if let Some((_, lo, hi)) = current {
        flush(out, lo, hi);
    }
}

/// The y range covering every trace and threshold, padded so lines do not sit on the frame.
pub fn y_bounds(traces: &[Trace], thresholds: &[(f64, Style)]) -> Option<(f64, f64)> {
    let values = traces
        .iter()
        .flat_map(|t| t.points.iter().map(|p| p.1))
        .chain(thresholds.iter().map(|t| t.0))
        .filter(|v| v.is_finite());
    let (lo, hi) = values.fold(None, |acc: Option<(f64, f64)>, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })?;
    let pad = ((hi - lo) * 0.05)
        .max(hi.abs().max(lo.abs()) * 0.01)
        .max(1e-6);
    // Counts and percentages never go below zero; an axis that does looks like a bug.
    let bottom = if lo >= 0.0 {
        (lo - pad).max(0.0)
    } else {
        lo - pad
    };
    Some((bottom, hi + pad))
}

/// Time labels for a window drawn `graph_w` cells wide: start, middle and end, with dates
/// from a day up; fewer or shorter labels when they would not fit side by side.
pub fn time_labels((x0, x1): (Epoch, Epoch), graph_w: u16) -> Vec<String> {
    let dated = x1 - x0 >= 86400;
    let label_w: u16 = if dated { 12 } else { 5 };
    let mid = x0 + (x1 - x0) / 2;
    let f = |ts| {
        if dated {
            text::day_hhmm(ts)
        } else {
            text::hhmm(ts)
        }
    };
    if graph_w >= 3 * (label_w + 1) {
        vec![f(x0), f(mid), f(x1)]
    } else if graph_w >= 2 * (label_w + 1) {
        vec![f(x0), f(x1)]
    } else if graph_w >= 12 {
        vec![text::hhmm(x0), text::hhmm(x1)]
    } else {
        Vec::new()
    }
}

impl Widget for MetricChart<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let border = if self.focused {
            theme.focus
        } else {
            theme.border
        };
        let mut title = self.title;
        for t in self.traces {
            if let Some(name) = &t.name {
                title.push_span(Span::styled(format!("● {name} "), t.style));
            }
        }
        let block = Block::bordered()
            .border_type(BorderType::Rounded)
            .border_style(border)
            .title(title);
        let Some((y0, y1)) = y_bounds(self.traces, self.thresholds) else {
            let inner = block.inner(area);
            block.render(area, buf);
            if inner.height > 0 {
                let msg = "no data";
                let y = inner.y + inner.height / 2;
                let x = inner.x + inner.width.saturating_sub(text::width(msg)) / 2;
                text::put(buf, inner, x, y, msg, inner.width, theme.muted);
            }
            return;
        };
        let (x0, x1) = self.window;
        let threshold_lines: Vec<[(f64, f64); 2]> = self
            .thresholds
            .iter()
            .map(|&(t, _)| [(x0 as f64, t), (x1 as f64, t)])
            .collect();
        let mut datasets: Vec<Dataset> = threshold_lines
            .iter()
            .zip(self.thresholds)
            .map(|(line, &(_, style))| {
                Dataset::default()
                    .marker(Marker::Braille)
                    .graph_type(GraphType::Line)
                    .style(style)
                    .data(line)
            })
            .collect();
        // Traces after thresholds so that the data is drawn on top.
        for t in self.traces {
            for (i, run) in t.runs().enumerate() {
                // A lone point between gaps has no line to draw: show it as a dot.
                let kind = if run.len() == 1 {
                    GraphType::Scatter
                } else {
                    GraphType::Line
                };
                let d = Dataset::default()
                    .marker(Marker::Braille)
                    .graph_type(kind)
                    .style(t.style)
                    .data(run);
                datasets.push(match (&t.name, i) {
                    (Some(name), 0) => d.name(name.clone()),
                    _ => d,
                });
            }
        }
        let y_labels = [format_value(y0 as f32), format_value(y1 as f32)];
        let y_label_w = y_labels.iter().map(|l| text::width(l)).max().unwrap_or(0);
        let graph_w = area.width.saturating_sub(2 + y_label_w + 1);
        let x_axis = Axis::default()
            .style(theme.muted)
            .bounds([x0 as f64, x1 as f64])
            // Right: the first label starts at the y axis instead of pushing it right.
            .labels_alignment(Alignment::Right)
            .labels(time_labels(self.window, graph_w).into_iter().map(Span::raw));
        let y_axis = Axis::default()
            .style(theme.muted)
            .bounds([y0, y1])
            .labels(y_labels.into_iter().map(Span::raw));
        Chart::new(datasets)
            .block(block)
            .x_axis(x_axis)
            .y_axis(y_axis)
            // Variant names go in the title: a legend box would cover the newest data.
            .legend_position(None)
            .render(area, buf);
        render_marks(self.marks, (x0, x1), area, buf, theme.warn);
    }
}

/// `▲` on the time axis at each mark. The axis is found where the chart drew its corner
/// (`└`), so the marks sit on the axis whatever width the y labels took.
fn render_marks(
    marks: &[Epoch],
    (x0, x1): (Epoch, Epoch),
    area: Rect,
    buf: &mut Buffer,
    style: Style,
) {
    if marks.is_empty() || x1 <= x0 {
        return;
    }
    let area = area.intersection(buf.area);
    let corner = (area.top()..area.bottom()).rev().find_map(|y| {
        (area.left()..area.right())
            .find(|&x| buf[(x, y)].symbol() == "└")
            .map(|x| (x, y))
    });
    let Some((cx, cy)) = corner else { return };
    let graph_x = cx + 1;
    let graph_w = area.right().saturating_sub(graph_x + 1);
    if graph_w == 0 {
        return;
    }
    for &t in marks.iter().filter(|&&t| t >= x0 && t <= x1) {
        let frac = (t - x0) as f64 / (x1 - x0) as f64;
        let x = graph_x + (frac * f64::from(graph_w - 1)).round() as u16;
        buf[(x, cy)].set_symbol("▲").set_style(style);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Modifier};

    #[test]
    fn downsampling_keeps_spikes() {
        let points = (0..1000).map(|i| (i as Epoch, if i == 517 { 99.0 } else { 1.0 }));
        let mut out = Vec::new();
        downsample(points, (0, 999), 10, &mut out);
        assert!(out.len() <= 20, "{} points", out.len());
        assert!(out.iter().any(|p| p.1 == 99.0), "the spike was lost");
        assert!(
            out.windows(2).all(|w| w[0].0 <= w[1].0),
            "out of time order"
        );
    }

    #[test]
    fn threshold_line_is_drawn_in_its_style() {
        let theme = Theme::default();
        let th = Style::default()
            .fg(Color::Magenta)
            .add_modifier(Modifier::BOLD);
        let traces = [Trace {
            name: None,
            points: (0..=60)
                .map(|i| (i as f64 * 60.0, 0.5 + 0.001 * i as f64))
                .collect(),
            style: Style::default().fg(Color::Cyan),
            max_gap: 0.0,
        }];
        let chart = MetricChart {
            title: Line::raw("accuracy"),
            traces: &traces,
            thresholds: &[(0.2, th)],
            window: (0, 3600),
            focused: true,
            theme: &theme,
            marks: &[],
        };
        let area = Rect::new(0, 0, 40, 12);
        let mut buf = Buffer::empty(area);
        chart.render(area, &mut buf);
        // A threshold is a horizontal run of braille in its own colour on one row.
        let longest_run = (0..area.height)
            .map(|y| {
                (0..area.width)
                    .filter(|&x| {
                        let c = &buf[(x, y)];
                        c.fg == Color::Magenta
                            && ('\u{2800}'..='\u{28ff}')
                                .contains(&c.symbol().chars().next().unwrap_or(' '))
                    })
                    .count()
            })
            .max()
            .unwrap_or(0);
        assert!(
            longest_run >= 25,
            "threshold line missing: longest run {longest_run}"
        );
        // The focused border uses the focus style.
        assert_eq!(buf[(0, 0)].fg, theme.focus.fg.unwrap_or_default());
    }

    #[test]
    fn marks_sit_on_the_time_axis_at_their_time() {
        let theme = Theme::default();
        let traces = [Trace {
            name: None,
            points: vec![(0.0, 1.0), (3600.0, 2.0)],
            style: Style::default(),
            max_gap: 0.0,
        }];
        let chart = MetricChart {
            title: Line::raw("accuracy"),
            traces: &traces,
            thresholds: &[],
            window: (0, 3600),
            focused: false,
            theme: &theme,
            // The start, the middle, the end, and one outside the window.
            marks: &[0, 1800, 3600, 7200],
        };
        let area = Rect::new(0, 0, 42, 10);
        let mut buf = Buffer::empty(area);
        chart.render(area, &mut buf);
        let axis = (0..area.height)
            .find(|&y| (0..area.width).any(|x| buf[(x, y)].symbol() == "└"))
            .expect("an axis");
        let marks: Vec<u16> = (0..area.width)
            .filter(|&x| buf[(x, axis)].symbol() == "▲")
            .collect();
        assert_eq!(marks.len(), 3, "{marks:?}");
        let corner = (0..area.width)
            .find(|&x| buf[(x, axis)].symbol() == "└")
            .unwrap();
        assert_eq!(
            marks[0],
            corner + 1,
            "the window's start is at the axis' start"
        );
        let mid = (marks[0] + marks[2]) / 2;
        assert!(marks[1].abs_diff(mid) <= 1, "{marks:?}");
    }

    #[test]
    fn empty_chart_says_so() {
        let theme = Theme::default();
        let chart = MetricChart {
            title: Line::raw("auc"),
            traces: &[],
            thresholds: &[],
            window: (0, 3600),
            focused: false,
            theme: &theme,
            marks: &[],
        };
        let area = Rect::new(0, 0, 20, 5);
        let mut buf = Buffer::empty(area);
        chart.render(area, &mut buf);
        let row: String = (0..20).map(|x| buf[(x, 2)].symbol().to_string()).collect();
        assert!(row.contains("no data"), "{row}");
    }

    #[test]
    fn missing_data_breaks_the_line() {
        let mut points: Vec<(f64, f64)> = (0..10).map(|i| (i as f64 * 60.0, 1.0)).collect();
        points.extend((30..40).map(|i| (i as f64 * 60.0, 1.0)));
        points.push((50.0 * 60.0, 1.0));
        let t = Trace {
            points,
            max_gap: 150.0,
            ..Trace::default()
        };
        let runs: Vec<usize> = t.runs().map(<[_]>::len).collect();
        assert_eq!(runs, [10, 10, 1]);
        let joined = Trace { max_gap: 0.0, ..t };
        assert_eq!(joined.runs().count(), 1);
    }
}
