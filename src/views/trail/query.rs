//! A query's life in the view: started with a token, polled with backoff until it finishes
//! (QUEUED after RUNNING is normal), its pages read one after another into the table as they
//! arrive, cancelled on request; and the same for an event's detail. Answers are matched to
//! the query they belong to by token, so an answer to a query since replaced is dropped; and
//! a query the console lets go of (replaced, closed, given up on, the console quitting) is
//! stopped in Athena, so that nothing goes on scanning (and billing) unseen.

use super::calls::{TrailCall, TrailLoaded};
use super::state::{Detail, Mode, Phase, Query, TrailState};
use crate::app::command::Command;
use crate::app::outcome::{Outcome, flash};
use crate::app::state::{FlashLevel, Loadable, State};
use crate::source::SourceError;
use crate::source::model::Epoch;
use crate::source::trail::{
    QueryState, QueryStatus, ResultPage, Search, TrailQuery, first_row_is_header, poll_delay,
};

/// Failed calls in a row (throttled, network) before the console stops asking: polls of
/// the state, or reads of one result page.
const ERRORS_GIVE_UP: u32 = 5;

/// Which query an answer belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Whose {
    Search,
    Detail,
}

/// A token unique to this console and this start: Athena returns the same execution for
/// the same token, and refuses one reused with another statement.
pub fn next_token(trail: &mut TrailState, now: Epoch) -> String {
    trail.started += 1;
    format!(
        "sagewatch-{:016x}-{:016x}-{:08}",
        trail.salt, now, trail.started
    )
}

fn new_query(token: String, sql: String, text: String, mode: Mode, now: Epoch) -> Query {
    Query {
        token,
        id: None,
        sql,
        text,
        mode,
        started: now,
        finished: None,
        phase: Phase::Starting,
        status: None,
        pages: 0,
        next_page: None,
        limit: None,
    }
}

/// The LIMIT a statement ends with (`... LIMIT 500`), as Trino reads its tokens.
fn trailing_limit(sql: &str) -> Option<u64> {
    use crate::trail::trino::{Token, tokens};
    let t = tokens(sql).ok()?;
    let t: Vec<&Token<'_>> = t.iter().filter(|t| **t != Token::Punct(';')).collect();
    match t.as_slice() {
        [.., limit, Token::Number(n)] if limit.is_word("limit") => n.parse().ok(),
        _ => None,
    }
}

/// Lets go of `q`: if it is still going, it is marked cancelled and, once Athena has named
/// it, stopped there. (One whose start has not answered yet is stopped when it answers:
/// its token is no longer known then.)
fn stop(q: &mut Query, now: Epoch) -> Option<Command> {
    if !q.phase.is_active() {
        return None;
    }
    q.phase = Phase::Cancelled;
    q.finished = Some(now);
    q.id.clone().map(|id| TrailCall::Cancel { id }.into())
}

/// Stops the detail's query, if one is going.
fn stop_detail(t: &mut TrailState, now: Epoch) -> Vec<Command> {
    t.detail
        .as_mut()
        .and_then(|d| d.query.as_mut())
        .and_then(|q| stop(q, now))
        .into_iter()
        .collect()
}

/// Starts the search `sql` (typed as `text`): the table empties, the progress line shows.
pub fn start_search(
    state: &mut State,
    text: String,
    mode: Mode,
    sql: String,
    search: Search,
) -> Outcome {
    let mut commands = cancel_running(state);
    let now = state.now;
    let t = &mut state.views.trail;
    commands.extend(stop_detail(t, now));
    let token = next_token(t, now);
    t.results = Default::default();
    t.row = 0;
    t.offset = 0;
    t.detail = None;
    t.error = None;
    // A search typed while `c` read the endpoint's config is the one wanted.
    t.reading_makeup = None;
    t.text = text.clone();
    t.mode = mode;
    let mut query = new_query(token.clone(), sql.clone(), text, mode, now);
    query.limit = match &search {
        Search::Filter { limit, .. } => Some(u64::from(*limit)),
        _ => trailing_limit(&sql),
    };
    t.query = Some(query);
    commands.push(TrailCall::Start(Box::new(TrailQuery { sql, search, token })).into());
    Outcome::with(commands)
}

