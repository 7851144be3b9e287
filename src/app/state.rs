//! `State`: plain data, everything the screen shows. Only `update` changes it.

use super::lineedit::LineEdit;
use crate::config::keymap::Keymap;
use crate::config::theme::Theme;
use crate::series::SeriesStore;
use crate::source::SourceKind;
use crate::source::model::*;
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use crate::overlays::Overlay;
pub use crate::views::View;
use crate::views::ViewStates;

/// Something fetched on demand.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Loadable<T> {
    #[default]
    NotRequested,
    Loading,
    Loaded(T),
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Prompt {
    None,
    Command(LineEdit),
    Filter(LineEdit),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlashLevel {
    Info,
    Error,
}

/// A one-line message in the status bar until `until`.
#[derive(Debug, Clone, PartialEq)]
pub struct Flash {
    pub text: String,
    pub level: FlashLevel,
    pub until: Epoch,
}

/// When each kind of data was last fetched, and the last error, for the freshness display.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Freshness {
    pub fleet_ok_at: Option<Epoch>,
    pub alarms_ok_at: Option<Epoch>,
    pub series_ok_at: Option<Epoch>,
    /// Newest datapoint held among the 1-minute series.
    pub newest_point: Option<Epoch>,
    pub last_error: Option<(Epoch, String)>,
}

/// Changes the trail found for an endpoint, marked on its charts' time axis.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChangeMarks {
    pub endpoint: Option<EndpointKey>,
    /// The query (by token) whose rows are its changes.
    pub token: Option<String>,
    /// Event times and names.
    pub events: Vec<(Epoch, String)>,
}

impl ChangeMarks {
    /// The change times to mark on `key`'s charts.
    pub fn for_endpoint(&self, key: &EndpointKey) -> &[(Epoch, String)] {
        match &self.endpoint {
            Some(k) if k == key => &self.events,
            _ => &[],
        }
    }
}

/// Derived from alarms when they load: which alarm watches which series and endpoint.
#[derive(Debug, Clone, Default)]
pub struct AlarmIndex {
    /// Alarm indices by the series they watch.
    pub by_series: HashMap<SeriesKey, Vec<usize>>,
    /// The worst state of the alarms on each endpoint, by account then endpoint name (so a
    /// lookup from an `Endpoint` borrows its strings instead of building a key), with the
    /// endpoint's region: the same name in another region of the account is another
    /// endpoint, kept in `worst_of_twins` (multi-region deployments name them alike).
    pub worst_by_endpoint: HashMap<AccountId, HashMap<String, (Region, AlarmState)>>,
    pub worst_of_twins: HashMap<EndpointKey, AlarmState>,
    /// Alarms in ALARM per account.
    pub in_alarm_by_account: HashMap<AccountId, usize>,
    /// Alarms silent now (actions off or muted by a rule), by the account they watch
    /// (`data::recount_muted`).
    pub muted_by_account: HashMap<AccountId, usize>,
    /// Alarms muted indefinitely (actions off) for longer than `muted_indefinitely_hours`,
    /// or since before any record says.
    pub muted_forgotten: usize,
}

/// Derived from the fleet's runs when they load: the violations of the last completed runs,
/// summed per endpoint and per account, so that a frame looks a row up instead of scanning
/// every schedule's run (10,000 at scale) for each row on screen.
#[derive(Debug, Clone, Default)]
pub struct ViolationIndex {
    /// By account, then endpoint name (a lookup borrows the row's strings).
    pub by_endpoint: HashMap<AccountId, HashMap<String, usize>>,
    pub by_account: HashMap<AccountId, usize>,
    /// Every account's: `None` while no run's report has been counted.
    pub total: Option<usize>,
}

impl ViolationIndex {
    pub fn of(runs: &[crate::source::monitor::ScheduleRun]) -> Self {
        let mut index = Self::default();
        for r in runs {
            let Some(n) = r.last_run.as_ref().and_then(|l| l.violations) else {
                continue;
            };
            let account = index.by_endpoint.entry(r.account_id.clone()).or_default();
            *account.entry(r.endpoint.clone()).or_default() += n;
            *index.by_account.entry(r.account_id.clone()).or_default() += n;
            index.total = Some(index.total.unwrap_or(0) + n);
        }
        index
    }
}

