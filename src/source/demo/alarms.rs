//! Alarm evaluation as CloudWatch does it, replayed over time from the same signal functions
//! the charts show: current state, when it began, the reason, and the history of transitions.

use super::world::{AlarmDef, MONITORING_ACCOUNT, SeriesRef, World, alarm_arn};
use super::{DAY, MINUTE, signal, utc};
use crate::source::model::*;
use std::sync::Arc;

/// How far back transitions are replayed; covers "the last 2 days" with the alarms' creation.
const HISTORY: i64 = 3 * DAY;
/// CloudWatch evaluates a new alarm about a minute after it is created.
const FIRST_EVALUATION: i64 = MINUTE;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub at: Epoch,
    pub from: AlarmState,
    pub to: AlarmState,
}

/// An alarm's states over `[from, now]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    pub from: Epoch,
    /// State at `from`.
    pub initial: AlarmState,
    /// Ascending in time, each strictly after `from`.
    pub transitions: Vec<Transition>,
    pub state: AlarmState,
    /// When the current state began (`from` when it began before the replayed window).
    pub since: Epoch,
    pub reason: String,
}

impl Timeline {
    fn steady(from: Epoch, state: AlarmState, since: Epoch, reason: &str) -> Self {
        Self {
            from,
            initial: state,
            transitions: Vec::new(),
            state,
            since,
            reason: reason.to_owned(),
        }
    }

    /// A replay over `window` (`window()`) as its first evaluation, to `first`, leaves it:
    /// an alarm first evaluated inside the window is INSUFFICIENT_DATA from its creation
    /// until then; an older one starts in the state it had at the window's start.
    fn begun(def: &AlarmDef, (from, evaluated_from): (Epoch, Epoch), first: AlarmState) -> Self {
        let mut tl = if evaluated_from == def.created + FIRST_EVALUATION {
            Self::steady(from, AlarmState::InsufficientData, def.created, "")
        } else {
            Self::steady(from, first, from, "")
        };
        tl.evaluated(evaluated_from, first);
        tl
    }

    /// Records an evaluation at `at`; whether it changed the state.
    fn evaluated(&mut self, at: Epoch, to: AlarmState) -> bool {
        if to == self.state {
            return false;
        }
        let from = std::mem::replace(&mut self.state, to);
        self.transitions.push(Transition { at, from, to });
        self.since = at;
        true
    }

    fn state_at(&self, t: Epoch) -> AlarmState {
        self.transitions
            .iter()
            .take_while(|x| x.at <= t)
            .last()
            .map_or(self.initial, |x| x.to)
    }
}

fn unchecked(def: &AlarmDef, now: Epoch) -> Timeline {
    let (from, reason) = (def.created.min(now), "Unchecked: Initial alarm creation");
    Timeline::steady(from, AlarmState::InsufficientData, def.created, reason)
}

/// The replayed window of `def` and when its evaluations start in it; `None` before its
/// first evaluation. The window starts `HISTORY` before the story (not before now), so an
/// alarm's timeline only grows with the clock: a steady alarm's `since` stays put, and a
/// replay can be carried forward instead of made again.
fn window(world: &World, def: &AlarmDef, now: Epoch) -> Option<(Epoch, Epoch)> {
    let first_eval = def.created + FIRST_EVALUATION;
    let from = def.created.max(world.start - HISTORY);
    (now >= first_eval).then_some((from, first_eval.max(from)))
}

/// Metric alarms' replays, carried forward between reads: at scale the demo has 12,000
/// alarms read every 10 s, and replaying three days of each every time was most of an idle
/// console's CPU.
#[derive(Debug, Default)]
pub struct Replays {
    kept: Vec<Option<Replay>>,
    /// Replays made from the start of the window (not carried forward).
    started: usize,
    /// Reads so far: replays are kept from the second on, so that a reader that reads once
    /// (the snapshot, at its memory peak) holds none.
    reads: usize,
}

#[cfg(test)]
impl Replays {
    /// Replays made from the start of the window.
    pub fn started(&self) -> usize {
        self.started
    }

    pub fn is_empty(&self) -> bool {
        self.kept.iter().all(Option::is_none)
    }
}

