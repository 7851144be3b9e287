//! What to fetch and when: the refresh cadence of each kind of data, and series requests that
//! ask only for periods newer than what is held.
//!
//! Cost model (CloudWatch bills per metric requested):
//! - 1-minute series on screen: once a new minute can have closed; off screen: every
//!   `COLD_SERIES_SECS`, and at once when they come on screen (`scrolled_in`). CloudWatch
//!   evaluates alarms itself: an alarm is no reason to poll a series.
//! - hourly Model Monitor series: only while their current hour has no point yet, every
//!   `HOURLY_POLL_SECS`, not before about the minute their point landed the hour before, and
//!   one metric per schedule as a probe (`probes`, `siblings_of`);
//! - the detail screen's extra series only while it is open.
//! - custom quality sources (`[[quality_metrics]]`) ride the cadence of their period: an
//!   hour or more is polled like Model Monitor's (probes included: one job publishes all of
//!   an endpoint's metrics together, as one run does); shorter periods (300 s) are sub-hourly
//!   series refreshed with the 1-minute ones, so on screen they are asked for each minute
//!   (at most a period's worth of needless reads while a 5-minute point is pending, the
//!   price of not holding a third cadence).
//!
//! Correctness: every request starts and ends on its period's boundaries (CloudWatch starts
//! its buckets at StartTime), and re-asks the last `REREAD_PERIODS` periods held, which
//! CloudWatch may still have been filling (late publishing, sums across instances).

use super::action::SeriesPurpose;
use super::command::Command;
use super::state::State;
use crate::name::Name;
use crate::source::SeriesRequest;
use crate::source::metrics;
use crate::source::model::{Dimensions, Endpoint, Epoch, SeriesKey};

/// The fleet sparklines span one hour of 1-minute data and two days of hourly data.
pub const FLEET_MINUTE_WINDOW: i64 = 3600;
pub const FLEET_HOURLY_WINDOW: i64 = 48 * 3600;
/// Hourly charts on the detail screen never show less than a day: one dot is not a chart.
pub const DETAIL_MIN_HOURLY_WINDOW: i64 = 24 * 3600;
pub const FLEET_RELOAD_SECS: i64 = 60;
/// Hourly series still missing their current hour's point are asked for this often: Model
/// Monitor runs land some minutes into the hour, and five minutes late is soon enough for a
/// metric that changes hourly (a minute would cost five times as much while waiting).
pub const HOURLY_POLL_SECS: i64 = 300;
/// Periods held that each request asks for again: a minute is published up to a few minutes
/// late, and a sum across instances grows until the last one reports. Billing is per metric,
/// not per datapoint, so the tail costs nothing.
pub const REREAD_PERIODS: i64 = 3;
/// Series that have never had data are asked again this often (whole window each time).
pub const BACKFILL_SECS: i64 = 60;
/// 1-minute series of endpoints off screen are refreshed this often (for a sort by their
/// latest value): their sparklines are a scroll away, and rows scrolled onto the screen are
/// brought up to date at once (`scrolled_in`).
pub const COLD_SERIES_SECS: i64 = 900;
/// Every schedule's last run, for the fleet's violations column: Model Monitor runs hourly
/// at most, and a run started here asks again when it ends.
pub const FLEET_RUNS_SECS: i64 = 900;
/// Mute rules: their windows open and close on screen from their schedules (computed, not
/// read), so a rule changed elsewhere is what a read catches; a mute or unmute made here
/// reads them again at once.
pub const MUTE_RULES_SECS: i64 = 60;

/// Series with a period of an hour or more (Model Monitor's, or a custom source's) are polled
/// for their current period's point; shorter ones go with the 1-minute refresh.
pub fn is_hourly(period: u32) -> bool {
    period >= 3600
}

/// How far back a view of this period reaches.
pub fn fleet_window(period: u32) -> i64 {
    if is_hourly(period) {
        FLEET_HOURLY_WINDOW
    } else {
        FLEET_MINUTE_WINDOW
    }
}

