//! Log error spikes: per-minute error counts (an Insights `stats count(*) by bin(1m)` over
//! the endpoint's ERROR/Exception lines) reduced to "errors rose from N/min to M/min at
//! 16:57", and the minute they fell back when they did.
//!
//! The rule: a minute's level before is the median of the `BASELINE_MINUTES` before it
//! (Insights leaves out minutes without errors: they count as 0). A spike starts at a
//! minute with at least `RISE_FACTOR` times that level and at least `MIN_RISE` more; its
//! line says the level before and the spike's peak. It ends at the first of
//! `QUIET_MINUTES` minutes in a row back under that bar. A minute is judged only once
//! `MIN_HISTORY` minutes of the window are behind it: before that its level is unknown.

use super::entry::{Entry, Kind, Role, Target};
use crate::source::model::Epoch;

/// Ten minutes: long enough that one busy minute does not move the level, short enough
/// that a slow climb becomes the level rather than a spike.
pub const BASELINE_MINUTES: usize = 10;
/// Errors that triple are a spike; doubling happens with traffic alone.
pub const RISE_FACTOR: u64 = 3;
/// From 0 to 2 a minute triples nothing an on-call engineer should read about.
pub const MIN_RISE: u64 = 5;
/// A spike that dips for a minute or two is still one spike.
pub const QUIET_MINUTES: usize = 3;
/// Minutes of the window a minute needs behind it to be judged: errors already high when
/// the window opens are the level, not a spike.
pub const MIN_HISTORY: usize = 5;
/// The longest window judged minute by minute (31 days): the counts are held densely.
const MAX_MINUTES: i64 = 31 * 24 * 60;

/// The spikes in `counts` (`(minute, errors)`, any order, repeated minutes summed) within
/// `window` (`[from, to)`).
pub fn entries(counts: &[(Epoch, u64)], window: (Epoch, Epoch)) -> Vec<Entry> {
    let start = minute(window.0);
    let minutes = ((window.1 - start + 59) / 60).clamp(0, MAX_MINUTES) as usize;
    let mut per_minute = vec![0u64; minutes];
    for &(t, n) in counts {
        let i = (minute(t) - start) / 60;
        if let Some(slot) = usize::try_from(i).ok().and_then(|i| per_minute.get_mut(i)) {
            *slot = slot.saturating_add(n);
        }
    }
    spikes(&per_minute)
        .into_iter()
        .flat_map(|s| lines(s, start))
        .collect()
}

fn minute(t: Epoch) -> Epoch {
    t - t.rem_euclid(60)
}

/// A spike over minutes `start..end` (`end` None: still on at the window's end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Spike {
    start: usize,
    level: u64,
    peak: u64,
    end: Option<(usize, u64)>,
}

fn spikes(c: &[u64]) -> Vec<Spike> {
    let mut found = Vec::new();
    let mut m = MIN_HISTORY;
    while m < c.len() {
        let level = level_before(c, m);
        if !is_high(c[m], level) {
            m += 1;
            continue;
        }
        let mut spike = Spike {
            start: m,
            level,
            peak: c[m],
            end: None,
        };
        let mut quiet = 0;
        m += 1;
        while m < c.len() {
            if is_high(c[m], level) {
                quiet = 0;
                spike.peak = spike.peak.max(c[m]);
            } else {
                quiet += 1;
                if quiet == QUIET_MINUTES {
                    let first_quiet = m + 1 - QUIET_MINUTES;
                    spike.end = Some((first_quiet, c[first_quiet]));
                    m += 1;
                    break;
                }
            }
            m += 1;
        }
        found.push(spike);
    }
    found
}

fn is_high(count: u64, level: u64) -> bool {
    count >= level.saturating_mul(RISE_FACTOR) && count >= level.saturating_add(MIN_RISE)
}

/// The median of the up to `BASELINE_MINUTES` minutes before `m`.
fn level_before(c: &[u64], m: usize) -> u64 {
    let mut before = c[m.saturating_sub(BASELINE_MINUTES)..m].to_vec();
    before.sort_unstable();
    before.get(before.len() / 2).copied().unwrap_or(0)
}

