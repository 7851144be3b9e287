//! sagewatch's entry point: parse the CLI, load the configuration, run the console or a
//! one-shot snapshot. Anything that can fail before the terminal is touched fails here, with
//! exit code 2 and a message that says what to fix.

use clap::Parser;
use sagewatch::app::run::run;
use sagewatch::app::state::State;
use sagewatch::cli::{Cli, Commands, GlobalArgs};
use sagewatch::clock::{FixedClock, OffsetClock, SharedClock, SystemClock};
use sagewatch::config::{self, Env, Overrides, Settings};
use sagewatch::source::aws::{self, ConnectOptions};
use sagewatch::source::demo::{DemoConfig, DemoSource};
use sagewatch::source::{FleetSource, SourceKind};
use sagewatch::writes::Gate;
use sagewatch::writes::audit::AuditLog;
use sagewatch::{snapshot, tui, ui};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

/// Exit code for "you asked for something that cannot work": bad config, no terminal, ...
const USAGE: u8 = 2;

/// glibc's malloc, tuned for a console that holds a fleet: series answers are made on the
/// runtime's threads and taken in (and freed) on the UI thread, and an arena per thread keeps
/// what each freed as its own; memory freed at the top of the heap past 1 MiB goes back to
/// the system at once, not past a threshold that grows with every large free. Measured at
/// 10,000 endpoints after 35 s: RSS 212 -> 152 MB. Three threads contend little for one lock.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_malloc() {
    // SAFETY: mallopt only sets malloc's parameters; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_malloc() {}