/// Timelines of every alarm, in `world.alarms` order (composites reuse their children's).
pub fn timelines(world: &World, replays: &mut Replays, now: Epoch) -> Vec<Arc<Timeline>> {
    replays.reads += 1;
    if replays.reads > 1 {
        replays.kept.resize_with(world.alarms.len(), || None);
    }
    let mut out: Vec<Arc<Timeline>> = Vec::with_capacity(world.alarms.len());
    for (i, def) in world.alarms.iter().enumerate() {
        // Not kept (the first read): made for this read alone.
        let mut once = None;
        let kept = replays.kept.get_mut(i).unwrap_or(&mut once);
        let tl = match def.kind {
            AlarmKind::Metric { .. } => carried(world, def, kept, &mut replays.started, now),
            AlarmKind::Composite { .. } => {
                let children = def.children.iter().map(|&c| &*out[c]).collect();
                Arc::new(composite(world, def, children, now))
            }
        };
        out.push(tl);
    }
    out
}

/// `def`'s timeline at `now` from its kept replay, carried forward (or made anew when
/// there is none, or the clock went back).
fn carried(
    world: &World,
    def: &AlarmDef,
    kept: &mut Option<Replay>,
    started: &mut usize,
    now: Epoch,
) -> Arc<Timeline> {
    // Carried forward unless the clock went back before its newest slot.
    if let (Some(replay), Some(rule), Some(r)) = (kept.as_mut(), MetricRule::of(def), &def.target)
        && signal::latest_slot(world, r, now) >= replay.newest
    {
        replay.advance(world, &rule, r, now);
        return Arc::clone(&replay.timeline);
    }
    *kept = None;
    match Replay::start(world, def, now) {
        Ok(r) => {
            *started += 1;
            Arc::clone(&kept.insert(r).timeline)
        }
        Err(tl) => Arc::new(tl),
    }
}

/// The timeline of one alarm (the world's or one made in the console), computing only the
/// children it needs.
pub fn timeline(world: &World, def: &AlarmDef, now: Epoch) -> Timeline {
    let children: Vec<Timeline> = (def.children.iter())
        .map(|&c| metric(world, &world.alarms[c], now))
        .collect();
    match def.kind {
        AlarmKind::Metric { .. } => metric(world, def, now),
        AlarmKind::Composite { .. } => composite(world, def, children.iter().collect(), now),
    }
}

/// A metric alarm's M-out-of-N rule.
#[derive(Debug, Clone, Copy)]
struct MetricRule {
    comparison: Comparison,
    threshold: f64,
    n: usize,
    m: usize,
}

impl MetricRule {
    /// The rule of a metric alarm; `None` for a composite.
    fn of(def: &AlarmDef) -> Option<Self> {
        let AlarmKind::Metric {
            comparison,
            threshold,
            evaluation_periods,
            datapoints_to_alarm,
            ..
        } = def.kind
        else {
            return None;
        };
        let n = evaluation_periods.max(1) as usize;
        let m = datapoints_to_alarm.clamp(1, n as u32) as usize;
        Some(Self {
            comparison,
            threshold,
            n,
            m,
        })
    }

    /// CloudWatch's M-out-of-N rule; with missing data treated as missing, a window with no
    /// data at all is INSUFFICIENT_DATA.
    fn evaluate(&self, window: &[Option<f64>]) -> AlarmState {
        let breaching = |v: &&f64| self.comparison.breaches(**v, self.threshold);
        if window.iter().all(Option::is_none) {
            AlarmState::InsufficientData
        } else if window.iter().flatten().filter(breaching).count() >= self.m {
            AlarmState::Alarm
        } else {
            AlarmState::Ok
        }
    }

    /// The values of its window on `r` ending at slot `last`, oldest first.
    fn values(&self, world: &World, r: &SeriesRef, last: Epoch) -> Vec<Option<f64>> {
        let p = signal::period(r);
        (1 - self.n as i64..=0)
            .map(|i| signal::value(world, r, last + i * p))
            .collect()
    }
}

fn metric(world: &World, def: &AlarmDef, now: Epoch) -> Timeline {
    match Replay::start(world, def, now) {
        Ok(r) => Arc::unwrap_or_clone(r.timeline),
        Err(tl) => tl,
    }
}

/// A metric alarm's evaluations up to a slot. Only what cannot be read again is kept (at
/// scale there are 12,000): the timeline, the newest slot evaluated, and the last slot of
/// the window that last changed the state (its values make the reason).
#[derive(Debug, Clone)]
pub struct Replay {
    /// Shared with the reader of the last read; copied only if it still holds it when a
    /// new slot is evaluated.
    timeline: Arc<Timeline>,
    newest: Epoch,
    changed: Epoch,
}

