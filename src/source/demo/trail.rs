//! The demo organisation's CloudTrail: three days of synthetic events before `start`,
//! continuing live up to the clock's now, searched in memory with the filter's matcher and
//! answered as Athena would (QUEUED, RUNNING with bytes scanned growing, SUCCEEDED; pages of
//! 1,000 rows; the lifecycle is `query`'s).
//!
//! The story's episodes (`story`) are its scripted calls: the deployments, the role assumed,
//! the mutes and the refused scale-out; Model Monitor's runs (`monitor`) are its processing
//! jobs. Around them: reads by each account's engineer and the console itself, and the
//! console putting the alarms two days ago.
//!
//! Events are a pure function of (seed, world, hour): built an hour at a time on first use
//! and kept, so a query costs no generation and the trail grows with the live clock.
//! Identities are shared between events, fixed strings are `&'static`.
//!
//! A filter is evaluated with `trail::matcher` (exactly `sql::select`'s WHERE); an event's
//! detail returns `sql::DETAIL_COLUMNS` under their aliases; raw SQL is read back into the
//! filter it was made from (`raw`), else the query FAILS saying to run it on AWS.

use super::monitor::{self, Runs};
use super::query::{Book, KEPT_QUERIES, Run};
use super::rng::{Rng, hash_str, mix, splitmix64, uuid_of};
use super::story::{
    Act, Actor, CREATING_ENDPOINT, DEPLOYER_ROLE, EPISODES, Episode, ON_CALL_ROLE, ON_CALL_USER,
};
use super::world::{
    IDENTITY_ARN, MONITORING_ACCOUNT, SimEndpoint, World, alarm_arn, region_of_account,
    sagemaker_arn,
};
use super::{DAY, DemoSource, HOUR, MINUTE, refused};
use crate::source::SourceError;
use crate::source::model::{AlarmKind, Epoch};
use crate::source::trail::{QueryState, QueryStatus, ResultPage, Search, TrailQuery, TrailSource};
use crate::trail::matcher::{Fields, Matcher};
use crate::trail::sql::{COLUMNS, DETAIL_COLUMNS};
use async_trait::async_trait;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// How far before `start` the trail begins.
pub const HISTORY: i64 = 3 * DAY;
/// Rows a result page holds, as GetQueryResults serves them.
pub const PAGE_ROWS: usize = 1000;
/// Bytes a query scans per account and day of the `timestamp` layout: a busy account's
/// compressed trail, roughly.
pub const BYTES_PER_ACCOUNT_DAY: u64 = 150_000_000;
/// Background is generated for this many accounts at most (`--demo-scale` has hundreds).
const MAX_ACCOUNTS: usize = 12;
/// And alarm puts for this many alarms at most.
const MAX_ALARMS: usize = 200;

const SAGEMAKER: &str = "sagemaker.amazonaws.com";
const MONITORING: &str = "monitoring.amazonaws.com";
const STS: &str = "sts.amazonaws.com";

/// One user agent per kind of caller: the CLI (people's and CI's), this console.
const CLI_UA: &str = "aws-cli/2.22.5 md/awscrt#0.22.0 ua/2.0 os/macos#24.1.0 md/arch#arm64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source";
const RUST_UA: &str = "aws-sdk-rust/1.3.9 ua/2.1 api/cloudwatch/1.60.0 os/linux lang/rust/1.85.0";

/// Who made a call: the `useridentity` struct (its `accountid` the ARN's).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Identity {
    /// `AssumedRole`, `AWSService` (the demo has no IAM users: no `username`).
    pub kind: &'static str,
    pub principalid: Option<String>,
    pub arn: Option<String>,
    pub invokedby: Option<&'static str>,
    /// `sessioncontext.sourceidentity`.
    pub sourceidentity: Option<String>,
}

/// One CloudTrail event, with the table's columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event {
    pub time: Epoch,
    /// `time` as CloudTrail writes it (ISO 8601, Z).
    pub eventtime: Box<str>,
    pub recipientaccountid: Arc<str>,
    pub identity: Arc<Identity>,
    pub eventname: &'static str,
    pub eventsource: &'static str,
    pub errorcode: Option<&'static str>,
    pub errormessage: Option<Box<str>>,
    pub sourceipaddress: Box<str>,
    pub useragent: &'static str,
    /// JSON text, NULL for calls without parameters.
    pub requestparameters: Option<Box<str>>,
    pub responseelements: Option<Box<str>>,
    pub eventid: Box<str>,
    pub readonly: bool,
    /// The one entry of `resources` an event has here, if any, as the matcher reads the
    /// column: JSON text, as Athena's `json_format(CAST(resources AS JSON))` writes it.
    pub resources: Option<Box<str>>,
}

fn iso(t: Epoch) -> String {
    super::utc(t * 1000, "%Y-%m-%dT%H:%M:%SZ")
}

/// The `yyyy/MM/dd` partition holding `t`.
fn day_of(t: Epoch) -> Epoch {
    t.div_euclid(DAY)
}

impl Event {
    /// The columns the matcher reads.
    pub fn fields(&self) -> Fields<'_> {
        Fields {
            eventtime: &self.eventtime,
            eventname: Some(self.eventname),
            eventsource: Some(self.eventsource),
            recipientaccountid: Some(&self.recipientaccountid),
            awsregion: Some(region_of_account(&self.recipientaccountid)),
            arn: self.identity.arn.as_deref(),
            username: None,
            errorcode: self.errorcode,
            sourceipaddress: Some(&self.sourceipaddress),
            requestparameters: self.requestparameters.as_deref(),
            responseelements: self.responseelements.as_deref(),
            resources: self.resources.as_deref(),
            readonly: Some(if self.readonly { "true" } else { "false" }),
        }
    }

    /// The value of a column of the table the detail or raw SQL reads (`useridentity.arn`
    /// and the like for the struct's fields; any case): `None` when the demo has no such
    /// column, `Some(None)` for NULL.
    pub fn column(&self, name: &str) -> Option<Option<&str>> {
        let id = &self.identity;
        Some(match name.to_ascii_lowercase().as_str() {
            "eventtime" => Some(&*self.eventtime),
            "eventname" => Some(self.eventname),
            "eventsource" => Some(self.eventsource),
            "awsregion" => Some(region_of_account(&self.recipientaccountid)),
            "recipientaccountid" => Some(&*self.recipientaccountid),
            "errorcode" => self.errorcode,
            "errormessage" => self.errormessage.as_deref(),
            "sourceipaddress" => Some(&*self.sourceipaddress),
            "useragent" => Some(self.useragent),
            "requestparameters" => self.requestparameters.as_deref(),
            "responseelements" => self.responseelements.as_deref(),
            "eventid" => Some(&*self.eventid),
            "readonly" => Some(if self.readonly { "true" } else { "false" }),
            "useridentity.type" => Some(id.kind),
            "useridentity.principalid" => id.principalid.as_deref(),
            "useridentity.arn" => id.arn.as_deref(),
            "useridentity.accountid" => id.arn.as_deref().and_then(|a| a.split(':').nth(4)),
            "useridentity.invokedby" => id.invokedby,
            "useridentity.username" => None,
            "useridentity.sessioncontext.sourceidentity" => id.sourceidentity.as_deref(),
            _ => return None,
        })
    }

    /// The values of `columns`, NULL for a column the table does not have.
    pub fn row(&self, columns: &[impl AsRef<str>]) -> Vec<Option<String>> {
        let value = |c: &dyn AsRef<str>| self.column(c.as_ref()).flatten().map(str::to_owned);
        columns.iter().map(|c| value(c)).collect()
    }
}