/// How far back a chart of `range` seconds reaches for a series of this period: an hourly
/// chart never shows less than a day.
pub fn chart_window(range: i64, period: u32) -> i64 {
    if is_hourly(period) {
        range.max(DETAIL_MIN_HOURLY_WINDOW)
    } else {
        range
    }
}

pub fn slots(window: i64, period: u32) -> usize {
    (window / i64::from(period.max(1))) as usize + 1
}

/// Slots the store keeps for a series: enough for the widest view showing it, 0 when no
/// endpoint owns it any more. `paged`: the endpoints on a view's page (`paged`); a fleet
/// series of any other endpoint keeps its latest value only.
pub fn capacity_for(state: &State, paged: &Paged, key: &SeriesKey) -> usize {
    // A view showing the series its own way (wider, or a series the fleet has not).
    if let Some(slots) = crate::views::all()
        .filter_map(|v| v.series_capacity(state, key))
        .max()
    {
        return slots;
    }
    let Some(index) = state.endpoint_index_of_series(key) else {
        return 0;
    };
    let endpoint = &state.endpoints[index];
    let in_fleet =
        metrics::spec_for(endpoint, key).is_some_and(|m| state.fleet_metrics.contains(&m.id));
    if in_fleet && paged.contains(&index) {
        slots(fleet_window(key.period), key.period)
    } else if in_fleet {
        1
    } else {
        // A detail-only series (latency, 5XX, ...) of an endpoint no longer open.
        0
    }
}

/// The endpoints on a view's page, by index (`ViewModule::endpoints_paged`).
pub type Paged = rustc_hash::FxHashSet<usize>;

pub fn paged(state: &State) -> Paged {
    crate::views::all()
        .flat_map(|v| v.endpoints_paged(state))
        .collect()
}

/// Earliest slot to ask for so that nothing newer than what is held is missed, and the last
/// `REREAD_PERIODS` slots held are read again: CloudWatch may still have been filling them.
/// A series held shorter than it is now wanted (its latest value only, its row just paged
/// in) is asked for the whole window.
pub fn incremental_start(state: &State, keys: &[SeriesKey], window_start: Epoch) -> Epoch {
    let paged = paged(state);
    let window = state.now - window_start;
    // The window's size first: most series hold all of it, and the views are asked only
    // about the few that do not.
    let short = |k: &SeriesKey, held: usize| {
        held < slots(window, k.period) && held < capacity_for(state, &paged, k)
    };
    keys.iter()
        .map(|k| match state.store.get(k) {
            Some(s) if short(k, s.capacity()) => window_start,
            Some(s) => match s.last_slot() {
                Some(last) => (last - REREAD_PERIODS * i64::from(k.period)).max(window_start),
                None => window_start,
            },
            None => window_start,
        })
        .min()
        .unwrap_or(window_start)
}

/// `[start, end]` widened to whole periods: CloudWatch starts its buckets at StartTime, so a
/// window starting at :37 would return hourly points stamped :37, which the store would file
/// under the hour before.
pub fn aligned(start: Epoch, end: Epoch, period: u32) -> (Epoch, Epoch) {
    let p = i64::from(period.max(1));
    (
        start.div_euclid(p) * p,
        (end.div_euclid(p) + i64::from(end.rem_euclid(p) != 0)) * p,
    )
}

/// The fleet's series of the hourly or the finer periods. A metric of the other kind is
/// left out before its keys are made: at 10,000 endpoints making them was a tenth of a
/// snapshot's time.
fn fleet_keys(state: &State, hourly: bool) -> Vec<SeriesKey> {
    keys_of(state, state.endpoints.iter(), hourly)
}

fn keys_of<'a>(
    state: &'a State,
    endpoints: impl Iterator<Item = &'a Endpoint>,
    hourly: bool,
) -> Vec<SeriesKey> {
    let wanted = |e, id| is_hourly(metrics::period_for(e, id)) == hourly;
    let of_endpoint = |e| {
        let ids = state.fleet_metrics.iter().filter(move |&&id| wanted(e, id));
        ids.flat_map(move |&id| metrics::series_keys(e, id))
    };
    endpoints.flat_map(of_endpoint).collect()
}

