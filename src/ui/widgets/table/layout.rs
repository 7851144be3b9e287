//! Column widths for the width a table gets: which columns are shown, and how wide.

use super::Column;

/// A blank cell before the first column: where a row's mark (`*`) goes.
pub const LEAD: u16 = 1;
/// Blank cells between two shown columns, unless a column asks for more.
pub const GAP: u16 = 1;

/// The width of each column in `width` cells, 0 for a column that is dropped.
///
/// Columns are taken in priority order (ties left to right) at their minimum width while
/// they fit; priority 0 is always taken, and when those alone overflow the widest give way.
/// What is left then widens the columns towards their maximum, a `widen` tier at a time
/// and in equal shares within a tier, so a table's names complete before its sparklines widen.
/// The last shown `fill` column takes what is left after that. A column whose maximum is 0
/// is never shown.
pub fn widths(columns: &[Column<'_>], width: u16) -> Vec<u16> {
    let mut out = vec![0; columns.len()];
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by_key(|&i| columns[i].priority);
    let mut used = LEAD;
    for &i in &order {
        let c = &columns[i];
        if c.max == 0 {
            continue;
        }
        let gap = if used > LEAD { c.gap } else { 0 };
        let need = c.min.max(1).saturating_add(gap);
        if c.priority == 0 || used.saturating_add(need) <= width {
            out[i] = c.min.max(1);
            used = used.saturating_add(need);
        }
    }
    if used > width {
        shrink(&mut out, used - width);
    } else {
        order.sort_by_key(|&i| columns[i].widen);
        grow(columns, &order, &mut out, width - used);
    }
    out
}

/// Takes `over` cells from the widest columns, down to one cell each.
fn shrink(out: &mut [u16], mut over: u16) {
    while over > 0 {
        let Some(widest) = out.iter_mut().max_by_key(|w| **w).filter(|w| **w > 1) else {
            return;
        };
        *widest -= 1;
        over -= 1;
    }
}

/// Spreads `room` over the shown columns below their maximum, tier by tier.
fn grow(columns: &[Column<'_>], order: &[usize], out: &mut [u16], mut room: u16) {
    let fill = (0..columns.len()).rfind(|&i| columns[i].fill && out[i] > 0);
    let mut tiers = order.chunk_by(|&a, &b| columns[a].widen == columns[b].widen);
    while room > 0
        && let Some(tier) = tiers.next()
    {
        loop {
            let open = tier
                .iter()
                .filter(|&&i| out[i] > 0 && out[i] < columns[i].max)
                .count();
            if open == 0 || room == 0 {
                break;
            }
            // Equal shares keep a tier's columns (sparklines) the same width; what does
            // not divide evenly passes to the next tier.
            let per = room / open as u16;
            if per == 0 {
                break;
            }
            for &i in tier {
                if out[i] > 0 && out[i] < columns[i].max {
                    let add = per.min(columns[i].max - out[i]).min(room);
                    out[i] += add;
                    room -= add;
                }
            }
        }
    }
    if let Some(i) = fill {
        out[i] = out[i].saturating_add(room);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(min: u16, max: u16, priority: u8) -> Column<'static> {
        Column::new("").width(min, max).priority(priority)
    }

    /// Total cells a layout takes, with the lead and the gaps.
    fn total(w: &[u16]) -> u16 {
        let shown = w.iter().filter(|&&w| w > 0).count() as u16;
        LEAD + w.iter().sum::<u16>() + shown.saturating_sub(1) * GAP
    }

    #[test]
    fn low_priority_columns_drop_first() {
        let cols = [col(6, 6, 0), col(10, 30, 0), col(8, 8, 2), col(5, 5, 1)];
        // Everything at its minimum: 1 + 6 + 1 + 10 + 1 + 8 + 1 + 5.
        assert_eq!(widths(&cols, 33), [6, 10, 8, 5]);
        assert_eq!(widths(&cols, 32), [6, 18, 0, 5]);
        assert_eq!(widths(&cols, 24), [6, 10, 0, 5]);
        assert_eq!(widths(&cols, 23), [6, 15, 0, 0]);
    }

    #[test]
    fn ties_drop_from_the_right() {
        let cols = [col(4, 4, 0), col(5, 5, 1), col(5, 5, 1), col(5, 5, 1)];
        assert_eq!(widths(&cols, 1 + 4 + 6 + 6), [4, 5, 5, 0]);
    }

    #[test]
    fn slack_goes_tier_by_tier_and_evenly_within_one() {
        let cols = [
            col(10, 20, 0),
            col(5, 9, 1),
            col(5, 9, 1),
            col(4, u16::MAX, 2),
        ];
        // Minimums take 1 + 10 + 1 + 5 + 1 + 5 + 1 + 4 = 28.
        assert_eq!(widths(&cols, 28 + 10), [20, 5, 5, 4]);
        assert_eq!(widths(&cols, 28 + 16), [20, 8, 8, 4]);
        // Past every maximum, the unbounded column takes the rest.
        assert_eq!(widths(&cols, 28 + 30), [20, 9, 9, 16]);
        for w in 0..80 {
            let got = widths(&cols, w);
            assert!(total(&got) <= w.max(total(&[1])), "{w}: {got:?}");
        }
    }

    #[test]
    fn the_fill_column_takes_the_slack() {
        let cols = [col(4, 4, 0), col(6, 10, 0).fill(), col(5, 5, 1)];
        assert_eq!(widths(&cols, 1 + 4 + 1 + 10 + 1 + 5 + 7), [4, 17, 5]);
        // A dropped fill column takes nothing; the last one shown takes it all.
        let cols = [col(4, 4, 0).fill(), col(6, 6, 1).fill()];
        assert_eq!(widths(&cols, 8), [7, 0]);
        assert_eq!(widths(&cols, 14), [4, 8]);
    }

    #[test]
    fn a_column_may_widen_after_one_that_drops_before_it() {
        let cols = [col(4, 4, 0), col(5, 9, 1).widen(3), col(5, 9, 2)];
        assert_eq!(widths(&cols, 1 + 4 + 1 + 5 + 1 + 5 + 4), [4, 5, 9]);
        assert_eq!(widths(&cols, 1 + 4 + 1 + 5 + 1 + 5 + 6), [4, 7, 9]);
        assert_eq!(widths(&cols, 1 + 4 + 1 + 5 + 5), [4, 9, 0]);
    }

    #[test]
    fn a_column_may_ask_for_a_wider_gap() {
        let cols = [col(4, 4, 0), col(3, 3, 1).gap(2)];
        assert_eq!(widths(&cols, 1 + 4 + 2 + 3), [4, 3]);
        assert_eq!(widths(&cols, 1 + 4 + 1 + 3), [4, 0]);
    }

    #[test]
    fn a_column_of_no_width_is_hidden() {
        let cols = [col(4, 4, 0), col(0, 0, 0), col(5, 5, 0)];
        assert_eq!(widths(&cols, 20), [4, 0, 5]);
    }

    #[test]
    fn essentials_give_way_when_even_they_do_not_fit() {
        let cols = [col(6, 6, 0), col(12, 40, 0)];
        assert_eq!(widths(&cols, 12), [5, 5]);
        assert_eq!(widths(&cols, 1), [1, 1]);
        assert_eq!(widths(&cols, 0), [1, 1]);
        assert_eq!(widths(&[], 10), Vec::<u16>::new());
    }
}
