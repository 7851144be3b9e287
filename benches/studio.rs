//! The Studio and processing-jobs screens at 200x60: a frame of the studio view over 10
//! accounts holding 2,000 apps, and one account's answer arriving (cleaned, every app row
//! rebuilt and sorted) plus its frame; the jobs view over the demo's day of processing jobs
//! with their sparklines. Baselines measured in the same run: drawing nothing (the
//! terminal's own cost) and the fleet of 500 endpoints.

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sagewatch::app::action::{Action, Loaded};
use sagewatch::app::headless;
use sagewatch::app::state::{State, View};
use sagewatch::app::update::{init, update};
use sagewatch::clock::FixedClock;
use sagewatch::config::{Env, Overrides, load};
use sagewatch::source::SourceKind;
use sagewatch::source::demo::{DemoConfig, DemoSource, studio_sample};
use sagewatch::source::studio::AccountStudio;
use sagewatch::ui::{self, fixture};
use std::hint::black_box;
use std::sync::Arc;

const APPS_PER_ACCOUNT: usize = 200;

/// An account's Studio: the demo's prod and staging apps over and over, 200 apps.
fn big_account(account_id: &str, now: i64) -> AccountStudio {
    let prod = studio_sample("111111111111", now);
    let staging = studio_sample("222222222222", now);
    let mut s = prod.clone();
    s.account_id = account_id.to_owned();
    s.domains.extend(staging.domains.iter().cloned());
    s.apps.clear();
    let pool: Vec<_> = prod.apps.iter().chain(&staging.apps).collect();
    for i in 0..APPS_PER_ACCOUNT {
        let mut app = pool[i % pool.len()].clone();
        app.name = format!("{}-{i}", app.name);
        app.created = app.created.map(|c| c - i as i64 * 600);
        s.apps.push(app);
    }
    s
}

fn studio_state() -> State {
    let mut s = fixture::scaled(10, 1);
    s.size = (200, 60);
    s.views.studio.available = true;
    let _ = update(&mut s, Action::ShowStudio);
    let ids: Vec<String> = s.accounts.iter().map(|a| a.id.clone()).collect();
    for id in ids {
        let studio = big_account(&id, s.now);
        let _ = update(
            &mut s,
            Action::Loaded(Box::new(Loaded::Studio(Box::new(studio)))),
        );
    }
    s
}

fn jobs_state() -> State {
    let start = 1_795_687_200;
    let clock = Arc::new(FixedClock::new(start));
    let source = DemoSource::new(
        DemoConfig {
            seed: 42,
            start,
            scale: None,
        },
        clock,
    );
    let settings = load(&Overrides::default(), &Env::default()).expect("shipped config");
    let mut state = State::new(
        SourceKind::Demo,
        start,
        settings.theme,
        Arc::new(settings.keymap),
    );
    state.size = (200, 60);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let commands = init(&mut state);
    rt.block_on(headless::settle(&source, &mut state, commands));
    rt.block_on(headless::apply(&source, &mut state, Action::ShowJobs));
    state
}

fn draw(terminal: &mut Terminal<TestBackend>, state: &State) {
    terminal
        .draw(|f| ui::draw(black_box(state), f))
        .map(|_| ())
        .expect("draw");
}

fn studio(c: &mut Criterion) {
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("test backend");
    c.bench_function("draw nothing 200x60 (baseline)", |b| {
        b.iter(|| {
            terminal
                .draw(|f| {
                    black_box(f.area());
                })
                .map(|_| ())
                .expect("draw")
        })
    });
    let fleet = fixture::scaled(10, 50);
    c.bench_function("draw fleet 200x60, 500 endpoints (baseline)", |b| {
        b.iter(|| draw(&mut terminal, &fleet))
    });
    let state = studio_state();
    assert_eq!(state.view, View::Studio);
    assert_eq!(state.views.studio.rows.len(), 11 * APPS_PER_ACCOUNT);
    c.bench_function("draw studio 200x60, 11 accounts, 2,200 apps", |b| {
        b.iter(|| draw(&mut terminal, &state))
    });
    let id = state.accounts[3].id.clone();
    let answer = big_account(&id, state.now);
    let mut live = state.clone();
    c.bench_function("studio: one account's answer (200 apps) + frame", |b| {
        b.iter(|| {
            let loaded = Loaded::Studio(Box::new(answer.clone()));
            let _ = update(&mut live, Action::Loaded(Box::new(loaded)));
            draw(&mut terminal, &live);
        })
    });
    let jobs = jobs_state();
    assert_eq!(jobs.view, View::Jobs);
    c.bench_function("draw jobs 200x60, the demo's day of jobs", |b| {
        b.iter(|| draw(&mut terminal, &jobs))
    });
}

criterion_group!(benches, studio);
criterion_main!(benches);