/// The series a refresh asks for: every fleet series, or, in a fleet too large for that
/// (`State::ranks_fleet`), only those of the rows on a page or on screen. Its other rows
/// are placed by Metrics Insights rankings (the sorting view asks for them), so the work and the
/// bill follow the rows shown, not the fleet.
fn wanted_keys(state: &State, hourly: bool) -> Vec<SeriesKey> {
    if !state.ranks_fleet() {
        return fleet_keys(state, hourly);
    }
    let mut shown: Vec<usize> = paged(state).into_iter().collect();
    let visible = on_screen_now(state).into_iter();
    shown.extend(visible.filter_map(|(a, n)| state.endpoint_index.get(a)?.get(n).copied()));
    shown.sort_unstable();
    shown.dedup();
    keys_of(
        state,
        shown.iter().filter_map(|&i| state.endpoints.get(i)),
        hourly,
    )
}

/// Requests for `keys` from what is held (at most `window` back) up to now: one per period,
/// since a request's window is aligned to its period (a custom quality source may publish at
/// 300 s among 1-minute series, or daily among hourly ones). Each period's request has its
/// own dedup key (`Command::key` holds the period).
pub fn request_up_to_now(state: &State, keys: Vec<SeriesKey>, window: i64) -> Vec<SeriesRequest> {
    let mut by_period: Vec<(u32, Vec<SeriesKey>)> = Vec::new();
    for k in keys {
        match by_period.iter_mut().find(|(p, _)| *p == k.period) {
            Some((_, keys)) => keys.push(k),
            None => by_period.push((k.period, vec![k])),
        }
    }
    by_period
        .into_iter()
        .map(|(period, keys)| {
            let start = incremental_start(state, &keys, state.now - window);
            let (start, end) = aligned(start, state.now, period);
            SeriesRequest {
                keys: keys.into(),
                start,
                end,
            }
        })
        .collect()
}

/// An hourly (or longer) series whose current period has its point cannot have anything new
/// until the next period.
pub fn has_current_hour(state: &State, key: &SeriesKey) -> bool {
    let period = i64::from(key.period.max(1));
    let current = state.now.div_euclid(period) * period;
    is_hourly(key.period)
        && state
            .store
            .get(key)
            .and_then(|s| s.latest())
            .is_some_and(|(ts, _)| ts >= current)
}

/// An hourly series whose point landed some minutes into the last hour is not looked for
/// until a poll before that minute this hour (never later than polling all along would
/// have found it: the minute learned is at most one poll after the point landed).
fn before_its_point_is_due(state: &State, key: &SeriesKey) -> bool {
    state
        .hourly_arrival
        .get(key)
        .is_some_and(|&arrival| state.now.rem_euclid(3600) + HOURLY_POLL_SECS < arrival)
}

fn newest_held(state: &State, key: &SeriesKey) -> Option<Epoch> {
    state
        .store
        .get(key)
        .and_then(|s| s.latest())
        .map(|(ts, _)| ts)
}

fn holds_data(state: &State, key: &SeriesKey) -> bool {
    state.store.get(key).is_some_and(|s| s.latest().is_some())
}

/// A series worth a request every refresh: its row is on screen.
fn is_hot(state: &State, visible: &rustc_hash::FxHashSet<(&str, &str)>, key: &SeriesKey) -> bool {
    state
        .endpoint_of_series(key)
        .is_some_and(|e| visible.contains(&(e.account_id.as_str(), e.name.as_str())))
}