impl Replay {
    /// The replay up to `now`; `Err` with the whole timeline when there is nothing to replay
    /// (not yet evaluated, no series).
    fn start(world: &World, def: &AlarmDef, now: Epoch) -> Result<Self, Timeline> {
        let (Some(rule), Some(span)) = (MetricRule::of(def), window(world, def, now)) else {
            return Err(unchecked(def, now));
        };
        let Some(r) = &def.target else {
            // The series does not exist: every evaluation sees nothing.
            let reason = insufficient_reason(rule.n);
            let state = AlarmState::InsufficientData;
            return Err(Timeline::steady(span.0, state, def.created, &reason));
        };
        // The first evaluation happens at `span.1` itself, over the window ending at the
        // newest slot visible then.
        let newest = signal::latest_slot(world, r, span.1);
        let first = rule.evaluate(&rule.values(world, r, newest));
        let mut replay = Self {
            timeline: Arc::new(Timeline::begun(def, span, first)),
            newest,
            changed: newest,
        };
        replay.advance(world, &rule, r, now);
        replay.explain(world, &rule, r);
        Ok(replay)
    }

    /// Evaluates every window of `rule` on `r` whose last slot has become visible by `now`,
    /// at the moment it became visible.
    fn advance(&mut self, world: &World, rule: &MetricRule, r: &SeriesRef, now: Epoch) {
        let (p, delay) = (signal::period(r), signal::visibility_delay(world, r));
        let latest = signal::latest_slot(world, r, now);
        if latest <= self.newest {
            return;
        }
        // Each slot is read once: the window is a ring, its oldest slot giving way to the
        // newest (an evaluation counts breaching slots, in no order: nothing is moved).
        let (mut window, mut oldest) = (rule.values(world, r, self.newest), 0);
        let timeline = Arc::make_mut(&mut self.timeline);
        while self.newest < latest {
            self.newest += p;
            window[oldest] = signal::value(world, r, self.newest); // n >= 1 (`MetricRule::of`)
            oldest = (oldest + 1) % window.len();
            let state = rule.evaluate(&window);
            if timeline.evaluated(self.newest + delay, state) {
                self.changed = self.newest;
            }
        }
        self.explain(world, rule, r);
    }

    /// CloudWatch keeps the reason of the evaluation that changed the state.
    fn explain(&mut self, world: &World, rule: &MetricRule, r: &SeriesRef) {
        let timeline = Arc::make_mut(&mut self.timeline);
        timeline.reason = metric_reason(world, rule, r, self.changed, timeline.state);
    }
}

fn datapoints(k: usize) -> &'static str {
    if k == 1 { "datapoint" } else { "datapoints" }
}

fn insufficient_reason(n: usize) -> String {
    let was = if n == 1 { "was" } else { "were" };
    format!("Insufficient Data: {n} {} {was} unknown.", datapoints(n))
}

/// CloudWatch's wording for the window of `rule` on `r` ending at slot `last`: `Threshold
/// Crossed: 1 datapoint [0.781 (26/11/26 10:00:00)] was less than the threshold (0.85).`,
/// newest datapoint first.
fn metric_reason(
    world: &World,
    rule: &MetricRule,
    r: &SeriesRef,
    last: Epoch,
    state: AlarmState,
) -> String {
    let (n, p) = (rule.n, signal::period(r));
    let (breaching, fine): (Vec<_>, Vec<_>) = (rule.values(world, r, last).iter().enumerate())
        .rev()
        .filter_map(|(i, v)| v.map(|v| (last - (n - 1 - i) as i64 * p, v)))
        .partition(|&(_, v)| rule.comparison.breaches(v, rule.threshold));
    if breaching.is_empty() && fine.is_empty() {
        return insufficient_reason(n);
    }
    let relation = comparison_words(rule.comparison);
    // CloudWatch prints thresholds as doubles, as `Debug` does: `(90.0)`, `(0.85)`.
    let threshold = format!("{:?}", rule.threshold);
    let list = |pts: &[(Epoch, f64)]| {
        let point = |&(t, v): &(Epoch, f64)| {
            format!("{} ({})", fmt_value(v), utc(t * 1000, "%d/%m/%y %H:%M:%S"))
        };
        pts.iter().map(point).collect::<Vec<_>>().join(", ")
    };
    let alarm = state == AlarmState::Alarm;
    if !alarm && n > 1 && breaching.is_empty() {
        return format!(
            "Threshold Crossed: no datapoints were {relation} the threshold ({threshold}). The most recent datapoints which were not {relation} the threshold: [{}].",
            list(&fine)
        );
    }
    // The datapoints that decided the state, and how many it takes to change it.
    let (pts, not, min, transition) = if alarm {
        (&breaching, "", rule.m, "OK -> ALARM")
    } else {
        (&fine, "not ", n + 1 - rule.m, "ALARM -> OK")
    };
    let k = pts.len();
    let counted = if alarm && n > 1 {
        format!("{k} out of the last {n} datapoints")
    } else {
        format!("{k} {}", datapoints(k))
    };
    let words = datapoints(min);
    let rule = format!(" (minimum {min} {words} for {transition} transition)");
    let rule_text = if n == 1 { "" } else { &rule };
    format!(
        "Threshold Crossed: {counted} [{}] {} {not}{relation} the threshold ({threshold}){rule_text}.",
        list(pts),
        if k == 1 { "was" } else { "were" }
    )
}