fn lines(s: Spike, start: Epoch) -> Vec<Entry> {
    let at = |m: usize| start + 60 * m as Epoch;
    let began = at(s.start);
    let text = format!(
        "errors rose from {}/min to {}/min at {}",
        s.level,
        s.peak,
        crate::ui::text::hhmm(began)
    );
    let mut out = vec![
        Entry::new(
            began,
            Kind::Logs,
            Role::Symptom,
            &text,
            Target::Logs { minute: began },
        )
        .with_value(Some(s.peak as f64)),
    ];
    if let Some((end, count)) = s.end {
        let ended = at(end);
        let text = format!("errors fell back to {count}/min (peak {}/min)", s.peak);
        out.push(
            Entry::new(
                ended,
                Kind::Logs,
                Role::Recovery,
                &text,
                Target::Logs { minute: ended },
            )
            .with_value(Some(count as f64)),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 16:40 UTC on 29 Nov 2026.
    const T0: Epoch = 1_795_970_400;

    fn minutes(values: &[u64]) -> (Vec<(Epoch, u64)>, (Epoch, Epoch)) {
        let counts = values
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n > 0) // as Insights answers: no row for a quiet minute
            .map(|(i, &n)| (T0 + 60 * i as Epoch, n))
            .collect();
        (counts, (T0, T0 + 60 * values.len() as Epoch))
    }

    fn run(values: &[u64]) -> Vec<Entry> {
        let (counts, window) = minutes(values);
        entries(&counts, window)
    }

    #[test]
    fn a_spike_says_its_level_before_its_peak_and_when_it_ended() {
        let mut v = vec![1, 2, 1, 1, 2, 1, 2, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1];
        v.extend([30, 42, 3, 38, 40, 2, 1, 1, 1, 1]);
        let lines = run(&v);
        let said: Vec<(&str, Epoch)> = lines.iter().map(|e| (e.text.as_str(), e.at)).collect();
        assert_eq!(
            said,
            [
                ("errors rose from 1/min to 42/min at 16:57", T0 + 17 * 60),
                ("errors fell back to 2/min (peak 42/min)", T0 + 22 * 60),
            ],
            "a dip of one minute is the same spike"
        );
        assert_eq!(
            lines[0].target,
            Target::Logs {
                minute: T0 + 17 * 60
            }
        );
        assert_eq!(lines[0].value, Some(42.0));
        assert_eq!(
            (lines[0].role, lines[1].role),
            (Role::Symptom, Role::Recovery)
        );
    }

    #[test]
    fn the_rise_is_judged_at_its_edges() {
        // From a level of 0: 5 more is a spike, 4 is not.
        let at = |n: u64| run(&[[0; 10].as_slice(), &[n; 3]].concat()).len();
        assert_eq!(at(5), 1);
        assert_eq!(at(4), 0);
        // From a level of 10: three times is a spike (30), just under is not (29).
        let at = |n: u64| run(&[[10; 10].as_slice(), &[n; 3]].concat()).len();
        assert_eq!(at(30), 1);
        assert_eq!(at(29), 0);
    }

    #[test]
    fn a_spike_still_on_has_no_end_and_a_steady_rate_is_no_spike() {
        let lines = run(&[[0; 10].as_slice(), &[50; 5]].concat());
        assert_eq!(lines.len(), 1);
        assert!(
            run(&[40; 60]).is_empty(),
            "errors at a steady rate are the level"
        );
        // Errors already high when the window opens: the level is unknown, not 0.
        assert!(run(&[[50; 3].as_slice(), &[50; 10]].concat()).is_empty());
    }

    #[test]
    fn zeros_nothing_unsorted_repeated_and_outside_minutes_are_handled() {
        let window = (T0, T0 + 3600);
        assert!(entries(&[], window).is_empty());
        assert!(
            entries(&[(T0 + 600, 0)], window).is_empty(),
            "a count of zero"
        );
        assert!(entries(&[(T0, 99)], (T0, T0)).is_empty(), "an empty window");
        assert!(
            entries(&[(T0, 99)], (T0, T0 - 600)).is_empty(),
            "a window backwards"
        );
        // Unsorted, seconds inside the minute, one minute in two rows: 3 + 4 = 7 at 16:52.
        let counts = [
            (T0 + 12 * 60 + 30, 3),
            (T0 - 600, 500),
            (T0 + 12 * 60 + 5, 4),
            (T0 + 7200, 500),
        ];
        let lines = entries(&counts, window);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(lines[0].at, T0 + 12 * 60);
        assert_eq!(lines[0].text, "errors rose from 0/min to 7/min at 16:52");
        assert!(entries(&[(T0 + 600, u64::MAX), (T0 + 600, u64::MAX)], window).len() == 2);
    }
}