/// The fleet's series of one cadence, in up to three requests, each with its own dedup key
/// so that none is dropped while another is in flight:
/// - `Fleet`: series holding data, asked only for what is newer; for 1-minute series, only
///   those on screen;
/// - `OffScreen`: 1-minute series holding data whose rows are off screen;
/// - `Backfill`: series holding none, asked for the whole window. Kept apart so that one
///   silent series (an endpoint being created, a serverless endpoint without instance
///   metrics) does not turn every refresh into a full-window fetch.
pub fn fleet_requests(state: &State, hourly: bool) -> Vec<(SeriesPurpose, SeriesRequest)> {
    let window = if hourly {
        FLEET_HOURLY_WINDOW
    } else {
        FLEET_MINUTE_WINDOW
    };
    let keys = wanted_keys(state, hourly);
    let newest = if hourly {
        newest_by_schedule(state, &keys)
    } else {
        NewestBySchedule::default()
    };
    let (held, empty): (Vec<SeriesKey>, Vec<SeriesKey>) = keys
        .into_iter()
        .filter(|k| !has_current_hour(state, k) && !before_its_point_is_due(state, k))
        .partition(|k| holds_data(state, k));
    let visible = on_screen_now(state);
    // The rows on screen first: a large backfill is read in parts (`SERIES_PART`).
    let (mut empty, later): (Vec<SeriesKey>, Vec<SeriesKey>) =
        empty.into_iter().partition(|k| is_hot(state, &visible, k));
    empty.extend(later);
    let (hot, cold) = if hourly {
        (probes(state, held, &newest), Vec::new())
    } else {
        held.into_iter().partition(|k| is_hot(state, &visible, k))
    };
    [
        (SeriesPurpose::Fleet, hot),
        (SeriesPurpose::OffScreen, cold),
        (SeriesPurpose::Backfill, empty),
    ]
    .into_iter()
    .flat_map(|(purpose, keys)| {
        request_up_to_now(state, keys, window)
            .into_iter()
            .map(move |r| (purpose, r))
    })
    .collect()
}

/// A schedule: the account, namespace and dimensions (Endpoint, MonitoringSchedule).
type Schedule = (Name, Name, Dimensions);
type NewestBySchedule = rustc_hash::FxHashMap<Schedule, Epoch>;

fn schedule(k: &SeriesKey) -> Schedule {
    (
        k.account_id.clone(),
        k.namespace.clone(),
        k.dimensions.clone(),
    )
}

/// The newest point held of each schedule among `keys`. A schedule whose metrics do not all
/// hold it has had a run land: the ones behind are asked for, whatever hour the run was for
/// (a late run's point is stamped with the hour before).
fn newest_by_schedule(state: &State, keys: &[SeriesKey]) -> NewestBySchedule {
    let mut newest = NewestBySchedule::default();
    for k in keys {
        if let Some(ts) = newest_held(state, k) {
            let n = newest.entry(schedule(k)).or_insert(ts);
            *n = (*n).max(ts);
        }
    }
    newest
}

/// The metrics of one monitoring schedule (one endpoint's accuracy, AUC, F2, ...) land
/// together, when its run finishes. While none has this hour's point, only the first is asked
/// for, as a probe; once it has landed, the others (`siblings_of`, sent at once). Waiting for a run then costs one metric per schedule and poll, not all of them.
fn probes(state: &State, waiting: Vec<SeriesKey>, newest: &NewestBySchedule) -> Vec<SeriesKey> {
    let mut probing = rustc_hash::FxHashSet::default();
    waiting
        .into_iter()
        .filter(|k| {
            let s = schedule(k);
            let behind = newest_held(state, k) < newest.get(&s).copied();
            behind || probing.insert(s)
        })
        .collect()
}

/// A Model Monitor run of `endpoint` has just ended: its quality series are asked for at
/// once (and its charts', when they are open) instead of at the next hourly poll.
pub fn quality_now(state: &State, endpoint: &crate::source::model::EndpointKey) -> Vec<Command> {
    let Some(e) = state.endpoint(endpoint) else {
        return Vec::new();
    };
    let keys: Vec<SeriesKey> = state
        .fleet_metrics
        .iter()
        .flat_map(|&id| metrics::series_keys(e, id))
        .filter(|k| is_hourly(k.period))
        .collect();
    let out: Vec<Command> = request_up_to_now(state, keys, FLEET_HOURLY_WINDOW)
        .into_iter()
        .map(|request| Command::LoadSeries {
            purpose: SeriesPurpose::Siblings,
            request,
            replace: true,
        })
        .collect();
    let views = crate::views::all().flat_map(|v| v.quality_landed(state, endpoint));
    out.into_iter().chain(views).collect()
}