fn assumed_role(account: &str, role: &str, session: &str, source: Option<&str>) -> Arc<Identity> {
    Arc::new(Identity {
        kind: "AssumedRole",
        // An `AROA...` id: the prefix and 17 upper-case hex digits.
        principalid: Some(format!(
            "AROA{:017X}:{session}",
            hash_str(&format!("{account}/{role}"))
        )),
        arn: Some(format!(
            "arn:aws:sts::{account}:assumed-role/{role}/{session}"
        )),
        sourceidentity: source.map(str::to_owned),
        ..Default::default()
    })
}

const SSO_ENGINEER: &str = "AWSReservedSSO_MLEngineer_5f3c9a1b2d4e6f70";
const CI_ROLE: &str = "github-actions-deploy";

/// Who makes a call, from where, with which client.
type Caller = (Arc<Identity>, String, &'static str);

/// This console: its role in the monitoring account, as `IDENTITY_ARN` names it (with its
/// session), from its bastion host.
fn console() -> Caller {
    let (_, console) = IDENTITY_ARN.split_once('/').unwrap_or_default();
    let (role, session) = console.split_once('/').unwrap_or_default();
    let who = assumed_role(MONITORING_ACCOUNT, role, session, None);
    (who, "10.20.1.10".to_owned(), RUST_UA)
}

/// A person's address on the VPN (the same for their SSO and their deployer sessions).
fn vpn(person: &str) -> String {
    let h = hash_str(person.trim_end_matches("@example.com"));
    format!("10.8.{}.{}", 1 + h % 60, 2 + (h >> 8) % 250)
}

/// Who makes an account's background calls, and what they are about.
#[derive(Debug)]
struct Cast {
    account: Arc<str>,
    /// `ENGINEER` (SSO, the CLI over the VPN), `SAGEWATCH` (this console, `console`).
    callers: [Caller; 2],
    /// The monitoring account's alarms, else the account's endpoints with data (Creating
    /// ones have none).
    about: Vec<String>,
}

const ENGINEER: usize = 0;
const SAGEWATCH: usize = 1;

fn cast(world: &World, i: usize) -> Cast {
    let a = &world.accounts[i];
    let id = a.id.as_str();
    let engineer = format!("{}-engineer@example.com", a.label);
    let about = if id == MONITORING_ACCOUNT {
        let alarms = world.alarms.iter().take(MAX_ALARMS);
        alarms.map(|a| a.name.clone()).collect()
    } else {
        let live = world.endpoints.iter().filter(|e| e.profile.has_data);
        let mine = live.filter(|e| e.endpoint.account_id == a.id);
        mine.map(|e| e.endpoint.name.clone()).collect()
    };
    Cast {
        account: Arc::from(id),
        callers: [
            (
                assumed_role(id, SSO_ENGINEER, &engineer, None),
                vpn(&engineer),
                CLI_UA,
            ),
            console(),
        ],
        about,
    }
}

/// Events are built as calls (`Event::call` and its setters), then placed in time (`at`).
impl Event {
    fn call(
        account: &Arc<str>,
        (identity, ip, agent): &Caller,
        source: &'static str,
        name: &'static str,
    ) -> Self {
        Self {
            recipientaccountid: Arc::clone(account),
            identity: Arc::clone(identity),
            eventname: name,
            eventsource: source,
            sourceipaddress: ip.as_str().into(),
            useragent: agent,
            // The verbs that only read.
            readonly: ["Describe", "List", "Get"]
                .iter()
                .any(|p| name.starts_with(p))
                || name == "AssumeRole",
            ..Self::default()
        }
    }

    fn request(mut self, v: Value) -> Self {
        self.requestparameters = Some(v.to_string().into_boxed_str());
        self
    }

    fn response(mut self, v: Value) -> Self {
        self.responseelements = Some(v.to_string().into_boxed_str());
        self
    }

    /// Answered with the SageMaker resource it made or changed, of `kind` as its ARN has
    /// it (`endpoint-config`), named `name`: its ARN (`endpointConfigArn`), also in
    /// `resources` (`AWS::SageMaker::EndpointConfig`).
    fn made(self, kind: &str, name: &str) -> Self {
        let words = kind.split('-').map(|w| w[..1].to_uppercase() + &w[1..]);
        let pascal: String = words.collect();
        let key = format!("{}{}Arn", &kind[..1], &pascal[1..]);
        let arn = sagemaker_arn(&self.recipientaccountid, kind, name);
        let kind = format!("AWS::SageMaker::{pascal}");
        self.response(json!({ key: &arn })).resource(arn, &kind)
    }

    fn error(mut self, code: &'static str, message: impl Into<Box<str>>) -> Self {
        self.errorcode = Some(code);
        self.errormessage = Some(message.into());
        self.responseelements = None;
        self
    }

    fn resource(mut self, arn: String, kind: &str) -> Self {
        let text = json!([{"arn": arn, "accountid": &*self.recipientaccountid, "type": kind}]);
        self.resources = Some(text.to_string().into_boxed_str());
        self
    }

    fn at(mut self, time: Epoch, id: u64) -> Self {
        self.time = time;
        self.eventtime = iso(time).into_boxed_str();
        self.eventid = uuid_of(id, splitmix64(id)).into_boxed_str();
        self
    }
}

/// A background call, as likely as the others of its account: who makes it (of
/// `Cast::callers`), its name, and the one parameter of its request, naming what it is
/// about (`Cast::about`).
type Call = (usize, &'static str, Option<&'static str>);

/// The monitoring account's calls, about its alarms: the console's own reads among them.
const MONITORING_CALLS: [Call; 3] = [
    (SAGEWATCH, "GetMetricData", None),
    (SAGEWATCH, "DescribeAlarms", None),
    (ENGINEER, "DescribeAlarmHistory", Some("alarmName")),
];

/// A source account's calls, about one of its endpoints.
const SOURCE_CALLS: [Call; 2] = [
    (ENGINEER, "DescribeEndpoint", Some("endpointName")),
    (ENGINEER, "ListEndpoints", None),
];

/// One background call in account `c`.
fn background(c: &Cast, rng: &mut Rng) -> Event {
    let (calls, source) = if &*c.account == MONITORING_ACCOUNT {
        (&MONITORING_CALLS[..], MONITORING)
    } else {
        (&SOURCE_CALLS[..], SAGEMAKER)
    };
    let &(caller, name, parameter) = &calls[rng.below(calls.len())];
    let call = Event::call(&c.account, &c.callers[caller], source, name);
    match (parameter, c.about.get(rng.below(c.about.len()))) {
        (Some(parameter), Some(about)) => call.request(json!({ parameter: about })),
        _ => call,
    }
}

/// The events of one hour across the organisation (the story's of `story` among them),
/// unsorted.
fn hour_events(world: &World, store: &Store, seed: u64, hour: Epoch, out: &mut Vec<Event>) {
    let mut k = 0u64;
    let mut place = |call: Event, time| {
        k += 1;
        out.push(call.at(time, mix(mix(seed, hour as u64), k)));
    };
    let scripted = store
        .story
        .iter()
        .filter(|(t, _)| (hour..hour + HOUR).contains(t));
    for (time, call) in scripted {
        place(call.clone(), *time);
    }
    // SageMaker itself, for the model monitor's processing jobs.
    let service = Identity {
        kind: "AWSService",
        invokedby: Some(SAGEMAKER),
        ..Default::default()
    };
    let service = (Arc::new(service), SAGEMAKER.to_owned(), SAGEMAKER);
    let casts = &store.casts;
    for (i, c) in casts.iter().enumerate() {
        let acct = c.account.as_ref();
        let mut rng = Rng::new(mix(mix(seed, hour as u64), hash_str(acct) ^ i as u64));
        for _ in 0..3 + rng.below(6) {
            let call = background(c, &mut rng);
            place(call, hour + rng.below(HOUR as usize) as i64);
        }
        // Model Monitor's runs started this hour, as their processing jobs: the names the
        // monitor pane, the jobs view and the logs show.
        let end = hour + HOUR - 1;
        let runs = monitor::job_runs(world, &Runs::default(), acct, hour, end, end);
        for run in runs.iter().filter(|r| r.created >= hour) {
            let call = Event::call(&c.account, &service, SAGEMAKER, "CreateProcessingJob")
                .request(json!({ "processingJobName": run.job }))
                .made("processing-job", &run.job);
            place(call, run.created);
        }
    }
}

/// The calls of one episode of the story, to endpoint `e`.
fn episode(world: &World, ep: &Episode, e: &SimEndpoint, out: &mut Vec<(Epoch, Event)>) {
    let endpoint = e.endpoint.name.as_str();
    // Alarms are muted from the monitoring account.
    let account: Arc<str> = match ep.act {
        Act::MuteAlarms => Arc::from(MONITORING_ACCOUNT),
        _ => Arc::from(e.endpoint.account_id.as_str()),
    };
    // In the account called (a mute is the monitoring account's), over the VPN but CI.
    let (role, session, ip) = match ep.actor {
        Actor::Engineer(name) => (SSO_ENGINEER, name, vpn(name)),
        Actor::Deployer(name) => (DEPLOYER_ROLE, name, vpn(name)),
        Actor::Ci => (CI_ROLE, "GitHubActions", "203.0.113.77".to_owned()),
        Actor::OnCall => (ON_CALL_ROLE, ON_CALL_USER, vpn(ON_CALL_USER)),
    };
    let deployer = matches!(ep.actor, Actor::Deployer(_)).then_some(session);
    let who = assumed_role(&account, role, session, deployer);
    let source = match ep.act {
        Act::MuteAlarms => MONITORING,
        Act::AssumeDeployer(_) => STS,
        _ => SAGEMAKER,
    };
    let caller = (who, ip, CLI_UA);
    let call = |name| Event::call(&account, &caller, source, name);
    let at = world.start + ep.at;
    match ep.act {
        // The model, its endpoint config, the endpoint created or updated, a few minutes
        // apart; then one poll, once it is InService.
        Act::Deploy(r) => {
            // Unless an earlier try made the model.
            let tried = |p: &Episode| matches!(p.act, Act::Deploy(q) if q.model == r.model);
            if !EPISODES.iter().any(|p| p.at < ep.at && tried(p)) {
                let create = call("CreateModel")
                    .request(json!({ "modelName": r.model }))
                    .made("model", r.model);
                out.push((at - 11 * MINUTE, create));
            }
            let variant = json!({"modelName": r.model, "instanceType": r.instance});
            let configure = call("CreateEndpointConfig")
                .request(json!({"endpointConfigName": r.config, "productionVariants": [variant]}))
                .made("endpoint-config", r.config);
            out.push((at - 7 * MINUTE, configure));
            // An endpoint being created is created, any other updated.
            let change = call(if ep.endpoint == CREATING_ENDPOINT {
                "CreateEndpoint"
            } else {
                "UpdateEndpoint"
            })
            .request(json!({"endpointName": endpoint, "endpointConfigName": r.config}))
            .made("endpoint", endpoint);
            match r.refused {
                Some(refusal) => out.push((at, change.error("ResourceLimitExceeded", refusal))),
                None => {
                    let poll =
                        call("DescribeEndpoint").request(json!({ "endpointName": endpoint }));
                    out.extend([(at, change), (at + 9 * MINUTE + 7, poll)]);
                }
            }
        }
        Act::AssumeDeployer(session) => {
            let role = format!("arn:aws:iam::{account}:role/{DEPLOYER_ROLE}");
            let assumed = format!("arn:aws:sts::{account}:assumed-role/{DEPLOYER_ROLE}/{session}");
            let assume = call("AssumeRole")
                .request(json!({ "roleArn": role, "roleSessionName": session }))
                .response(json!({ "assumedRoleUser": { "arn": assumed } }))
                .resource(role, "AWS::IAM::Role");
            out.push((at, assume));
        }
        Act::MuteAlarms => {
            let key = e.endpoint.key();
            let muted = world.alarms.iter().filter(|a| a.endpoint == key);
            for a in muted.filter(|a| !a.actions_enabled) {
                let mute = call("DisableAlarmActions")
                    .request(json!({ "alarmNames": [a.name] }))
                    .resource(alarm_arn(&a.name), "AWS::CloudWatch::Alarm");
                out.push((at, mute));
            }
        }
        Act::ScaleOut => {
            let target = sagemaker_arn(&account, "endpoint", endpoint);
            // Refused: the on-call role may not scale endpoints.
            let action = "sagemaker:UpdateEndpointWeightsAndCapacities";
            let who = caller.0.arn.as_deref().unwrap_or_default();
            let refusal = format!(
                "User: {who} is not authorized to perform: {action} on resource: {target} because no identity-based policy allows the {action} action"
            );
            let scale = call("UpdateEndpointWeightsAndCapacities")
                .request(json!({ "endpointName": endpoint, "desiredInstanceCount": 2 }))
                .error("AccessDenied", refusal)
                .resource(target, "AWS::SageMaker::Endpoint");
            out.push((at, scale));
        }
    }
}

/// The scripted calls: the story's episodes and the alarms being put by this console.
/// `(time, call)`s.
fn story(world: &World) -> Vec<(Epoch, Event)> {
    let mut calls: Vec<(Epoch, Event)> = Vec::new();
    for ep in &EPISODES {
        let (label, name) = ep.endpoint;
        let account = world.accounts.iter().find(|a| a.label == label);
        if let Some(i) = account.and_then(|a| world.endpoint_index(&a.id, name)) {
            episode(world, ep, &world.endpoints[i], &mut calls);
        }
    }
    let monitoring: Arc<str> = Arc::from(MONITORING_ACCOUNT);
    let console = console();
    for a in world.alarms.iter().take(MAX_ALARMS) {
        let name = match a.kind {
            AlarmKind::Metric { .. } => "PutMetricAlarm",
            AlarmKind::Composite { .. } => "PutCompositeAlarm",
        };
        let put = Event::call(&monitoring, &console, MONITORING, name)
            .request(json!({ "alarmName": a.name }))
            .resource(alarm_arn(&a.name), "AWS::CloudWatch::Alarm");
        calls.push((a.created, put));
    }
    calls
}

/// The events generated so far.
#[derive(Debug, Default)]
struct Store {
    /// Every hour before this one is in `events` (0 before the first).
    until: Epoch,
    casts: Vec<Cast>,
    story: Vec<(Epoch, Event)>,
    /// Oldest first.
    events: Vec<Event>,
}

impl Store {
    /// The events up to `now`, oldest first.
    fn upto(&self, now: Epoch) -> &[Event] {
        &self.events[..self.events.partition_point(|e| e.time <= now)]
    }
}

/// How long a demo query stays in each state, in real time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrailTiming {
    pub queued: Duration,
    /// The longest a query runs (a small one runs for half of it).
    pub running: Duration,
}

