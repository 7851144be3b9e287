//! Cursor arithmetic shared by every scrolling list: clamped steps and a window that keeps
//! the selection in view.

/// Moves a cursor by `delta` within `len` rows, clamping at both ends.
pub fn step(cursor: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    cursor.saturating_add_signed(delta).min(len - 1)
}

/// Moves `offset` (the first row drawn) so that `selected` is one of the `page` rows drawn.
pub fn keep_visible(selected: usize, offset: &mut usize, page: usize) {
    if selected < *offset {
        *offset = selected;
    } else if selected >= *offset + page {
        *offset = selected + 1 - page;
    }
}

/// What the movement actions mean for a list, as a signed number of rows.
pub fn delta(action: &crate::app::action::Action, page: usize) -> Option<isize> {
    use crate::app::action::Action;
    let page = page.max(1) as isize;
    Some(match action {
        Action::MoveUp => -1,
        Action::MoveDown => 1,
        Action::PageUp => -page,
        Action::PageDown => page,
        Action::MoveTop => isize::MIN / 2,
        Action::MoveBottom => isize::MAX / 2,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_clamp_and_the_window_follows() {
        assert_eq!(step(0, -1, 5), 0);
        assert_eq!(step(3, 10, 5), 4);
        assert_eq!(step(3, 1, 0), 0);
        let mut offset = 0;
        keep_visible(7, &mut offset, 3);
        assert_eq!(offset, 5);
        keep_visible(2, &mut offset, 3);
        assert_eq!(offset, 2);
    }
}