/// Alarms whose state CloudWatch has just changed: the series they watch are asked for at
/// once, so the fleet and the charts show the value the alarm evaluated within one refresh
/// instead of at the next poll (an hourly poll is five minutes apart). An alarm on a
/// model-quality metric means a run has ended: its endpoint's quality series and charts
/// (`quality_now`) and the fleet's last runs (the violation counts) are read too. One
/// alarm's change costs a request of the metrics of its endpoint; CloudWatch evaluates the
/// alarms, this only follows them.
pub fn alarms_changed(state: &State, changed: &[SeriesKey]) -> Vec<Command> {
    let mut out = Vec::new();
    let mut quality: Vec<crate::source::model::EndpointKey> = Vec::new();
    let mut minute: Vec<SeriesKey> = Vec::new();
    for key in changed {
        let Some(e) = state.endpoint_of_series(key) else {
            continue;
        };
        if is_hourly(key.period) {
            if !quality.contains(&e.key()) {
                quality.push(e.key());
            }
            continue;
        }
        // The fleet's own series of that metric (the alarm's statistic or period may differ
        // from the sparkline's), and the alarm's, when a chart holds it.
        let spec = metrics::spec_for(e, key);
        let fleet = spec
            .filter(|m| state.fleet_metrics.contains(&m.id))
            .map(|m| metrics::series_keys(e, m.id))
            .unwrap_or_default();
        for k in fleet
            .into_iter()
            .chain(state.store.get(key).is_some().then(|| key.clone()))
        {
            if !minute.contains(&k) {
                minute.push(k);
            }
        }
    }
    for endpoint in &quality {
        out.extend(quality_now(state, endpoint));
    }
    if !quality.is_empty() {
        out.push(Command::LoadFleetRuns);
    }
    out.extend(load_now(
        state,
        minute,
        FLEET_MINUTE_WINDOW,
        SeriesPurpose::AlarmChanged,
        true,
    ));
    out
}

/// The other metrics of the schedules whose probe just landed, still without this hour's
/// point: one request, sent at once.
pub fn siblings_of(state: &State, landed: &[SeriesKey]) -> Vec<Command> {
    if landed.is_empty() {
        return Vec::new();
    }
    let same_schedule = |a: &SeriesKey, b: &SeriesKey| {
        a.account_id == b.account_id && a.namespace == b.namespace && a.dimensions == b.dimensions
    };
    let keys: Vec<SeriesKey> = fleet_keys(state, true)
        .into_iter()
        .filter(|k| holds_data(state, k))
        .filter(|k| {
            landed
                .iter()
                .any(|l| same_schedule(l, k) && newest_held(state, k) < newest_held(state, l))
        })
        .collect();
    load_now(
        state,
        keys,
        FLEET_HOURLY_WINDOW,
        SeriesPurpose::Siblings,
        false,
    )
}

/// Endpoints whose rows the view on screen shows, by account and name (borrowed).
fn on_screen_now(state: &State) -> rustc_hash::FxHashSet<(&str, &str)> {
    crate::views::module(state.view).endpoints_on_screen(state)
}

/// The fleet rows on screen, by account and endpoint name (owned: taken before a change).
pub type OnScreen = rustc_hash::FxHashSet<(String, String)>;

pub fn on_screen(state: &State) -> OnScreen {
    on_screen_now(state)
        .into_iter()
        .map(|(a, e)| (a.to_owned(), e.to_owned()))
        .collect()
}