/// A search's answer: column labels and rows, and the bytes it scans.
#[derive(Debug, Default)]
struct Answer {
    columns: Vec<String>,
    rows: Vec<Vec<Option<String>>>,
    scanned: u64,
}

impl Answer {
    /// The page of rows from `next` (a row offset; the first page has the labels).
    fn page(&self, next: Option<&str>) -> Result<ResultPage, String> {
        let rows = &self.rows;
        let offset = next.map_or(Some(0), |t| t.parse().ok().filter(|&o| o <= rows.len()));
        let offset = offset.ok_or("invalid next token")?;
        let end = (offset + PAGE_ROWS).min(rows.len());
        Ok(ResultPage {
            columns: next.map_or_else(|| self.columns.clone(), |_| Vec::new()),
            rows: rows[offset..end].to_vec(),
            next: (end < rows.len()).then(|| end.to_string()),
        })
    }
}

/// The demo's trail: its events and its queries.
#[derive(Debug)]
pub struct Trail {
    seed: u64,
    store: Mutex<Store>,
    queries: Book<Answer>,
    timing: TrailTiming,
}

impl Trail {
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            store: Mutex::default(),
            queries: Book::default(),
            timing: TrailTiming {
                queued: Duration::from_millis(300),
                running: Duration::from_millis(2000),
            },
        }
    }

    pub fn with_timing(mut self, timing: TrailTiming) -> Self {
        self.timing = timing;
        self
    }

    /// The events, generated as far as `now`.
    fn events(&self, world: &World, now: Epoch) -> MutexGuard<'_, Store> {
        let mut store = self.store.lock().unwrap_or_else(|p| p.into_inner());
        let begin = world.start - HISTORY;
        if store.until == 0 {
            store.casts = (0..world.accounts.len().min(MAX_ACCOUNTS))
                .map(|i| cast(world, i))
                .collect();
            store.story = story(world);
            store.until = begin.div_euclid(HOUR) * HOUR;
        }
        let mut chunk = Vec::new();
        while store.until <= now {
            chunk.clear();
            hour_events(world, &store, self.seed, store.until, &mut chunk);
            chunk.retain(|e| e.time >= begin);
            chunk.sort_by_key(|e| e.time);
            store.events.append(&mut chunk);
            store.until += HOUR;
        }
        store
    }
}