/// Where `Tab` is in the completion candidates: the one on the line, and the line as it was
/// before the first `Tab`, whose last word each candidate replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionPick {
    pub index: usize,
    pub base: String,
}

#[derive(Debug, Clone)]
pub struct State {
    pub source_kind: SourceKind,
    /// Series are asked for one account at a time (`FleetSource::reads_accounts_apart`).
    pub reads_accounts_apart: bool,
    /// The source computes Metrics Insights rankings (`FleetSource::ranks`).
    pub ranks_available: bool,
    /// Nothing is polled: the snapshot reads everything once, itself, and the requests a
    /// newly listed fleet would make at once are not built for nothing.
    pub reads_once: bool,
    /// Above this many endpoints in scope, off-screen rows are sorted by Metrics Insights
    /// rankings and only the rows on screen (and the endpoint open) have their series
    /// fetched (config `metrics_insights_above`; 0: never).
    pub metrics_insights_above: usize,
    pub readonly: bool,
    /// Writes confirmed this session: numbers each `Command::Write`.
    pub writes_confirmed: u64,
    /// Which accounts an alarm can be made in (`FleetSource::placement`).
    pub placement: crate::source::alarm_write::Placement,
    /// The clock at the last tick; all ages are measured from it.
    pub now: Epoch,
    /// Seconds between refreshes of the 1-minute series and the alarms.
    pub refresh_secs: i64,
    /// Terminal size, for paging and keeping the selection in view.
    pub size: (u16, u16),

    pub identity: Option<Identity>,
    pub accounts: Vec<Account>,
    pub endpoints: Vec<Endpoint>,
    /// `endpoints` indexed by account and name; rebuilt with it.
    pub endpoint_index: HashMap<AccountId, HashMap<String, usize>>,
    /// The status changes this console saw while it ran (Updating, InService, Failed), at
    /// most `STATUS_SEEN_MAX` per endpoint, for the incident tape; only endpoints that
    /// changed are held.
    pub status_seen: HashMap<EndpointKey, Vec<(Epoch, crate::source::model::EndpointStatus)>>,
    pub alarms: Vec<Alarm>,
    pub alarm_index: AlarmIndex,
    /// Alarm mute rules, indexed by the alarms they name.
    pub mutes: crate::source::mute::Mutes,
    /// Every Model Monitor schedule's last completed run and its violations (the fleet's
    /// violations column, the snapshot's `monitoring`).
    pub fleet_runs: Vec<crate::source::monitor::ScheduleRun>,
    /// `fleet_runs`' violations by endpoint and account.
    pub violations: ViolationIndex,
    pub store: SeriesStore,
    /// For each hourly series, how far into the hour its point was first seen: a Model
    /// Monitor schedule runs on a fixed cron and its jobs take about as long each time, so
    /// the next hour's point is not looked for much earlier.
    pub hourly_arrival: HashMap<SeriesKey, i64>,
    /// The hour in which each hourly series was last asked for and did not have that hour's
    /// point yet: only then does its landing tell when in the hour it lands.
    pub hourly_missed: HashMap<SeriesKey, Epoch>,
    /// The metrics kept fresh for every endpoint: the fleet's sparkline columns in the
    /// console, every metric in `snapshot`.
    pub fleet_metrics: Vec<crate::source::metrics::MetricId>,
    pub freshness: Freshness,
    /// Failing calls, throttling and GetMetricData usage, as the source last reported them.
    pub source_health: crate::source::SourceHealth,
    /// Seconds subtracted from this host's clock to get AWS's (`data::clock_correction`).
    pub clock_correction: i64,
    /// When the usage figures in `source_health` were last brought up to date.
    pub usage_shown_at: Epoch,

    /// Only this account's endpoints and alarms are listed (the accounts pane, `:account`).
    pub scope: Option<AccountId>,
    /// Only this region's (`:region`); beside the account scope, not instead of it.
    pub region_scope: Option<Region>,
    /// The regions the endpoints run in, each once, sorted (`set_endpoints`): the fleet
    /// shows a REGION column when there are several.
    pub regions: Vec<Region>,
    /// Some account has endpoints of the same name in several regions (`set_endpoints`).
    pub twin_names: bool,