/// The fleet series of endpoint `index` (every fleet metric, both cadences).
fn keys_of_endpoint(state: &State, index: usize) -> Vec<SeriesKey> {
    let Some(e) = state.endpoints.get(index) else {
        return Vec::new();
    };
    let ids = state.fleet_metrics.iter();
    ids.flat_map(|&id| metrics::series_keys(e, id)).collect()
}

/// After the rows on screen changed (scrolled, filtered, sorted, resized, another view):
/// - rows that left every page keep their series' latest values only (memory follows the
///   pages; the work is the rows that left, not the fleet);
/// - rows on the screen are brought up to date at once (those that came onto it, and those
///   a replaced request left behind): their series held
///   short (latest value only) are asked for their whole window, and 1-minute data older
///   than the on-screen cadence keeps is asked again, so no value on screen is older than a
///   minute's refresh, however rarely off-screen rows are refreshed.
pub fn scrolled_in(state: &mut State, before: &OnScreen) -> Vec<Command> {
    let paged = paged(state);
    let index_of = |state: &State, (account, name): &(String, String)| {
        state.endpoint_index.get(account)?.get(name).copied()
    };
    let left: Vec<usize> = before
        .iter()
        .filter_map(|row| index_of(state, row))
        .filter(|i| !paged.contains(i))
        .collect();
    for i in left {
        for key in keys_of_endpoint(state, i) {
            let cap = capacity_for(state, &paged, &key);
            state.store.shrink(&key, cap);
        }
    }
    // Every row on screen, not only those that just arrived: this request replaces the one
    // before it, which may not have been answered (a row passed on the way by a typed
    // filter, still without its series). Rows already up to date are not stale.
    let now_on_screen = on_screen(state);
    let arrived = now_on_screen.iter().filter_map(|row| index_of(state, row));
    let keys: Vec<SeriesKey> = arrived.flat_map(|i| keys_of_endpoint(state, i)).collect();
    let behind = state.now.div_euclid(60) * 60 - 2 * 60;
    // A large fleet holds nothing of rows off screen (`wanted_keys`): a row scrolled in is
    // read at once, not at the next backfill.
    let unread = state.ranks_fleet();
    let stale = |k: &SeriesKey| match state.store.get(k) {
        Some(s) => {
            s.capacity() < capacity_for(state, &paged, k)
                || (!is_hourly(k.period) && s.last_slot().is_some_and(|last| last < behind))
        }
        None => unread,
    };
    let (hourly, minute): (Vec<SeriesKey>, Vec<SeriesKey>) = keys
        .into_iter()
        .filter(|k| stale(k))
        .partition(|k| is_hourly(k.period));
    // Scrolling on replaces the rows asked for before.
    [(minute, FLEET_MINUTE_WINDOW), (hourly, FLEET_HOURLY_WINDOW)]
        .into_iter()
        .filter(|(keys, _)| !keys.is_empty())
        .flat_map(|(keys, window)| load_now(state, keys, window, SeriesPurpose::ScrolledIn, true))
        .collect()
}

/// `keys` asked for at once, up to now over `window`, one request per account when the
/// source reads accounts apart.
fn load_now(
    state: &State,
    keys: Vec<SeriesKey>,
    window: i64,
    purpose: SeriesPurpose,
    replace: bool,
) -> Vec<Command> {
    request_up_to_now(state, keys, window)
        .into_iter()
        .flat_map(|request| apart(state, request))
        .map(|request| Command::LoadSeries {
            purpose,
            request,
            replace,
        })
        .collect()
}

/// `request` as one request per account when the source reads accounts apart (fan-out): each
/// account's answer then arrives on its own, and a slow account holds up only itself.
fn apart(state: &State, request: SeriesRequest) -> Vec<SeriesRequest> {
    if !state.reads_accounts_apart {
        return vec![request];
    }
    let SeriesRequest { keys, start, end } = request;
    let mut by_account: Vec<(String, Vec<SeriesKey>)> = Vec::new();
    for k in keys.iter() {
        match by_account.iter_mut().find(|(a, _)| *a == k.account_id) {
            Some((_, keys)) => keys.push(k.clone()),
            None => by_account.push((k.account_id.to_string(), vec![k.clone()])),
        }
    }
    by_account
        .into_iter()
        .map(|(_, keys)| SeriesRequest {
            keys: keys.into(),
            start,
            end,
        })
        .collect()
}

