//! Cut rules: how a cell wider than its column loses text, by display width, marked `…`.

use unicode_width::UnicodeWidthChar;

/// Where a cell too wide for its column loses text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Cut {
    /// Keep the start: `reason of the fai…`. Prose and labels.
    #[default]
    End,
    /// Keep the start and the end: `prod-fraud…accuracy`. Names, whose tails (the metric,
    /// the run's hash) are often what tells two rows apart.
    Middle,
    /// Keep the end: `…/model-quality`. Paths and ARNs.
    KeepSuffix,
}

/// A cell's text as it fits its column: `head`, then `…` if text was cut, then `tail`.
/// Borrowed from the cell's text, so fitting a cell allocates nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fit<'a> {
    pub head: &'a str,
    pub cut: bool,
    pub tail: &'a str,
}

impl Fit<'_> {
    /// Display width of what is drawn.
    pub fn width(&self) -> u16 {
        cells(self.head) + u16::from(self.cut) + cells(self.tail)
    }
}

impl std::fmt::Display for Fit<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mark = if self.cut { "…" } else { "" };
        write!(f, "{}{mark}{}", self.head, self.tail)
    }
}

/// Width of one character as `text::put` draws it: control characters are dropped.
fn char_cells(c: char) -> u16 {
    if c.is_control() {
        0
    } else {
        c.width().map_or(0, |w| w as u16)
    }
}

fn cells(s: &str) -> u16 {
    s.chars()
        .fold(0u16, |sum, c| sum.saturating_add(char_cells(c)))
}

/// The longest start of `s` at most `max` cells wide (a wide character never half drawn).
fn prefix(s: &str, max: u16) -> &str {
    let mut used = 0u16;
    for (i, c) in s.char_indices() {
        used = used.saturating_add(char_cells(c));
        if used > max {
            return &s[..i];
        }
    }
    s
}

/// The longest end of `s` at most `max` cells wide.
fn suffix(s: &str, max: u16) -> &str {
    let mut used = 0u16;
    for (i, c) in s.char_indices().rev() {
        used = used.saturating_add(char_cells(c));
        if used > max {
            return &s[i + c.len_utf8()..];
        }
    }
    s
}

/// `s` fitted to `width` cells by `rule`: whole when it fits, else with `…` where it was cut.
pub fn fit(s: &str, width: u16, rule: Cut) -> Fit<'_> {
    let whole = Fit {
        head: s,
        cut: false,
        tail: "",
    };
    if cells(s) <= width {
        return whole;
    }
    if width == 0 {
        return Fit { head: "", ..whole };
    }
    let room = width - 1;
    let (head, tail) = match rule {
        Cut::End => (prefix(s, room), ""),
        Cut::KeepSuffix => ("", suffix(s, room)),
        // The tail gets the larger half: suffixes (`-accuracy`, `-52d0b375`) tell names
        // that share a prefix apart.
        Cut::Middle => return fit_middle(s, width, room / 2),
    };
    Fit {
        head,
        cut: true,
        tail,
    }
}

/// `s` fitted to `width` cells by a middle cut that keeps at most `head` cells of its start;
/// the end gets the rest.
pub fn fit_middle(s: &str, width: u16, head: u16) -> Fit<'_> {
    if cells(s) <= width {
        return Fit {
            head: s,
            cut: false,
            tail: "",
        };
    }
    let room = width.saturating_sub(1);
    let head = prefix(s, head.min(room));
    Fit {
        head,
        cut: width > 0,
        tail: suffix(s, room - cells(head)),
    }
}