    pub view: View,
    /// Where `Back` returns to from the endpoint screen.
    pub previous_view: View,
    /// Each view's own state.
    pub views: ViewStates,
    /// Hours an app may stay InService before the studio view calls it idle spend.
    pub studio_idle_hours: u32,
    /// Alarms with their actions off for longer than this are flagged (config
    /// `muted_indefinitely_hours`).
    pub muted_indefinitely_hours: u32,
    /// What the trail found changed on an endpoint, for its charts.
    pub change_marks: ChangeMarks,
    /// Dialogs above the view, the top one last: it takes input first.
    pub overlays: Vec<Overlay>,
    /// The last serial given to a confirmation's wait (`overlays::confirm::arm_waiting`).
    pub confirm_serial: u64,
    pub prompt: Prompt,
    /// Candidates for the word under the cursor of the `:` line, best first.
    pub completions: Vec<String>,
    /// The candidate `Tab`/`Shift-Tab` put on the line, while they walk the candidates.
    pub completion_pick: Option<CompletionPick>,
    pub flash: Option<Flash>,
    /// `:` commands typed this session, newest last.
    pub command_history: Vec<String>,

    pub theme: Theme,
    /// Themes `:theme` can switch to, by name.
    pub themes: Arc<Vec<Theme>>,
    pub keymap: Arc<Keymap>,
    pub should_quit: bool,
    /// When each periodic load is next due (see `refresh::due`).
    pub schedule: Schedule,
}

/// When periodic loads are next due, in epoch seconds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schedule {
    pub fleet_at: Epoch,
    pub alarms_at: Epoch,
    pub minute_series_at: Epoch,
    /// When 1-minute series off screen are next asked for.
    pub cold_series_at: Epoch,
    pub hourly_series_at: Epoch,
    pub backfill_at: Epoch,
    pub detail_at: Epoch,
    /// Every schedule's last run (`FLEET_RUNS_SECS`).
    pub fleet_runs_at: Epoch,
    /// Mute rules (`MUTE_RULES_SECS`).
    pub mute_rules_at: Epoch,
}

impl State {
    pub fn new(source_kind: SourceKind, now: Epoch, theme: Theme, keymap: Arc<Keymap>) -> Self {
        Self {
            source_kind,
            reads_accounts_apart: false,
            ranks_available: false,
            reads_once: false,
            metrics_insights_above: 500,
            readonly: false,
            writes_confirmed: 0,
            placement: Default::default(),
            now,
            refresh_secs: 10,
            size: (80, 24),
            identity: None,
            accounts: Vec::new(),
            endpoints: Vec::new(),
            endpoint_index: HashMap::default(),
            status_seen: HashMap::default(),
            alarms: Vec::new(),
            alarm_index: AlarmIndex::default(),
            mutes: Default::default(),
            fleet_runs: Vec::new(),
            violations: ViolationIndex::default(),
            store: SeriesStore::default(),
            hourly_arrival: HashMap::default(),
            hourly_missed: HashMap::default(),
            fleet_metrics: crate::source::metrics::FLEET_COLUMNS.to_vec(),
            freshness: Freshness::default(),
            source_health: Default::default(),
            usage_shown_at: 0,
            clock_correction: 0,
            scope: None,
            region_scope: None,
            regions: Vec::new(),
            twin_names: false,
            view: View::Fleet,
            previous_view: View::Fleet,
            views: ViewStates::default(),
            studio_idle_hours: 8,
            muted_indefinitely_hours: 24,
            change_marks: ChangeMarks::default(),
            overlays: Vec::new(),
            confirm_serial: 0,
            prompt: Prompt::None,
            completions: Vec::new(),
            completion_pick: None,
            flash: None,
            command_history: Vec::new(),
            theme,
            themes: Arc::new(Vec::new()),
            keymap,
            should_quit: false,
            schedule: Schedule::default(),
        }
    }