/// Starts reading one event's detail (stopping the read of another).
pub fn start_detail(state: &mut State, event_id: String, sql: String, time: Epoch) -> Outcome {
    let now = state.now;
    let t = &mut state.views.trail;
    let mut commands = stop_detail(t, now);
    let token = next_token(t, now);
    t.detail = Some(Detail {
        event_id: event_id.clone(),
        query: Some(new_query(
            token.clone(),
            sql.clone(),
            String::new(),
            Mode::Sql,
            now,
        )),
        fields: Loadable::Loading,
        scroll: 0,
    });
    commands.push(
        TrailCall::Start(Box::new(TrailQuery {
            sql,
            search: Search::Event { event_id, time },
            token,
        }))
        .into(),
    );
    Outcome::with(commands)
}

/// Closes the detail; its read is stopped if it is still going.
pub fn close_detail(state: &mut State) -> Vec<Command> {
    let now = state.now;
    let commands = stop_detail(&mut state.views.trail, now);
    state.views.trail.detail = None;
    commands
}

/// StopQueryExecution for the search running, if one is; the history keeps it.
pub fn cancel_running(state: &mut State) -> Vec<Command> {
    let now = state.now;
    let Some(q) = state.views.trail.query.as_mut() else {
        return Vec::new();
    };
    if !q.phase.is_active() {
        return Vec::new();
    }
    let mut commands: Vec<Command> = stop(q, now).into_iter().collect();
    commands.extend(super::history::record(state));
    commands
}

/// The console is quitting: what is still running in Athena is stopped (the workers wait
/// for these before the process ends).
pub fn on_quit(state: &mut State) -> Vec<Command> {
    let now = state.now;
    let mut commands = stop_detail(&mut state.views.trail, now);
    if let Some(q) = state.views.trail.query.as_mut() {
        commands.extend(stop(q, now));
    }
    commands
}

/// The cancel key.
pub fn cancel(state: &mut State) -> Outcome {
    if !state.views.trail.running() {
        flash(state, "no query running", FlashLevel::Info);
        return Outcome::redraw();
    }
    let commands = cancel_running(state);
    flash(
        state,
        "query cancelled (StopQueryExecution)",
        FlashLevel::Info,
    );
    Outcome::with(commands)
}

fn query_mut<'a>(t: &'a mut TrailState, token: &str) -> Option<(Whose, &'a mut Query)> {
    if let Some(q) = t.query.as_mut().filter(|q| q.token == token) {
        return Some((Whose::Search, q));
    }
    let q = t.detail.as_mut()?.query.as_mut()?;
    (q.token == token).then_some((Whose::Detail, q))
}

/// An answer to one of the trail's calls.
pub fn loaded(state: &mut State, loaded: TrailLoaded) -> Outcome {
    match loaded {
        TrailLoaded::Started { token, result } => started(state, &token, result),
        TrailLoaded::Status { token, result } => status(state, &token, result),
        TrailLoaded::Page { token, result } => page(state, &token, result),
        TrailLoaded::Makeup(read) => super::changes::makeup_read(state, *read),
        TrailLoaded::HistorySaved(result) => {
            if let Err(why) = result {
                tracing::warn!(%why, "trail history");
                flash(state, why, FlashLevel::Error);
                return Outcome::redraw();
            }
            Outcome::default()
        }
        TrailLoaded::Cancelled { result } => {
            if let Err(e) = result {
                flash(
                    state,
                    format!("cancelling the query failed: {e}"),
                    FlashLevel::Error,
                );
            }
            Outcome::redraw()
        }
    }
}

/// A query given up on while Athena may still be running it: stopped there, and said.
fn give_up(q: &mut Query, reason: String, now: Epoch) -> Vec<Command> {
    q.phase = Phase::Failed(reason);
    q.finished = Some(now);
    q.id.clone()
        .map(|id| TrailCall::Cancel { id }.into())
        .into_iter()
        .collect()
}