fn comparison_words(c: Comparison) -> &'static str {
    match c {
        Comparison::GreaterThanOrEqualToThreshold => "greater than or equal to",
        Comparison::GreaterThanThreshold => "greater than",
        Comparison::LessThanThreshold => "less than",
        Comparison::LessThanOrEqualToThreshold => "less than or equal to",
    }
}

/// Three decimals at most, trailing zeros dropped: `0.781`, `92.133`, `12`.
fn fmt_value(v: f64) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A composite is ALARM while any child is (the demo's rules are all ORs), OK otherwise.
fn composite(world: &World, def: &AlarmDef, children: Vec<&Timeline>, now: Epoch) -> Timeline {
    let Some(span @ (_, evaluated_from)) = window(world, def, now) else {
        return unchecked(def, now);
    };
    let names = def.children.iter().map(|&c| world.alarms[c].name.as_str());
    let children: Vec<(&str, &Timeline)> = names.zip(children).collect();
    let in_alarm = |t: Epoch| (children.iter()).find(|(_, c)| c.state_at(t) == AlarmState::Alarm);
    let rule_at = |t: Epoch| in_alarm(t).map_or(AlarmState::Ok, |_| AlarmState::Alarm);
    let mut events: Vec<(Epoch, &str, AlarmState)> = (children.iter())
        .flat_map(|(name, c)| c.transitions.iter().map(move |x| (x.at, *name, x.to)))
        .filter(|&(at, ..)| at > evaluated_from && at <= now)
        .collect();
    events.sort_by_key(|e| e.0);
    let mut tl = Timeline::begun(def, span, rule_at(evaluated_from));
    let mut cause = None;
    for &(at, name, to) in &events {
        if tl.evaluated(at, rule_at(at)) {
            cause = Some((at, name, to));
        }
    }
    tl.reason = match (cause, in_alarm(tl.since)) {
        (Some((at, child, to)), _) => {
            let when = utc(at * 1000, "%A %d %B, %Y %H:%M:%S UTC");
            format!("{} transitioned to {to} at {when}", alarm_arn(child))
        }
        (None, Some((child, _))) => format!("{} is in ALARM", alarm_arn(child)),
        (None, None) => "No alarm in the rule is in ALARM".to_owned(),
    };
    tl
}

/// DescribeAlarmHistory's items, newest first: every transition in the replayed window and
/// the alarm's creation when it falls inside it.
pub fn history(def: &AlarmDef, tl: &Timeline) -> Vec<AlarmHistoryItem> {
    let item = |timestamp, item_type, summary| AlarmHistoryItem {
        timestamp,
        item_type,
        summary,
    };
    let updates = tl.transitions.iter().rev().map(|x| {
        let summary = format!("Alarm updated from {} to {}", x.from, x.to);
        item(x.at, HistoryItemType::StateUpdate, summary)
    });
    let created = (def.created >= tl.from).then(|| {
        let summary = format!("Alarm \"{}\" created", def.name);
        item(def.created, HistoryItemType::ConfigurationUpdate, summary)
    });
    updates.chain(created).collect()
}

/// The domain `Alarm` for a definition and its evaluated timeline, its actions switched on
/// or off as `actions_enabled` says when it says.
pub fn to_alarm(def: &AlarmDef, tl: &Timeline, actions_enabled: Option<bool>) -> Alarm {
    Alarm {
        account_id: MONITORING_ACCOUNT.to_owned(),
        id: def.name.clone(),
        name: def.name.clone(),
        kind: def.kind.clone(),
        state: tl.state,
        reason: tl.reason.clone(),
        state_since: tl.since,
        endpoint: Some(def.endpoint.clone()),
        actions_enabled: actions_enabled.unwrap_or(def.actions_enabled),
        settings: def.settings.clone(),
        region: def.endpoint.region.clone(),
    }
}