/// Athena's label of a selected expression: a dereference is named by its last field.
pub fn label(expr: &str) -> String {
    expr.rsplit('.').next().unwrap_or(expr).to_owned()
}

/// The `columns` of the events `m` finds, newest first, `limit` at most.
pub fn newest(
    events: &[Event],
    m: &Matcher,
    limit: usize,
    columns: &[impl AsRef<str>],
) -> Vec<Vec<Option<String>>> {
    let rows = events.iter().rev().filter(|e| m.matches(&e.fields()));
    rows.take(limit).map(|e| e.row(columns)).collect()
}

fn unknown(call: &str, id: &str) -> SourceError {
    refused(
        call.to_owned(),
        format!("query {id} not found (the demo keeps its last {KEPT_QUERIES} queries)"),
    )
}

impl DemoSource {
    /// What a search finds, or why the demo cannot answer it.
    fn evaluate(&self, query: &TrailQuery, now: Epoch) -> Result<Answer, String> {
        let all_accounts = self.world.accounts.len();
        let store = self.trail.events(&self.world, now);
        let events = store.upto(now);
        let (columns, rows, days, accounts) = match &query.search {
            Search::Filter {
                filter,
                accounts,
                from,
                to,
                limit,
            } => {
                let m = Matcher::new(filter, accounts, *from, *to);
                let rows = newest(events, &m, *limit as usize, &COLUMNS);
                let days = (day_of(*to) - day_of(*from) + 1).max(1);
                // Accounts prune the scan only where the layout projects them.
                let pruned = query.sql.contains("\"account\" IN (") && !accounts.is_empty();
                let searched = if pruned { accounts.len() } else { all_accounts };
                (COLUMNS.map(label).to_vec(), rows, days, searched)
            }
            Search::Event { event_id, time } => {
                let days = day_of(*time)..=day_of(*time + DAY);
                let exprs = DETAIL_COLUMNS.map(|(e, _)| e);
                let found = events
                    .iter()
                    .find(|e| *e.eventid == **event_id && days.contains(&day_of(e.time)));
                let rows = found.map(|e| e.row(&exprs)).into_iter().collect();
                let labels = DETAIL_COLUMNS.map(|(_, a)| a.to_owned()).to_vec();
                (labels, rows, 1, all_accounts)
            }
            Search::Raw => {
                let (columns, rows) = super::raw::run(&query.sql, events)?;
                // No partition pruning is read from raw SQL: the whole trail, as Athena
                // scans it when the partitions are not constrained.
                let span = events.first().zip(events.last());
                let days = span.map_or(1, |(a, b)| day_of(b.time) - day_of(a.time) + 1);
                (columns, rows, days, all_accounts)
            }
        };
        // A trace of the statement in the bytes, so two queries do not scan alike.
        let jitter = hash_str(&query.sql) % 5_000_000;
        Ok(Answer {
            columns,
            rows,
            scanned: BYTES_PER_ACCOUNT_DAY * days as u64 * accounts as u64 + jitter,
        })
    }
}

/// Athena's status of a run, as far as it has come.
fn query_status(run: &Run<Answer>) -> QueryStatus {
    let (state, done) = run.stage();
    let scanned = run.answer.as_ref().map_or(0, |a| a.scanned);
    QueryStatus {
        state,
        reason: match (&run.answer, state) {
            (Err(r), QueryState::Failed) => Some(r.clone()),
            (_, QueryState::Cancelled) => Some("Query was cancelled by the user".into()),
            _ => None,
        },
        scanned_bytes: (scanned as f64 * done) as u64,
        total_millis: Some(run.busy().as_millis() as u64),
        reused: false,
        statement_type: Some("DML".to_owned()),
    }
}

#[async_trait]
impl TrailSource for DemoSource {
    async fn start(&self, query: &TrailQuery) -> Result<String, SourceError> {
        let book = &self.trail.queries;
        // The same token is the same execution, as Athena's ClientRequestToken makes it.
        if let Some(id) = book.with(|r| r.owner == query.token, |r| r.id.clone()) {
            return Ok(id);
        }
        let answer = self.evaluate(query, self.clock.now());
        let number = mix(hash_str(&query.token), book.next_number());
        let id = uuid_of(number, splitmix64(number));
        let timing = self.trail.timing;
        // Bigger scans run longer: half the longest for nothing, all of it from ~2 GB.
        let scanned = answer.as_ref().map_or(0, |a| a.scanned);
        let share = (scanned as f64 / 2e9).min(1.0);
        let running = timing.running.mul_f64(0.5 + 0.5 * share);
        let names = (id.clone(), query.token.clone());
        book.push(Run::new(names, timing.queued, running, answer));
        Ok(id)
    }

    async fn status(&self, id: &str) -> Result<QueryStatus, SourceError> {
        let status = self.trail.queries.with(|r| r.id == id, |r| query_status(r));
        status.ok_or_else(|| unknown("GetQueryExecution", id))
    }