fn started(state: &mut State, token: &str, result: Result<String, SourceError>) -> Outcome {
    let now = state.now;
    // Replaced (another search, another detail) or cancelled before Athena answered:
    // stop the execution it just started.
    let Some((whose, q)) =
        query_mut(&mut state.views.trail, token).filter(|(_, q)| q.phase == Phase::Starting)
    else {
        return match result {
            Ok(id) => Outcome::with(vec![TrailCall::Cancel { id }.into()]),
            Err(_) => Outcome::default(),
        };
    };
    match result {
        Ok(id) => {
            q.id = Some(crate::sanitize::clean(&id).into_owned());
            q.phase = Phase::Running {
                polls: 0,
                errors: 0,
            };
            let poll = poll_command(q, 0);
            Outcome::with(vec![poll])
        }
        Err(e) => {
            q.phase = Phase::Failed(crate::sanitize::clean(&e.to_string()).into_owned());
            q.finished = Some(now);
            finish(state, whose, Vec::new())
        }
    }
}

fn poll_command(q: &Query, polls: u32) -> Command {
    TrailCall::Poll {
        id: q.id.clone().unwrap_or_default(),
        token: q.token.clone(),
        delay_ms: poll_delay(polls).as_millis() as u64,
    }
    .into()
}

fn status(state: &mut State, token: &str, result: Result<QueryStatus, SourceError>) -> Outcome {
    let now = state.now;
    let Some((whose, q)) = query_mut(&mut state.views.trail, token) else {
        return Outcome::default();
    };
    let Phase::Running { polls, errors } = q.phase else {
        return Outcome::default();
    };
    let mut s = match result {
        Ok(s) => s,
        Err(e) if errors + 1 < ERRORS_GIVE_UP && is_transient(&e) => {
            q.phase = Phase::Running {
                polls: polls + 1,
                errors: errors + 1,
            };
            return Outcome::with(vec![poll_command(q, polls + 1)]);
        }
        Err(e) => {
            let reason = format!(
                "{} (the query was stopped)",
                crate::sanitize::clean(&e.to_string())
            );
            let stop = give_up(q, reason, now);
            return finish(state, whose, stop);
        }
    };
    crate::sanitize::Sanitize::sanitize(&mut s);
    let state_now = s.state;
    q.status = Some(s);
    match state_now {
        QueryState::Queued | QueryState::Running => {
            q.phase = Phase::Running {
                polls: polls + 1,
                errors: 0,
            };
            Outcome::with(vec![poll_command(q, polls + 1)])
        }
        QueryState::Succeeded => {
            q.phase = Phase::Paging { errors: 0 };
            Outcome::with(vec![page_command(q, None, 0)])
        }
        QueryState::Failed => {
            let reason = q
                .status
                .as_ref()
                .and_then(|s| s.reason.clone())
                .unwrap_or_else(|| "Athena gave no reason".into());
            q.phase = Phase::Failed(reason);
            q.finished = Some(now);
            finish(state, whose, Vec::new())
        }
        QueryState::Cancelled => {
            q.phase = Phase::Cancelled;
            q.finished = Some(now);
            finish(state, whose, Vec::new())
        }
    }
}

/// The read of a page (the first when `next` is `None`, whose first row is a SELECT's
/// header), after the backoff of `errors` failed reads of it.
fn page_command(q: &Query, next: Option<String>, errors: u32) -> Command {
    let header = next.is_none()
        && q.status
            .as_ref()
            .is_some_and(|s| first_row_is_header(s, &q.sql));
    TrailCall::Page {
        id: q.id.clone().unwrap_or_default(),
        token: q.token.clone(),
        next,
        header,
        delay_ms: if errors == 0 {
            0
        } else {
            poll_delay(errors).as_millis() as u64
        },
    }
    .into()
}

fn is_transient(e: &SourceError) -> bool {
    matches!(
        e,
        SourceError::Throttled { .. } | SourceError::Network { .. }
    )
}