    pub fn account_label<'a>(&'a self, id: &'a str) -> &'a str {
        self.accounts
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.label.as_str())
            .unwrap_or(id)
    }

    pub fn endpoint(&self, key: &EndpointKey) -> Option<&Endpoint> {
        self.endpoints.get(self.endpoint_index_of(key)?)
    }

    /// `endpoint`, as its index in `endpoints`.
    pub fn endpoint_index_of(&self, key: &EndpointKey) -> Option<usize> {
        let i = *self.endpoint_index.get(&key.account_id)?.get(&key.name)?;
        if !self.twin_names || self.endpoints.get(i)?.region == key.region {
            return Some(i);
        }
        // The same name in another region of the account: the index holds one of them.
        (self.endpoints.iter()).position(|e| e.region == key.region && e.key() == *key)
    }

    /// The fleet is too large to fetch every endpoint's series: off-screen rows are sorted
    /// by Metrics Insights rankings, and only the rows on screen have series fetched.
    pub fn ranks_fleet(&self) -> bool {
        let above = self.metrics_insights_above;
        self.ranks_available && above > 0 && self.endpoints.len() > above && {
            let in_scope =
                (self.endpoints.iter()).filter(|e| self.in_scope(&e.account_id, &e.region));
            in_scope.count() > above
        }
    }

    pub fn endpoint_by_name(&self, account_id: &str, name: &str) -> Option<&Endpoint> {
        let i = *self.endpoint_index.get(account_id)?.get(name)?;
        self.endpoints.get(i)
    }

    /// The endpoint a series belongs to. Its name is one of the key's dimension values
    /// (whichever dimension a custom quality source names it by), and that endpoint must
    /// claim the key (`metrics::names_endpoint`): no registry of dimension names to keep.
    pub fn endpoint_of_series(&self, key: &SeriesKey) -> Option<&Endpoint> {
        self.endpoints.get(self.endpoint_index_of_series(key)?)
    }

    /// `endpoint_of_series`, as its index in `endpoints`.
    pub fn endpoint_index_of_series(&self, key: &SeriesKey) -> Option<usize> {
        let by_name = self.endpoint_index.get(key.account_id.as_str())?;
        // Account and name tell an endpoint unless another region has that name too.
        let names = |e: &Endpoint| {
            crate::source::metrics::names_endpoint(e, key)
                && (!self.twin_names || e.region == key.region)
        };
        let indexed = (key.dimensions.iter())
            .filter_map(|(_, value)| by_name.get(value.as_str()).copied())
            .find(|&i| self.endpoints.get(i).is_some_and(names));
        match indexed {
            // The same name in another region of the account: the index holds one of them.
            None if self.twin_names => self.endpoints.iter().position(names),
            found => found,
        }
    }

    /// Replaces the endpoint list and its index together. The index holds the first of
    /// the endpoints of one name in one account; `twin_names` says when another region has
    /// that name too (multi-region deployments name them alike).
    pub fn set_endpoints(&mut self, endpoints: Vec<Endpoint>) {
        self.endpoint_index.clear();
        self.twin_names = false;
        for (i, e) in endpoints.iter().enumerate() {
            let by_name = self.endpoint_index.entry(e.account_id.clone()).or_default();
            match by_name.entry(e.name.clone()) {
                std::collections::hash_map::Entry::Occupied(_) => self.twin_names = true,
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(i);
                }
            }
        }
        let mut regions: Vec<Region> = Vec::new();
        for e in &endpoints {
            if !regions.contains(&e.region) {
                regions.push(e.region.clone());
            }
        }
        regions.sort();
        self.regions = regions;
        self.endpoints = endpoints;
    }

    /// Whether something of `account_id` in `region` is within the scope (`:account`,
    /// `:region`).
    pub fn in_scope(&self, account_id: &str, region: &Region) -> bool {
        self.scope.as_ref().is_none_or(|a| a == account_id)
            && self.region_scope.as_ref().is_none_or(|r| r == region)
    }

    /// The worst state of the alarms watching an endpoint; `None` when none does.
    pub fn worst_alarm(&self, e: &Endpoint) -> Option<AlarmState> {
        let index = &self.alarm_index;
        match index.worst_by_endpoint.get(&e.account_id)?.get(&e.name)? {
            (region, worst) if *region == e.region => Some(*worst),
            _ => index.worst_of_twins.get(&e.key()).copied(),
        }
    }

    /// Whether keys go to a text field (the `:` line, the `/` filter, a dialog or form on
    /// top) rather than to the keymap.
    pub fn takes_text(&self) -> bool {
        !matches!(self.prompt, Prompt::None)
            || self.overlays.last().is_some_and(Overlay::takes_text)
    }
}
