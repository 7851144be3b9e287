//! Owns the terminal: raw mode, the alternate screen and bracketed paste on the way in, and
//! their restoration on every way out (normal exit, error, panic, SIGTERM via the loop).

use crate::quiet_backend::QuietBackend;
use crossterm::cursor::Show;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{self, Stdout};

pub type Term = Terminal<QuietBackend<CrosstermBackend<Stdout>>>;

/// Restores the terminal when dropped, so an early `?` return cannot leave it raw.
pub struct TerminalGuard {
    pub terminal: Term,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<Self> {
        install_panic_hook();
        // The terminal is built before the terminal is changed, so that every failure after
        // the change happens with a guard alive to undo it.
        let terminal = Terminal::new(QuietBackend::new(CrosstermBackend::new(io::stdout())))?;
        enable_raw_mode()?;
        let mut guard = Self { terminal };
        // Bracketed paste: a paste arrives as one text (`Event::Paste`), never as keys that
        // bindings or a confirmation could take.
        execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste)?;
        guard.terminal.hide_cursor()?;
        guard.terminal.clear()?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Best effort: each step runs even if an earlier one failed.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        Show
    );
}

/// A panic on the UI thread ends the console: restore the terminal, then report it as
/// usual. A panic on a worker thread is caught there and becomes an error result (see
/// `worker::execute_guarded`): the console goes on, so it must not restore the terminal
/// under the running UI, nor print over it; it goes to the log.
fn install_panic_hook() {
    let ui_thread = std::thread::current().id();
    let original = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == ui_thread {
            restore();
            original(info);
        } else {
            tracing::error!("panic in a worker: {info}");
        }
    }));
}