/// When 1-minute series are next worth asking for: once a new minute can have closed (asking
/// every few seconds reads the same closed minute again and again, at full price), and not
/// sooner than the configured refresh.
pub fn next_minute_refresh(now: Epoch, every: i64) -> Epoch {
    let next_minute = (now.div_euclid(60) + 1) * 60;
    next_minute.max(now + every)
}

/// Loads that are due at `state.now`; moves their schedule forward.
pub fn due(state: &mut State) -> Vec<Command> {
    if state.reads_once {
        return Vec::new();
    }
    let now = state.now;
    let every = state.refresh_secs.max(1);
    let mut out = Vec::new();
    let s = &mut state.schedule;
    if now >= s.fleet_at {
        s.fleet_at = now + FLEET_RELOAD_SECS;
        out.push(Command::LoadFleet);
    }
    if now >= s.alarms_at {
        s.alarms_at = now + every;
        // Fan-out: each account's alarms on their own, so a slow account holds up only itself.
        if state.reads_accounts_apart && !state.accounts.is_empty() {
            out.extend(
                state
                    .accounts
                    .iter()
                    .map(|a| Command::LoadAlarmsIn(a.id.clone())),
            );
        } else {
            out.push(Command::LoadAlarms);
        }
    }
    if now >= state.schedule.mute_rules_at {
        state.schedule.mute_rules_at = now + MUTE_RULES_SECS;
        out.push(Command::LoadMuteRules { reread: false });
    }
    if state.endpoints.is_empty() {
        return out;
    }
    if now >= state.schedule.fleet_runs_at {
        state.schedule.fleet_runs_at = now + FLEET_RUNS_SECS;
        out.push(Command::LoadFleetRuns);
    }
    // Each request goes out on its own schedule, and a schedule moves only when its request
    // is made: a backfill due between two minute refreshes must not wait for a tick where
    // both happen to fall (a late tick would part them for good).
    let fleet = |state: &State, hourly: bool, purposes: &[SeriesPurpose]| {
        fleet_requests(state, hourly)
            .into_iter()
            .filter(|(p, _)| purposes.contains(p))
            .flat_map(|(purpose, request)| {
                apart(state, request).into_iter().map(move |r| (purpose, r))
            })
            .map(|(purpose, request)| Command::LoadSeries {
                purpose,
                request,
                replace: false,
            })
            .collect::<Vec<_>>()
    };
    if now >= state.schedule.minute_series_at {
        state.schedule.minute_series_at = next_minute_refresh(now, every);
        out.extend(fleet(state, false, &[SeriesPurpose::Fleet]));
    }
    if now >= state.schedule.cold_series_at {
        state.schedule.cold_series_at = now + COLD_SERIES_SECS;
        out.extend(fleet(state, false, &[SeriesPurpose::OffScreen]));
    }
    if now >= state.schedule.backfill_at {
        state.schedule.backfill_at = now + BACKFILL_SECS;
        out.extend(fleet(state, false, &[SeriesPurpose::Backfill]));
    }
    if now >= state.schedule.hourly_series_at {
        state.schedule.hourly_series_at = now + HOURLY_POLL_SECS;
        // Hourly series without data are asked for with the hourly poll: a Model Monitor
        // schedule that has not run yet has nothing new each minute.
        out.extend(fleet(
            state,
            true,
            &[SeriesPurpose::Fleet, SeriesPurpose::Backfill],
        ));
    }
    for view in crate::views::all() {
        out.extend(view.series_due(state));
    }
    out
}

/// Makes every periodic load due at the next check (`r`, or new endpoints appeared).
pub fn make_all_due(state: &mut State) {
    state.schedule = Default::default();
}