    /// Pages of 1,000 rows. No header row is stored, so `header` has nothing to take off:
    /// the first page's columns are the labels.
    async fn page(
        &self,
        id: &str,
        next: Option<&str>,
        _header: bool,
    ) -> Result<ResultPage, SourceError> {
        let page = |run: &mut Run<Answer>| match (&run.answer, run.stage().0) {
            (Ok(answer), QueryState::Succeeded) => answer.page(next),
            (_, s) if s.is_finished() => Err(format!(
                "Query did not finish successfully. Final query state: {}",
                s.as_str()
            )),
            (_, s) => Err(format!(
                "Query has not yet finished. Current state: {}",
                s.as_str()
            )),
        };
        let page = self.trail.queries.with(|r| r.id == id, page);
        let page = page.ok_or_else(|| unknown("GetQueryResults", id))?;
        page.map_err(|detail| refused("GetQueryResults", detail))
    }

    async fn cancel(&self, id: &str) -> Result<(), SourceError> {
        // Stopping a finished query changes nothing, as in Athena.
        self.trail
            .queries
            .with(|r| r.id == id, |run| run.cancel().unwrap_or(()))
            .ok_or_else(|| unknown("StopQueryExecution", id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::source::demo::story::{INCIDENT_CONFIG, INCIDENT_USER};
    use crate::source::demo::world::REGION;
    use crate::source::demo::{DemoConfig, UPDATE_BEFORE_START};
    use crate::trail::filter::{Filter, parse};
    use futures::executor::block_on;

    /// 2026-11-26 10:17:00 UTC.
    const START: Epoch = 1_795_688_220;
    const PROD: &str = "111111111111";

    fn demo(seed: u64, now: Epoch, timing: TrailTiming) -> (DemoSource, Arc<FixedClock>) {
        let clock = Arc::new(FixedClock::new(now));
        let source = DemoSource::new(
            DemoConfig {
                seed,
                start: START,
                scale: None,
            },
            clock.clone(),
        )
        .with_trail_timing(timing);
        (source, clock)
    }

    impl DemoSource {
        /// The trail's events up to the clock's now, oldest first: (event id, event name,
        /// time): the ids to ask the detail of.
        fn trail_events(&self) -> Vec<(String, &'static str, Epoch)> {
            let now = self.clock.now();
            self.trail
                .events(&self.world, now)
                .upto(now)
                .iter()
                .map(|e| (e.eventid.to_string(), e.eventname, e.time))
                .collect()
        }

        /// How many events the trail holds up to the clock's now.
        fn trail_len(&self) -> usize {
            let now = self.clock.now();
            self.trail.events(&self.world, now).upto(now).len()
        }
    }

    const INSTANT: TrailTiming = TrailTiming {
        queued: Duration::ZERO,
        running: Duration::ZERO,
    };

    fn filter_query(
        text: &str,
        accounts: &[&str],
        from: Epoch,
        to: Epoch,
        limit: u32,
    ) -> TrailQuery {
        let filter = parse(text).unwrap();
        TrailQuery {
            sql: format!("-- {text}"),
            search: Search::Filter {
                filter: Box::new(filter),
                accounts: accounts.iter().map(|a| (*a).to_owned()).collect(),
                from,
                to,
                limit,
            },
            token: format!("token-{text}-{accounts:?}-{from}-{to}-{limit}"),
        }
    }

    /// Runs a query (instant timing) and reads every page.
    fn run(source: &DemoSource, query: &TrailQuery) -> (Vec<String>, Vec<Vec<Option<String>>>) {
        let id = block_on(source.start(query)).unwrap();
        let status = block_on(source.status(&id)).unwrap();
        assert_eq!(status.state, QueryState::Succeeded, "{status:?}");
        let mut columns = Vec::new();
        let mut rows = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let page = block_on(source.page(&id, next.as_deref(), true)).unwrap();
            if next.is_none() {
                columns = page.columns;
            } else {
                assert!(page.columns.is_empty(), "columns on the first page only");
            }
            assert!(page.rows.len() <= PAGE_ROWS);
            rows.extend(page.rows);
            match page.next {
                Some(n) => next = Some(n),
                None => break,
            }
        }
        (columns, rows)
    }

    /// Raw SQL as the console sends it.
    fn raw(sql: &str) -> TrailQuery {
        TrailQuery {
            sql: sql.into(),
            search: Search::Raw,
            token: format!("raw {sql}"),
        }
    }

    /// The status of raw SQL once started (instant timing).
    fn raw_status(source: &DemoSource, sql: &str) -> QueryStatus {
        let id = block_on(source.start(&raw(sql))).unwrap();
        block_on(source.status(&id)).unwrap()
    }

    fn cell<'r>(columns: &[String], row: &'r [Option<String>], name: &str) -> Option<&'r str> {
        let i = columns.iter().position(|c| c == name).unwrap();
        row[i].as_deref()
    }

    #[test]
    fn the_incident_is_found_by_its_filter() {
        let (source, _) = demo(7, START, INSTANT);
        // The endpoint and its new config, each by its name.
        let text = format!(
            "event:UpdateEndpoint,CreateEndpointConfig resource:fraud-detector,{INCIDENT_CONFIG} \
             account:{PROD}"
        );
        let q = filter_query(&text, &[PROD], START - HISTORY, START, 500);
        let (columns, rows) = run(&source, &q);
        assert_eq!(
            columns,
            [
                "eventtime",
                "recipientaccountid",
                "arn",
                "eventname",
                "eventsource",
                "awsregion",
                "errorcode",
                "sourceipaddress",
                "eventid"
            ]
        );
        let names: Vec<_> = rows
            .iter()
            .map(|r| cell(&columns, r, "eventname"))
            .collect();
        assert_eq!(
            names,
            [Some("UpdateEndpoint"), Some("CreateEndpointConfig")],
            "newest first"
        );
        let update = &rows[0];
        assert_eq!(
            cell(&columns, update, "eventtime"),
            Some(iso(START - UPDATE_BEFORE_START).as_str())
        );
        assert_eq!(
            cell(&columns, update, "arn"),
            Some("arn:aws:sts::111111111111:assumed-role/ml-deployer/alice")
        );
        assert_eq!(cell(&columns, update, "errorcode"), None, "NULL");
        assert_eq!(cell(&columns, update, "awsregion"), Some(REGION));
        assert_eq!(
            cell(&columns, &rows[1], "eventtime"),
            Some(iso(START - UPDATE_BEFORE_START - 7 * 60).as_str())
        );

        // Its detail: the request naming the endpoint and config, the source identity.
        let id = cell(&columns, update, "eventid").unwrap().to_owned();
        let detail = TrailQuery {
            sql: "SELECT ...".into(),
            search: Search::Event {
                event_id: id.clone(),
                time: START - UPDATE_BEFORE_START,
            },
            token: format!("detail-{id}"),
        };
        let (dc, drows) = run(&source, &detail);
        let aliases: Vec<&str> = DETAIL_COLUMNS.iter().map(|(_, a)| *a).collect();
        assert_eq!(dc, aliases);
        assert_eq!(drows.len(), 1);
        let d = &drows[0];
        assert_eq!(cell(&dc, d, "source_identity"), Some(INCIDENT_USER));
        assert_eq!(cell(&dc, d, "identity_type"), Some("AssumedRole"));
        assert_eq!(cell(&dc, d, "readonly"), Some("false"));
        let request: Value =
            serde_json::from_str(cell(&dc, d, "requestparameters").unwrap()).unwrap();
        assert_eq!(request["endpointName"], "fraud-detector");
        assert_eq!(request["endpointConfigName"], INCIDENT_CONFIG);
        let response: Value =
            serde_json::from_str(cell(&dc, d, "responseelements").unwrap()).unwrap();
        assert_eq!(
            response["endpointArn"],
            "arn:aws:sagemaker:eu-west-1:111111111111:endpoint/fraud-detector"
        );

        // The model came first, by the same principal.
        let q = filter_query(
            &format!("event:CreateModel user:{DEPLOYER_ROLE}/{INCIDENT_USER}"),
            &[PROD],
            START - HISTORY,
            START,
            500,
        );
        let (columns, rows) = run(&source, &q);
        assert_eq!(rows.len(), 1);
        assert_eq!(
            cell(&columns, &rows[0], "eventtime"),
            Some(iso(START - UPDATE_BEFORE_START - 11 * 60).as_str())
        );

        // The endpoint alone is its update: its config's name holds the endpoint's, but is
        // another resource.
        let q = filter_query(
            "event:UpdateEndpoint,CreateEndpointConfig,CreateModel resource:fraud-detector",
            &[PROD],
            START - HISTORY,
            START,
            500,
        );
        let (columns, rows) = run(&source, &q);
        let names: Vec<_> = rows
            .iter()
            .map(|r| cell(&columns, r, "eventname"))
            .collect();
        assert_eq!(names, [Some("UpdateEndpoint")]);

        // Without the account, staging's fraud-detector-stg is another endpoint: not found.
        let q = filter_query(
            "event:UpdateEndpoint resource:fraud-detector",
            &[],
            START - HISTORY,
            START,
            500,
        );
        let (columns, rows) = run(&source, &q);
        let accounts: Vec<_> = rows
            .iter()
            .map(|r| cell(&columns, r, "recipientaccountid"))
            .collect();
        assert_eq!(accounts, [Some(PROD)]);
        // Searched by part, asked for, staging's rehearsal a day earlier shows too.
        let q = filter_query(
            "event:UpdateEndpoint resource:~fraud-detector",
            &[],
            START - HISTORY,
            START,
            500,
        );
        let (columns, rows) = run(&source, &q);
        let accounts: Vec<_> = rows
            .iter()
            .map(|r| cell(&columns, r, "recipientaccountid"))
            .collect();
        assert_eq!(accounts, [Some(PROD), Some("222222222222")]);
    }