fn main() -> ExitCode {
    tune_malloc();
    sagewatch::clock::mark_process_start();
    let cli = Cli::parse();
    if let Some(what) = cli.generate {
        // Before the configuration: packaging runs it on a machine without one.
        return match std::io::Write::write_all(
            &mut std::io::stdout(),
            &sagewatch::manual::generate(what),
        ) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&format!("cannot print: {e}")),
        };
    }
    let settings = match config::load(
        &Overrides {
            config_path: cli.global.config.as_deref(),
            theme: cli.global.theme.as_deref(),
            keymap: cli.global.keymap.as_deref(),
        },
        &Env::from_process(),
    ) {
        Ok(s) => s,
        Err(e) => return fail(&e.to_string()),
    };
    if let Some(path) = &cli.global.log_file
        && let Err(e) = sagewatch::logging::init(path)
    {
        return fail(&format!(
            "cannot write the log file {}: {e}",
            path.display()
        ));
    }
    tracing::info!(
        since_exec_us = sagewatch::clock::micros_since_start(),
        "configuration loaded"
    );
    let runtime = match runtime_for(cli.command.is_some()) {
        Ok(r) => r,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}")),
    };
    let readonly = cli.global.readonly || settings.config.readonly;
    let (clock, source) = if cli.global.demo {
        demo_source(&cli.global, readonly)
    } else {
        // Credentials, identity and account roles are settled before the terminal is
        // touched: a console that cannot reach AWS says so on a normal screen.
        let options = ConnectOptions {
            profile: cli.global.profile.clone(),
            regions: cli.global.region.clone(),
            config: settings.config.clone(),
            readonly: cli.global.readonly || settings.config.readonly,
            trail: settings.config.trail.clone(),
        };
        match runtime.block_on(aws::connect(options)) {
            Ok(source) => {
                let clock: SharedClock = Arc::new(SystemClock);
                (clock, Arc::new(source) as Arc<dyn FleetSource>)
            }
            Err(e) => return fail(&e.to_string()),
        }
    };
    tracing::info!(
        since_exec_us = sagewatch::clock::micros_since_start(),
        source = source.kind().as_str(),
        "source ready"
    );
    let trail = trail_settings(source.kind(), &settings.config);
    let logs_available = source.logs().is_some();
    let mut state = initial_state(
        &cli.global,
        settings,
        source.kind(),
        logs_available,
        clock.now(),
    );
    state.reads_accounts_apart = source.reads_accounts_apart();
    state.ranks_available = source.ranks();
    state.views.studio.available = source.studio().is_some();
    state.placement = source.placement();
    // Every write passes here: read-only, and the audit log (intent before, outcome after).
    let caller = match runtime.block_on(source.identity()) {
        Ok(identity) => identity,
        Err(e) => return fail(&e.to_string()),
    };
    let gate = Arc::new(Gate::new(readonly, AuditLog::from_env(), caller));

    match cli.command {
        Some(Commands::Snapshot { json }) => runtime.block_on(print_snapshot(source, state, json)),
        Some(Commands::Studio { json }) => {
            let exit = runtime.block_on(sagewatch::shell::run_studio(source.as_ref(), state, json));
            if let Some(message) = &exit.message {
                eprint_clean(message);
            }
            ExitCode::from(exit.code)
        }
        Some(Commands::Jobs(args)) => {
            let ask = sagewatch::shell::jobs::Ask {
                account: args.account.as_deref(),
                since: args.since,
            };
            let exit = runtime.block_on(sagewatch::shell::run_jobs(
                source.as_ref(),
                state,
                ask,
                args.json,
            ));
            if let Some(message) = &exit.message {
                eprint_clean(message);
            }
            ExitCode::from(exit.code)
        }
        Some(Commands::Alarm(command)) => {
            let exit = runtime.block_on(sagewatch::shell::run(
                source.as_ref(),
                &gate,
                command,
                clock.now(),
            ));
            if let Some(message) = &exit.message {
                eprint_clean(message);
            }
            ExitCode::from(exit.code)
        }
        Some(Commands::Monitor(command)) => {
            let exit = runtime.block_on(sagewatch::shell::run_monitor(
                source.as_ref(),
                &gate,
                command,
            ));
            if let Some(message) = &exit.message {
                eprint_clean(message);
            }
            ExitCode::from(exit.code)
        }
        Some(Commands::Trail(args)) => {
            // Without [trail] (AWS), the source has no trail and the shell says what to set.
            let trail_settings = trail.clone().unwrap_or_default();
            let exit = runtime.block_on(sagewatch::shell::run_trail(
                source.as_ref(),
                &trail_settings,
                args,
                clock.now(),
                interrupt(),
            ));
            if let Some(message) = &exit.message {
                eprint_clean(message);
            }
            ExitCode::from(exit.code)
        }
        Some(Commands::Incident(args)) => {
            let setting = sagewatch::shell::incident::Setting {
                trail: trail.as_ref().ok(),
                audit: gate.audit_path(),
                now: clock.now(),
            };
            let exit = runtime.block_on(sagewatch::shell::run_incident(
                source.as_ref(),
                setting,
                args,
                &mut std::io::stdout(),
                &mut std::io::stderr(),
                interrupt(),
            ));
            if let Some(message) = &exit.message {
                eprint_clean(message);
            }
            ExitCode::from(exit.code)
        }
        Some(Commands::Logs(args)) => {
            let now_ms = {
                let clock = Arc::clone(&clock);
                move || clock.now().saturating_mul(1000)
            };
            let exit = runtime.block_on(sagewatch::shell::run_logs(
                source.as_ref(),
                args,
                &now_ms,
                interrupt(),
            ));
            if let Some(message) = &exit.message {
                eprint_clean(message);
            }
            ExitCode::from(exit.code)
        }
        None => {
            if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
                return fail(
                    "the console needs a terminal; for scripts use `sagewatch snapshot [--json]`",
                );
            }
            let result = runtime.block_on(async {
                let mut guard = tui::TerminalGuard::enter()?;
                run(&mut guard.terminal, state, source, gate, clock, ui::draw).await
            });
            // The guard has restored the terminal by now: errors print on the normal screen.
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprint_clean(&format!("{e:#}"));
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// The console keeps its UI thread free of network work, so its calls run on two worker
/// threads. A shell command has no UI thread to keep free: its one thread waits on the
/// network and parses the answers, with no wake-up across threads for each of them, and no
/// worker stacks. Measured on `snapshot --json` (the demo's work is on the calling thread
/// either way, so its time is unchanged): peak RSS 15.2 -> 14.7 MB at 500 endpoints.
fn runtime_for(shell: bool) -> std::io::Result<tokio::runtime::Runtime> {
    let mut builder = if shell {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(2);
        b
    };
    builder.enable_all().build()
}

/// Resolves on Ctrl-C, and at the end of the session (SIGHUP from a dropped SSH connection,
/// SIGTERM from `timeout` or a scheduler): a running query is stopped, none is left
/// scanning. A signal whose handler cannot be installed never fires (no spurious stop).
async fn interrupt() {
    use tokio::signal::unix::{SignalKind, signal};
    let wait = |kind: SignalKind| async move {
        match signal(kind) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = wait(SignalKind::interrupt()) => {}
        _ = wait(SignalKind::terminate()) => {}
        _ = wait(SignalKind::hangup()) => {}
    }
}

fn fail(message: &str) -> ExitCode {
    eprint_clean(message);
    ExitCode::from(USAGE)
}

/// Prints an error before (or after) the terminal is ours. Messages quote STS, a
/// `credential_process`'s stderr, AWS and config files: as hostile as anything drawn, so no
/// control character reaches the user's terminal from here either.
fn eprint_clean(message: &str) {
    let clean: Vec<_> = message
        .lines()
        .map(|l| sagewatch::sanitize::clean(l).into_owned())
        .collect();
    eprintln!("sagewatch: {}", clean.join("\n"));
}

fn demo_source(args: &GlobalArgs, readonly: bool) -> (SharedClock, Arc<dyn FleetSource>) {
    // `--demo-at`: the story is that far along when the console starts; without
    // `--demo-start` it started that long ago, so the clock still reads the time of day.
    let at = args.demo_at.unwrap_or(0);
    let start = args.demo_start.unwrap_or_else(|| {
        use sagewatch::clock::Clock;
        SystemClock.now() - at
    });
    let clock: SharedClock = if args.demo_frozen {
        Arc::new(FixedClock::new(start + at))
    } else {
        Arc::new(OffsetClock::new(start + at))
    };
    let source = DemoSource::new(
        DemoConfig {
            seed: args.seed,
            start,
            scale: args.demo_scale,
        },
        Arc::clone(&clock),
    )
    .with_readonly(readonly);
    (clock, Arc::new(source))
}

fn initial_state(
    args: &GlobalArgs,
    settings: Settings,
    kind: SourceKind,
    logs_available: bool,
    now: i64,
) -> State {
    let mut state = State::new(kind, now, settings.theme, Arc::new(settings.keymap));
    state.themes = Arc::new(settings.themes);
    state.readonly = args.readonly || settings.config.readonly;
    state.refresh_secs = args.refresh.unwrap_or(settings.config.refresh_secs).max(1) as i64;
    state.views.trail.available = Some(trail_settings(kind, &settings.config));
    state.views.logs.available = logs_available;
    state.studio_idle_hours = settings.config.studio_idle_hours;
    state.muted_indefinitely_hours = settings.config.muted_indefinitely_hours;
    state.metrics_insights_above = settings.config.metrics_insights_above as usize;
    // The history kept across restarts; a damaged file is said, never fatal.
    if let Some(path) = sagewatch::trail::history::path_from_env() {
        let (history, warning) = sagewatch::trail::history::History::load(&path);
        state.views.trail.history = history.entries().to_vec();
        state.views.trail.history_path = Some(path);
        if let Some(warning) = warning {
            sagewatch::app::outcome::flash(
                &mut state,
                warning,
                sagewatch::app::state::FlashLevel::Error,
            );
        }
    }
    // Athena tokens must not repeat across consoles started the same second.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    state.views.trail.salt = (u64::from(std::process::id()) << 32) | u64::from(nanos);
    state
}

/// The trail's settings: the demo searches its own trail; AWS needs `[trail]`.
fn trail_settings(
    kind: SourceKind,
    config: &sagewatch::config::Config,
) -> Result<sagewatch::source::trail::TrailSettings, String> {
    match (kind, &config.trail) {
        (_, Some(settings)) => Ok(settings.clone()),
        (SourceKind::Demo, None) => Ok(Default::default()),
        (SourceKind::Aws, None) => Err(
            "CloudTrail search is not configured: add a [trail] section to config.toml (docs/configuration.md, \"CloudTrail\")"
                .into(),
        ),
    }
}

async fn print_snapshot(source: Arc<dyn FleetSource>, state: State, json: bool) -> ExitCode {
    let (state, errors) = match snapshot::collect(source.as_ref(), state, json).await {
        Ok(s) => s,
        Err(e) => {
            eprint_clean(&format!("{e:#}"));
            return ExitCode::FAILURE;
        }
    };
    // Everything is read: the source (the demo's whole simulated organisation, or the AWS
    // clients) is let go before the snapshot is built beside the state.
    drop(source);
    // Partial data is still printed (a status line wants what there is), but the exit code
    // says it is partial and stderr says why.
    let partial = !errors.is_empty();
    for e in &errors {
        eprint_clean(&e.to_string());
    }
    let snap = snapshot::build(&state, errors);
    // What was read is in the snapshot now: its store and indexes are not kept beside the
    // text being written.
    drop(state);
    if json {
        // Written as it is made: 10,000 endpoints are 14 MB of text, not worth holding.
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        let written = serde_json::to_writer_pretty(&mut out, &snap)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
            .and_then(|()| out.flush());
        if let Err(e) = written {
            eprintln!("sagewatch: {e}");
            return ExitCode::FAILURE;
        }
    } else {
        print!("{}", snapshot::to_text(&snap));
    }
    if partial {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