fn page(state: &mut State, token: &str, result: Result<Box<ResultPage>, SourceError>) -> Outcome {
    let now = state.now;
    let limit_rows = super::results::MAX_ROWS;
    let t = &mut state.views.trail;
    let Some((whose, q)) = query_mut(t, token) else {
        return Outcome::default();
    };
    let Phase::Paging { errors } = q.phase else {
        return Outcome::default();
    };
    let mut page = match result {
        Ok(p) => p,
        // The page asked for again: the same `next` as the one that failed.
        Err(e) if errors + 1 < ERRORS_GIVE_UP && is_transient(&e) => {
            q.phase = Phase::Paging { errors: errors + 1 };
            let next = q.next_page.clone();
            return Outcome::with(vec![page_command(q, next, errors + 1)]);
        }
        Err(e) => {
            q.phase = Phase::Failed(format!(
                "reading the results: {}",
                crate::sanitize::clean(&e.to_string())
            ));
            q.finished = Some(now);
            return finish(state, whose, Vec::new());
        }
    };
    crate::sanitize::Sanitize::sanitize(page.as_mut());
    q.pages += 1;
    q.phase = Phase::Paging { errors: 0 };
    let next = page.next.clone();
    q.next_page = next.clone();
    match whose {
        Whose::Search => {
            t.results.push_page(&page.columns, &page.rows);
            remember_events(t, &page);
            if let Some(q) = t.query.as_mut() {
                let more = next.is_some() && t.results.len() < limit_rows;
                if !more {
                    q.phase = Phase::Done;
                    q.finished = Some(now);
                }
            }
        }
        Whose::Detail => {
            if let Some(d) = t.detail.as_mut() {
                d.fields = Loadable::Loaded(detail_fields(&page));
                if let Some(q) = d.query.as_mut() {
                    q.phase = Phase::Done;
                    q.finished = Some(now);
                }
            }
            return Outcome::redraw();
        }
    }
    super::changes::rows_arrived(state);
    let next_read = state
        .views
        .trail
        .query
        .as_ref()
        .filter(|q| q.phase.is_active())
        .zip(next)
        .map(|(q, next)| page_command(q, Some(next), 0));
    match next_read {
        Some(read) => Outcome::with(vec![read]),
        None => finish(state, Whose::Search, Vec::new()),
    }
}

/// Event names seen so far, for completing `event:` (bounded: a long session does not grow).
fn remember_events(t: &mut TrailState, page: &ResultPage) {
    const MAX_SEEN: usize = 500;
    let Some(col) = t.results.column_of(super::results::Shown::Event) else {
        return;
    };
    for name in page.rows.iter().filter_map(|r| r.get(col)?.as_deref()) {
        if t.seen_events.len() >= MAX_SEEN {
            break;
        }
        if !t.seen_events.contains(name) {
            t.seen_events
                .insert(crate::sanitize::clean(name).into_owned());
        }
    }
}

/// The detail row as (column, value) pairs; an event not found says so.
fn detail_fields(page: &ResultPage) -> Vec<(String, Option<String>)> {
    match page.rows.first() {
        Some(row) => page
            .columns
            .iter()
            .cloned()
            .zip(row.iter().cloned())
            .collect(),
        None => Vec::new(),
    }
}

/// A query ended (done, failed or cancelled): the history keeps it, failures are said.
fn finish(state: &mut State, whose: Whose, mut commands: Vec<Command>) -> Outcome {
    match whose {
        Whose::Detail => {
            if let Some(d) = state.views.trail.detail.as_mut()
                && let Some(Phase::Failed(reason)) = d.query.as_ref().map(|q| q.phase.clone())
            {
                d.fields = Loadable::Failed(reason);
            }
            Outcome::with(commands)
        }
        Whose::Search => {
            if let Some(Phase::Failed(reason)) =
                state.views.trail.query.as_ref().map(|q| q.phase.clone())
            {
                flash(state, format!("query failed: {reason}"), FlashLevel::Error);
            }
            commands.extend(super::history::record(state));
            Outcome::with(commands)
        }
    }
}