/// How many cells of their start `names` keep, cut in the middle to `width`, so that as many
/// of them as possible read apart: the even split when it does, else the split nearest to it
/// that does, a longer tail first (`mod…1400-5f1e2d3c` against `mod…1300-5f1e2d3c`).
pub fn head_telling_apart(names: &[&str], width: u16) -> u16 {
    let room = width.saturating_sub(1);
    let even = room / 2;
    let mut fits = Vec::with_capacity(names.len());
    let mut distinct = |head: u16| {
        fits.clear();
        fits.extend(names.iter().map(|s| fit_middle(s, width, head)));
        (0..fits.len())
            .filter(|&i| !fits[..i].contains(&fits[i]))
            .count()
    };
    let whole = (0..names.len())
        .filter(|&i| !names[..i].contains(&names[i]))
        .count();
    let mut best = (even, distinct(even));
    if best.1 == whole {
        return even;
    }
    // Nearest the even split first, a longer tail before a longer head.
    let nearest = (1..=room).flat_map(|d| [even.checked_sub(d), Some(even + d)]);
    for head in nearest.flatten().filter(|&h| h <= room) {
        let n = distinct(head);
        if n == whole {
            return head;
        }
        if n > best.1 {
            best = (head, n);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(s: &str, w: u16, rule: Cut) -> String {
        let f = fit(s, w, rule);
        assert!(f.width() <= w, "{s:?} at {w}: {f} is {} wide", f.width());
        f.to_string()
    }

    #[test]
    fn text_that_fits_is_whole() {
        for rule in [Cut::End, Cut::Middle, Cut::KeepSuffix] {
            assert_eq!(cut("churn", 5, rule), "churn");
            assert_eq!(cut("", 0, rule), "");
        }
    }

    #[test]
    fn each_rule_keeps_its_part() {
        let name = "prod-fraud-detector-accuracy";
        assert_eq!(cut(name, 12, Cut::End), "prod-fraud-…");
        assert_eq!(cut(name, 12, Cut::KeepSuffix), "…or-accuracy");
        assert_eq!(cut(name, 19, Cut::Middle), "prod-frau…-accuracy");
        assert_eq!(
            cut("model-monitoring-202611261000-52d0b375", 16, Cut::Middle),
            "model-m…52d0b375"
        );
    }

    #[test]
    fn names_sharing_a_prefix_stay_apart_when_cut_in_the_middle() {
        let a = cut("prod-fraud-detector-accuracy", 14, Cut::Middle);
        let b = cut("prod-fraud-detector-auc", 14, Cut::Middle);
        assert_ne!(a, b);
    }

    #[test]
    fn a_split_is_found_that_tells_names_apart() {
        let runs = [
            "model-monitoring-202611261400-5f1e2d3c",
            "model-monitoring-202611261300-5f1e2d3c",
            "model-monitoring-202611261300-77aa01bc",
        ];
        let head = head_telling_apart(&runs, 19);
        let shown: Vec<String> = runs
            .iter()
            .map(|s| fit_middle(s, 19, head).to_string())
            .collect();
        assert_eq!(
            shown,
            [
                "model-…400-5f1e2d3c",
                "model-…300-5f1e2d3c",
                "model-…300-77aa01bc"
            ]
        );
        // Names an even cut already tells apart keep it.
        let alarms = ["prod-fraud-detector-accuracy", "prod-fraud-detector-auc"];
        assert_eq!(head_telling_apart(&alarms, 14), 6);
        // Equal names cannot be told apart, and do not make the others lose theirs.
        let same = [
            "churn-predictor",
            "churn-predictor",
            "fraud-detector-canary",
        ];
        assert_eq!(head_telling_apart(&same, 9), 4);
        assert_eq!(head_telling_apart(&[], 9), 4);
    }

    #[test]
    fn zero_and_one_cell() {
        assert_eq!(fit_middle("abc", 0, 3).to_string(), "");
        assert_eq!(fit_middle("abc", 1, 3).to_string(), "…");
        for rule in [Cut::End, Cut::Middle, Cut::KeepSuffix] {
            assert_eq!(cut("abc", 0, rule), "");
            assert_eq!(cut("abc", 1, rule), "…");
            assert_eq!(cut("a", 1, rule), "a");
            assert_eq!(cut("ab", 2, rule), "ab");
        }
    }

    #[test]
    fn wide_characters_are_never_split() {
        // Each of these is two cells wide.
        let s = "日本語テキスト";
        assert_eq!(cut(s, 6, Cut::End), "日本…");
        assert_eq!(cut(s, 5, Cut::End), "日本…");
        assert_eq!(cut(s, 6, Cut::KeepSuffix), "…スト");
        assert_eq!(cut(s, 7, Cut::Middle), "日…スト");
        assert_eq!(cut(s, 2, Cut::End), "…");
        assert_eq!(cut("a日", 2, Cut::KeepSuffix), "…");
        assert_eq!(fit(s, 14, Cut::End).width(), 14);
    }

    #[test]
    fn control_characters_take_no_room() {
        assert!(!fit("ab\x1bc", 3, Cut::End).cut);
        assert_eq!(fit("\x1b[2Jabcdef", 4, Cut::End).width(), 4);
    }
}