    #[test]
    fn a_query_goes_queued_running_succeeded() {
        // The states at given times: `query::tests`.
        // Through the source: a query that would queue for an hour is queued, and stays so
        // until cancelled.
        let hour = Duration::from_secs(3600);
        let (source, _) = demo(
            7,
            START,
            TrailTiming {
                queued: hour,
                running: hour,
            },
        );
        let q = filter_query("event:UpdateEndpoint", &[], START - DAY, START, 10);
        let id = block_on(source.start(&q)).unwrap();
        let s = block_on(source.status(&id)).unwrap();
        assert_eq!((s.state, s.scanned_bytes), (QueryState::Queued, 0));
        assert_eq!(s.statement_type.as_deref(), Some("DML"));
        let e = block_on(source.page(&id, None, true)).unwrap_err();
        assert!(e.to_string().contains("not yet finished"), "{e}");
        block_on(source.cancel(&id)).unwrap();
        let s = block_on(source.status(&id)).unwrap();
        assert_eq!(s.state, QueryState::Cancelled);
        // The same token is the same execution.
        assert_eq!(block_on(source.start(&q)).unwrap(), id);

        // One that runs for an hour is running, with less than its final bytes scanned.
        let (source, _) = demo(
            7,
            START,
            TrailTiming {
                queued: Duration::ZERO,
                running: hour,
            },
        );
        let id = block_on(source.start(&q)).unwrap();
        let s = block_on(source.status(&id)).unwrap();
        assert_eq!(s.state, QueryState::Running);
        assert!(s.scanned_bytes < BYTES_PER_ACCOUNT_DAY, "{s:?}");

        // And with real (short) durations, the states come in order and end SUCCEEDED.
        let (source, _) = demo(
            7,
            START,
            TrailTiming {
                queued: Duration::from_millis(30),
                running: Duration::from_millis(60),
            },
        );
        let id = block_on(source.start(&q)).unwrap();
        let mut seen = vec![];
        let mut bytes = 0;
        loop {
            let s = block_on(source.status(&id)).unwrap();
            assert!(s.scanned_bytes >= bytes, "bytes never shrink");
            bytes = s.scanned_bytes;
            if seen.last() != Some(&s.state) {
                seen.push(s.state);
            }
            if s.state.is_finished() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let order = [
            QueryState::Queued,
            QueryState::Running,
            QueryState::Succeeded,
        ];
        let mut positions = seen
            .iter()
            .map(|s| order.iter().position(|o| o == s).unwrap());
        let mut last = positions.next().unwrap();
        for p in positions {
            assert!(p > last, "{seen:?}");
            last = p;
        }
        assert_eq!(seen.last(), Some(&QueryState::Succeeded));
        // Two days of all four accounts.
        assert!(bytes >= 2 * 4 * BYTES_PER_ACCOUNT_DAY, "{bytes}");
    }

    #[test]
    fn results_page_by_a_thousand() {
        let (source, _) = demo(7, START, INSTANT);
        let total = source.trail_len();
        assert!(
            (2000..10_000).contains(&total),
            "a few thousand events: {total}"
        );
        let q = filter_query("", &[], START - HISTORY, START, 100_000);
        let id = block_on(source.start(&q)).unwrap();
        let first = block_on(source.page(&id, None, true)).unwrap();
        assert_eq!(first.rows.len(), PAGE_ROWS);
        assert_eq!(first.columns.len(), COLUMNS.len());
        let next = first.next.clone().unwrap();
        let second = block_on(source.page(&id, Some(&next), true)).unwrap();
        assert!(second.columns.is_empty());
        assert_ne!(first.rows[0], second.rows[0]);
        let (_, rows) = run(&source, &q);
        assert_eq!(rows.len(), total);
        let times: Vec<_> = rows.iter().map(|r| r[0].clone().unwrap()).collect();
        assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
        let e = block_on(source.page(&id, Some("nonsense"), false)).unwrap_err();
        assert!(e.to_string().contains("invalid next token"), "{e}");
        // The limit holds.
        let q = filter_query("", &[], START - HISTORY, START, 1234);
        assert_eq!(run(&source, &q).1.len(), 1234);
    }

    #[test]
    fn unknown_queries_raw_sql_and_forgotten_queries_are_errors() {
        let (source, _) = demo(7, START, INSTANT);
        for e in [
            block_on(source.status("nope")).unwrap_err(),
            block_on(source.page("nope", None, true)).unwrap_err(),
            block_on(source.cancel("nope")).unwrap_err(),
        ] {
            assert!(matches!(e, SourceError::Other { .. }), "{e:?}");
            assert!(e.to_string().contains("not found"), "{e}");
        }
        for (sql, why) in [
            (
                "SELECT a.eventname FROM t a JOIN u b ON a.eventid = b.eventid",
                "FROM one table",
            ),
            ("SELECT count(*) FROM t", "selecting count(*)"),
            (
                "SELECT eventname FROM t WHERE eventname = 'x' UNION SELECT eventname FROM t",
                "set operation",
            ),
            ("SELECT colour FROM t", "no column colour"),
            ("DROP TABLE t", "one SELECT"),
            ("SELEC", "SQL:"),
            (
                "SELECT eventname FROM t WHERE length(eventname) > 3",
                "subset of SQL",
            ),
        ] {
            let s = raw_status(&source, sql);
            assert_eq!(s.state, QueryState::Failed, "{sql}");
            let reason = s.reason.unwrap();
            assert!(reason.contains(why), "{sql}: {reason}");
        }
        let first = block_on(source.start(&filter_query("", &[], START - 60, START, 1))).unwrap();
        for i in 0..KEPT_QUERIES {
            block_on(source.start(&filter_query("", &[], START - 61 - i as i64, START, 1)))
                .unwrap();
        }
        assert!(
            block_on(source.status(&first)).is_err(),
            "the oldest is dropped"
        );
    }

    #[test]
    fn the_trail_is_deterministic_and_grows_with_the_clock() {
        let (a, clock) = demo(7, START, INSTANT);
        let (b, _) = demo(7, START, INSTANT);
        let (c, _) = demo(8, START, INSTANT);
        let ea = a.trail_events();
        assert_eq!(ea, b.trail_events());
        assert_ne!(ea, c.trail_events());
        let ids: std::collections::HashSet<_> = ea.iter().map(|e| &e.0).collect();
        assert_eq!(ids.len(), ea.len(), "event ids are unique");
        assert!(ea.iter().all(|e| e.2 >= START - HISTORY && e.2 <= START));
        // Live: two hours later, the same past and more after it.
        clock.advance(2 * HOUR);
        let later = a.trail_events();
        assert!(later.len() > ea.len());
        assert_eq!(&later[..ea.len()], &ea[..]);
        assert!(later.iter().any(|e| e.2 > START + HOUR));
        assert!(later.last().unwrap().2 <= START + 2 * HOUR);
    }

    /// The reference architecture's query runs as written.
    #[test]
    fn the_example_raw_query_runs() {
        let (source, _) = demo(7, START, INSTANT);
        let sql = "SELECT useridentity.arn, useridentity.sessioncontext.sourceidentity, requestparameters FROM observability_replicated_logs WHERE eventname = 'CreateEndpoint' AND eventsource = 'sagemaker.amazonaws.com'";
        let (columns, rows) = run(&source, &raw(sql));
        assert_eq!(columns, ["arn", "sourceidentity", "requestparameters"]);
        // bob's two tries at image-tagger, the refused one first in time.
        assert_eq!(rows.len(), 2, "{rows:?}");
        for r in &rows {
            assert_eq!(
                r[0].as_deref(),
                Some("arn:aws:sts::222222222222:assumed-role/ml-deployer/bob")
            );
            assert_eq!(r[1].as_deref(), Some("bob"));
            assert!(r[2].as_deref().unwrap().contains("image-tagger"));
        }
        // SQL the search language never writes fails, saying so plainly (the demo once
        // evaluated this one: OR across columns, NOT, IS NULL, ORDER BY ASC).
        let sql = "SELECT eventtime AS t, eventname FROM t WHERE (eventname IN ('UpdateEndpoint') \
                   OR useridentity.arn LIKE '%alice' ESCAPE '\\') AND errorcode IS NULL \
                   AND NOT readonly = 'true' ORDER BY eventtime ASC LIMIT 2";
        let s = raw_status(&source, sql);
        assert_eq!(s.state, QueryState::Failed);
        assert!(s.reason.unwrap().contains("run this on AWS"));
        // Two groups of one kind (the language writes one) would mean AND, not OR: refused.
        let sql = "SELECT eventname FROM t WHERE (useridentity.username = 'bob') \
                   AND (useridentity.username = 'alice')";
        assert_eq!(raw_status(&source, sql).state, QueryState::Failed);
    }

    /// Every episode of the story is in the trail at its time; the on-call engineer mutes
    /// and tries to scale out the leaking endpoint only, and erin muted the canary two days
    /// before, in the monitoring account.
    #[test]
    fn the_trail_tells_the_story() {
        let (source, _) = demo(7, START, INSTANT);
        let view = source.trail.events(&source.world, START);
        for ep in &crate::source::demo::story::EPISODES {
            assert!(
                view.upto(START).iter().any(|e| e.time == START + ep.at),
                "{ep:?}"
            );
        }
        let named = |name: &str| {
            view.upto(START)
                .iter()
                .filter(|e| e.eventname == name)
                .count()
        };
        assert_eq!(named("UpdateEndpointWeightsAndCapacities"), 1);
        assert_eq!(named("DisableAlarmActions"), 2);
        let canary = view
            .upto(START)
            .iter()
            .find(|e| {
                e.eventname == "DisableAlarmActions"
                    && e.time == START - crate::source::demo::story::CANARY_MUTED_BEFORE_START
            })
            .expect("the canary's mute");
        assert_eq!(&*canary.recipientaccountid, MONITORING_ACCOUNT);
        assert!(
            canary
                .requestparameters
                .as_deref()
                .unwrap()
                .contains("test-fraud-detector-canary-accuracy")
        );
        assert!(format!("{canary:?}").contains(crate::source::demo::story::CANARY_MUTER));
        // Model Monitor's processing jobs are the jobs view's, by name.
        use crate::source::jobs::JobsSource;
        let listed = block_on(source.processing_jobs(PROD, START - HISTORY, 100_000)).unwrap();
        let jobs: std::collections::HashSet<&str> = listed.iter().map(|j| &*j.name).collect();
        let started: Vec<&Event> = view
            .upto(START)
            .iter()
            .filter(|e| e.eventname == "CreateProcessingJob" && &*e.recipientaccountid == PROD)
            .collect();
        assert!(started.len() > 72, "{}", started.len());
        for e in started {
            let request: Value =
                serde_json::from_str(e.requestparameters.as_deref().unwrap()).unwrap();
            let name = request["processingJobName"].as_str().unwrap();
            assert!(jobs.contains(name), "{name}");
        }
    }

    /// The SQL a search writes, run raw, finds what the search finds, in every layout.
    #[test]
    fn the_sql_of_a_search_answers_as_the_search() {
        use crate::source::trail::TrailSettings;
        use crate::trail::sql::{Layout, select};
        let (source, _) = demo(7, START, INSTANT);
        let from = START - HISTORY;
        for (text, accounts) in [
            (
                "event:UpdateEndpoint,CreateEndpointConfig resource:fraud-detector",
                &[PROD][..],
            ),
            ("resource:fraud-detector,~config-v43 readonly:false", &[]),
            ("resource:prod-fraud-detector-accuracy", &[]),
            ("user:alice source:sagemaker", &[]),
            ("user:bob,ops-admin readonly:false", &[]),
            ("error:* region:eu-west-1", &["222222222222", PROD]),
            ("error:AccessDenied,ResourceLimitExceeded", &[]),
            ("ip:10.0.0.0/8 readonly:true", &[PROD]),
            ("ip:203.0.113.77,198.51.100.23", &[]),
            ("", &[]),
        ] {
            let filtered = run(&source, &filter_query(text, accounts, from, START, 500));
            assert!(!filtered.1.is_empty(), "{text}");
            for layout in [Layout::Timestamp, Layout::OrgAccountRegionTimestamp] {
                let table = TrailSettings {
                    layout,
                    ..TrailSettings::default()
                }
                .table();
                let ids: Vec<String> = accounts.iter().map(|a| (*a).to_owned()).collect();
                let sql = select(&table, &parse(text).unwrap(), &ids, from, START);
                assert_eq!(run(&source, &raw(&sql)), filtered, "{sql}");
            }
        }
    }

    /// Hostile values (quotes, backslashes, LIKE's wildcards, JSON escapes, pattern syntax)
    /// survive the trip to SQL and back: the raw query answers as the search; a group that
    /// is not the language's (a user's halves naming two users) is refused.
    #[test]
    fn hostile_values_read_back_from_the_sql_as_typed() {
        use crate::source::trail::TrailSettings;
        use crate::trail::sql::select;
        let (source, _) = demo(7, START, INSTANT);
        let table = TrailSettings::default().table();
        for text in [
            r#"user:"o'brien\\x%_" resource:~"50%_off'\"""#,
            r#"resource:"a\"b\\c.*(x)",fraud-detector"#,
            "ip:10.8.0.0/16,10.8.14.27 user:alice,ops-admin",
        ] {
            let filtered = run(
                &source,
                &filter_query(text, &[], START - HISTORY, START, 500),
            );
            let sql = select(&table, &parse(text).unwrap(), &[], START - HISTORY, START);
            assert_eq!(run(&source, &raw(&sql)), filtered, "{sql}");
        }
        let sql = "SELECT eventname FROM t WHERE (useridentity.arn LIKE '%bob%' ESCAPE '\\' \
                   OR useridentity.username = 'alice')";
        let status = raw_status(&source, sql);
        assert_eq!(status.state, QueryState::Failed, "{status:?}");
    }

    const ALL_COLUMNS: [&str; 20] = [
        "eventtime",
        "eventname",
        "eventsource",
        "awsregion",
        "recipientaccountid",
        "errorcode",
        "errormessage",
        "sourceipaddress",
        "useragent",
        "requestparameters",
        "responseelements",
        "eventid",
        "readonly",
        "useridentity.type",
        "useridentity.principalid",
        "useridentity.arn",
        "useridentity.accountid",
        "useridentity.invokedby",
        "useridentity.username",
        "useridentity.sessioncontext.sourceidentity",
    ];

    #[test]
    fn every_string_is_clean_and_consistent_with_the_world() {
        let (source, _) = demo(7, START + 3 * HOUR, INSTANT);
        let view = source.trail.events(&source.world, START + 3 * HOUR);
        let accounts: Vec<&str> = source
            .world
            .accounts
            .iter()
            .map(|a| a.id.as_str())
            .collect();
        for e in view.upto(START + 3 * HOUR) {
            for c in ALL_COLUMNS {
                let v = e.column(c).unwrap_or_else(|| panic!("no column {c}"));
                if let Some(v) = v {
                    assert!(
                        !v.chars().any(crate::sanitize::needs_replacing),
                        "{c}: {v:?}"
                    );
                }
            }
            assert!(accounts.contains(&&*e.recipientaccountid), "{e:?}");
            for json in [&e.requestparameters, &e.responseelements]
                .into_iter()
                .flatten()
            {
                serde_json::from_str::<Value>(json).unwrap();
            }
            if let Some(r) = &e.requestparameters
                && let Ok(v) = serde_json::from_str::<Value>(r)
                && let Some(name) = v["endpointName"].as_str()
            {
                assert!(
                    source
                        .world
                        .endpoint_index(&e.recipientaccountid, name)
                        .is_some(),
                    "{name} in {}",
                    e.recipientaccountid
                );
            }
            // An error code always comes with its message.
            assert!(e.errorcode.is_none() || e.errormessage.is_some(), "{e:?}");
        }
        let count = |name: &str| {
            view.upto(START + 3 * HOUR)
                .iter()
                .filter(|e| e.eventname == name)
                .count()
        };
        for name in [
            "DescribeEndpoint",
            "ListEndpoints",
            "PutMetricAlarm",
            "PutCompositeAlarm",
            "GetMetricData",
            "AssumeRole",
            "CreateProcessingJob",
            "CreateEndpoint",
        ] {
            assert!(count(name) > 0, "no {name}");
        }
        assert_eq!(count("PutMetricAlarm"), 16, "one per alarm of the world");
        assert!(
            view.upto(START + 3 * HOUR)
                .iter()
                .any(|e| e.errorcode == Some("AccessDenied"))
        );
        assert!(
            view.upto(START + 3 * HOUR)
                .iter()
                .any(|e| e.errorcode == Some("ResourceLimitExceeded"))
        );
    }

    /// Each key's filter finds something, and only what it says.
    #[test]
    fn filters_on_every_key_return_only_matching_events() {
        let (source, _) = demo(7, START, INSTANT);
        let from = START - HISTORY;
        type Check = fn(&[String], &[Option<String>]) -> bool;
        let cases: Vec<(&str, &[&str], Check)> = vec![
            ("source:sts", &[], |c, r| {
                cell(c, r, "eventsource") == Some(STS)
            }),
            ("", &["333333333333"], |c, r| {
                cell(c, r, "recipientaccountid") == Some("333333333333")
            }),
            ("region:eu-west-1", &[], |c, r| {
                cell(c, r, "awsregion") == Some(REGION)
            }),
            ("error:*", &[], |c, r| cell(c, r, "errorcode").is_some()),
            ("error:ResourceLimitExceeded", &[], |c, r| {
                cell(c, r, "errorcode") == Some("ResourceLimitExceeded")
            }),
            ("ip:10.0.0.0/8", &[], |c, r| {
                cell(c, r, "sourceipaddress").is_some_and(|a| a.starts_with("10."))
            }),
            ("ip:203.0.113.77", &[], |c, r| {
                cell(c, r, "sourceipaddress") == Some("203.0.113.77")
            }),
            // Its deployment in staging, and its alarms in the monitoring account.
            ("resource:image-tagger", &[], |c, r| {
                matches!(
                    cell(c, r, "recipientaccountid"),
                    Some("222222222222" | "100000000000")
                )
            }),
            ("readonly:false event:DescribeEndpoint", &[], |_, _| false),
        ];
        for (text, accounts, check) in cases {
            let (columns, rows) = run(&source, &filter_query(text, accounts, from, START, 100_000));
            let must_be_empty = text.starts_with("readonly:");
            assert_eq!(
                rows.is_empty(),
                must_be_empty,
                "{text}: {} rows",
                rows.len()
            );
            for r in &rows {
                assert!(check(&columns, r), "{text}: {r:?}");
            }
        }
        // The matcher's verdict is the filter's: readonly and resource checked on events.
        let view = source.trail.events(&source.world, START);
        let f: Filter = parse("readonly:true resource:fraud-detector").unwrap();
        let m = Matcher::new(&f, &[], from, START);
        let found: Vec<_> = view
            .upto(START)
            .iter()
            .filter(|e| m.matches(&e.fields()))
            .collect();
        assert!(!found.is_empty());
        for e in found {
            assert!(e.readonly);
            let text = format!("{:?}{:?}", e.requestparameters, e.responseelements);
            assert!(text.contains("fraud-detector"), "{e:?}");
        }
        // The store stays locked while its view lives: let it go before the next query.
        drop(view);
        // A time range: only its events.
        let q = filter_query("", &[], START - 2 * HOUR, START - HOUR, 100_000);
        let (columns, rows) = run(&source, &q);
        assert!(!rows.is_empty());
        let (lo, hi) = (iso(START - 2 * HOUR), iso(START - HOUR));
        for r in &rows {
            let t = cell(&columns, r, "eventtime").unwrap();
            assert!(t >= lo.as_str() && t <= hi.as_str(), "{t}");
        }
    }
}
