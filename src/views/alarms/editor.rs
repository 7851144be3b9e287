//! The alarm form: create an alarm on a chart's metric (or like another alarm), or edit one
//! (prefilled from DescribeAlarms, its name kept). Submitting builds the exact PutMetricAlarm
//! request and shows it in a confirmation; only `y` there sends it.

use crate::app::action::Action;
use crate::app::outcome::{Outcome, flash};
use crate::app::state::{FlashLevel, State};
use crate::overlays::confirm::Confirm;
use crate::overlays::form::{Form, FormValues, Value};
use crate::overlays::{self, Overlay};
use crate::source::alarm_write::{
    self as aw, AlarmWrite, MissingData, Operator, PutAlarm, check_datapoints, check_period,
    check_window, parse_actions, parse_tags,
};
use crate::source::metrics::{self, METRICS};
use crate::source::model::{AccountId, Alarm, AlarmKind, Endpoint, EndpointKey, SeriesKey, Stat};
use crate::views::View;

/// What the open form is about; the form's fields hold the rest.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// The metrics the form offers, as the console holds them (the preview draws these),
    /// with their choice labels.
    pub metrics: Vec<(String, SeriesKey)>,
    /// Where the alarm can live, default first, with their choice labels.
    pub homes: Vec<(String, AccountId)>,
    /// Editing this alarm: its name as AWS has it, and its series exactly as AWS returned it.
    pub editing: Option<Editing>,
    pub actions_enabled: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Editing {
    pub account_id: AccountId,
    pub id: String,
    pub raw_series: SeriesKey,
    /// Sent back as they were unless the form changed them.
    pub raw_description: String,
    pub insufficient_data_actions: Vec<String>,
    pub unit: Option<String>,
    /// The alarm's own actions: kept even when they are not SNS topics.
    pub kept_actions: Vec<String>,
}

impl Draft {
    /// The series the `metric` field names now.
    pub fn series(&self, form: &Form) -> Option<&SeriesKey> {
        let label = match form.value("metric") {
            Some(Value::Choice(c)) => c,
            _ => return self.metrics.first().map(|(_, k)| k),
        };
        self.metrics
            .iter()
            .find(|(l, _)| *l == label)
            .map(|(_, k)| k)
    }
}

fn region(state: &State) -> String {
    state
        .identity
        .as_ref()
        .map(|i| i.region.clone())
        .unwrap_or_default()
}

/// `CPUUtilization · AllTraffic`, `accuracy`.
fn metric_label(key: &SeriesKey) -> String {
    match key.dimension("VariantName") {
        Some(v) => format!("{} · {v}", key.metric),
        None => key.metric.to_string(),
    }
}

/// `monitoring 100000000000 · Metrics[] (cross-account)`.
fn home_label(state: &State, home: &str, metric_account: &str) -> String {
    let how = if home == metric_account {
        if home == state.placement.monitoring {
            "its own account"
        } else {
            "through the account's role"
        }
    } else {
        "Metrics[] form, cross-account"
    };
    format!("{} {home} · {how}", state.account_label(home))
}

fn homes(state: &State, metric_account: &str) -> Vec<(String, AccountId)> {
    state
        .placement
        .homes(metric_account)
        .into_iter()
        .map(|h| (home_label(state, &h, metric_account), h))
        .collect()
}

/// Lower is worse for model quality: alarm when it falls; utilisation when it rises. The
/// endpoint says what a key is (a custom quality namespace is in no catalogue).
fn default_operator(e: &Endpoint, key: &SeriesKey) -> Operator {
    match metrics::spec_for(e, key).and_then(|s| s.levels) {
        Some(l) if l.lower_is_worse => Operator::LessThanThreshold,
        _ => Operator::GreaterThanThreshold,
    }
}

fn default_threshold(e: &Endpoint, key: &SeriesKey) -> Option<f64> {
    metrics::spec_for(e, key)
        .and_then(|s| s.levels)
        .map(|l| l.bad)
}

/// SageMaker's names (endpoints, variants, schedules): letters, digits and hyphens, up to
/// 63. The console holds them cleaned for drawing; such a name is the same cleaned or not,
/// so a request built from it names exactly what AWS named.
fn sends_as_drawn(key: &SeriesKey) -> bool {
    key.dimensions.iter().all(|(_, v)| {
        !v.is_empty() && v.len() <= 63 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    })
}

/// A new alarm on one of `endpoint`'s metrics, `selected` first in the metric choice; with
/// `like`, its rule (comparison, threshold, periods, missing data, actions, description).
pub fn open_new(
    state: &mut State,
    endpoint: &EndpointKey,
    selected: Option<&SeriesKey>,
    like: Option<&Alarm>,
) -> Outcome {
    let Some(e) = state.endpoint(endpoint) else {
        flash(
            state,
            "that endpoint is not listed any more",
            FlashLevel::Error,
        );
        return Outcome::redraw();
    };
    let mut candidates: Vec<SeriesKey> = METRICS
        .iter()
        .flat_map(|m| metrics::series_keys(e, m.id))
        .collect();
    if let Some(sel) = selected {
        candidates.retain(|k| k != sel);
        candidates.insert(0, sel.clone());
    }
    if !candidates.iter().all(sends_as_drawn) {
        let msg = format!(
            "{}'s names hold characters the console cannot send back exactly: use `sagewatch \
             alarm create`, which uses the names as AWS returned them",
            e.name
        );
        flash(state, msg, FlashLevel::Error);
        return Outcome::redraw();
    }
    let Some(first) = candidates.first().cloned() else {
        flash(
            state,
            "this endpoint has no metrics to alarm on yet",
            FlashLevel::Error,
        );
        return Outcome::redraw();
    };
    let homes = homes(state, &first.account_id);
    if homes.is_empty() {
        let msg = format!(
            "no account can hold an alarm on {}'s metrics: add a role_arn for account {} to \
             the config",
            e.name, e.account_id
        );
        flash(state, msg, FlashLevel::Error);
        return Outcome::redraw();
    }
    let rule = like.and_then(|a| match &a.kind {
        AlarmKind::Metric {
            comparison,
            threshold,
            evaluation_periods,
            datapoints_to_alarm,
            ..
        } => Some((
            a,
            *comparison,
            *threshold,
            *evaluation_periods,
            *datapoints_to_alarm,
        )),
        AlarmKind::Composite { .. } => None,
    });
    let operator = match rule {
        Some((a, c, ..)) => {
            Operator::parse(&a.settings.operator).unwrap_or(Operator::from_comparison(c))
        }
        None => default_operator(e, &first),
    };
    let several_variants = e.variants.len() > 1;
    let mut name = aw::suggested_name(
        state.account_label(&first.account_id),
        &e.name,
        &first.metric,
        first.dimension("VariantName").filter(|_| several_variants),
        operator,
    );
    if like.is_some_and(|a| a.id == name) {
        name.push_str("-copy");
    }
    let draft = Draft {
        metrics: candidates
            .iter()
            .map(|k| (metric_label(k), k.clone()))
            .collect(),
        homes,
        editing: None,
        actions_enabled: true,
    };
    let mut form = form(
        state,
        &draft,
        Prefill {
            name,
            stat: first.stat,
            period: first.period,
            operator,
            threshold: match rule {
                Some((a, _, t, ..)) if operator.is_band() => a.settings.band_width.or(Some(t)),
                Some((_, _, t, ..)) => t.is_finite().then_some(t),
                None => default_threshold(e, &first),
            },
            evaluation_periods: rule.map_or(3, |r| r.3),
            datapoints: rule.map_or(3, |r| r.4),
            missing: rule
                .and_then(|r| MissingData::parse(&r.0.settings.treat_missing))
                .unwrap_or(MissingData::Missing),
            alarm_actions: like
                .map(|a| a.settings.alarm_actions.join(", "))
                .unwrap_or_default(),
            ok_actions: like
                .map(|a| a.settings.ok_actions.join(", "))
                .unwrap_or_default(),
            description: like
                .map(|a| a.settings.description.clone())
                .unwrap_or_default(),
        },
    );
    if several_variants {
        form = form.context("several_variants", "yes");
    }
    state.views.alarms.draft = Some(draft);
    overlays::open(state, Overlay::Form(form));
    // The preview's series, now: no screen may hold it (a 5XX alarm edited from the list).
    state.views.alarms.preview_asked = None;
    Outcome::with(super::preview::due(state))
}

/// Edit `alarm` (a metric alarm), prefilled from what DescribeAlarms returned.
pub fn open_edit(state: &mut State, alarm: &Alarm) -> Outcome {
    let AlarmKind::Metric {
        series,
        comparison,
        threshold,
        evaluation_periods,
        datapoints_to_alarm,
    } = &alarm.kind
    else {
        flash(
            state,
            "composite alarms cannot be edited here (their rule is edited in the AWS console)",
            FlashLevel::Error,
        );
        return Outcome::redraw();
    };
    let s = &alarm.settings;
    if let Some(why) = &s.not_editable {
        let msg = format!(
            "{} cannot be edited here: {why}, which the form would change (edit it in the AWS \
             console)",
            alarm.name
        );
        flash(state, msg, FlashLevel::Error);
        return Outcome::redraw();
    }
    let operator = Operator::parse(&s.operator).unwrap_or(Operator::from_comparison(*comparison));
    let draft = Draft {
        metrics: vec![(metric_label(series), series.clone())],
        homes: vec![(
            home_label(state, &alarm.account_id, &series.account_id),
            alarm.account_id.clone(),
        )],
        editing: Some(Editing {
            account_id: alarm.account_id.clone(),
            id: alarm.id.clone(),
            raw_series: s.raw_series.clone().unwrap_or_else(|| series.clone()),
            raw_description: s.raw_description.clone(),
            insufficient_data_actions: s.insufficient_data_actions.clone(),
            unit: s.unit.clone(),
            kept_actions: s
                .alarm_actions
                .iter()
                .chain(&s.ok_actions)
                .cloned()
                .collect(),
        }),
        actions_enabled: alarm.actions_enabled,
    };
    let form = form(
        state,
        &draft,
        Prefill {
            name: alarm.name.clone(),
            stat: series.stat,
            period: series.period,
            operator,
            threshold: if operator.is_band() {
                s.band_width
            } else {
                threshold.is_finite().then_some(*threshold)
            },
            evaluation_periods: *evaluation_periods,
            datapoints: *datapoints_to_alarm,
            missing: MissingData::parse(&s.treat_missing).unwrap_or(MissingData::Missing),
            alarm_actions: s.alarm_actions.join(", "),
            ok_actions: s.ok_actions.join(", "),
            description: s.description.clone(),
        },
    );
    state.views.alarms.draft = Some(draft);
    overlays::open(state, Overlay::Form(form));
    // The preview's series, now: no screen may hold it (a 5XX alarm edited from the list).
    state.views.alarms.preview_asked = None;
    Outcome::with(super::preview::due(state))
}

/// A copy of `alarm`'s metric and rule under a new name (`n` in the alarms view).
pub fn open_like(state: &mut State, alarm: &Alarm) -> Outcome {
    match (&alarm.endpoint, alarm.series()) {
        (Some(e), Some(series)) if state.endpoint(e).is_some() => {
            let (e, series) = (e.clone(), series.clone());
            open_new(state, &e, Some(&series), Some(alarm))
        }
        _ => {
            flash(
                state,
                "this alarm watches no listed endpoint: open an endpoint's chart and press n",
                FlashLevel::Error,
            );
            Outcome::redraw()
        }
    }
}

struct Prefill {
    name: String,
    stat: Stat,
    period: u32,
    operator: Operator,
    threshold: Option<f64>,
    evaluation_periods: u32,
    datapoints: u32,
    missing: MissingData,
    alarm_actions: String,
    ok_actions: String,
    description: String,
}

fn form(state: &State, draft: &Draft, p: Prefill) -> Form {
    let edit = draft.editing.is_some();
    let title = if edit {
        "edit alarm (PutMetricAlarm overwrites it; the name stays)"
    } else {
        "new alarm"
    };
    let homes: Vec<&str> = draft.homes.iter().map(|(l, _)| l.as_str()).collect();
    let metrics: Vec<&str> = draft.metrics.iter().map(|(l, _)| l.as_str()).collect();
    let operators: Vec<&str> = Operator::ALL.iter().map(|o| o.as_str()).collect();
    let operator = Operator::ALL
        .iter()
        .position(|o| *o == p.operator)
        .unwrap_or(0);
    let stats: Vec<&str> = Stat::ALL.iter().map(|s| s.as_str()).collect();
    let stat_at = Stat::ALL.iter().position(|s| *s == p.stat).unwrap_or(0);
    let missing: Vec<&str> = MissingData::ALL.iter().map(|m| m.as_str()).collect();
    let missing_at = MissingData::ALL
        .iter()
        .position(|m| *m == p.missing)
        .unwrap_or(0);
    let mut f = Form::new(title, View::Alarms, to_this_view)
        .with_preview()
        .choice("home", "lives in", &homes, 0)
        .choice("metric", "metric", &metrics, 0);
    f = if edit {
        // The name is the alarm's: shown, not editable (a one-option choice).
        f.choice("name", "name (kept)", &[p.name.as_str()], 0)
    } else {
        f.text("name", "name", &p.name)
            .required()
            .validate(aw::check_name)
    };
    f = f
        .choice("statistic", "statistic", &stats, stat_at)
        .number("period", "period (s)", Some(f64::from(p.period)))
        .required()
        .bounds(Some(10.0), Some(86_400.0), true)
        .choice("comparison", "comparison", &operators, operator)
        .number("threshold", "threshold", p.threshold)
        .required()
        .number(
            "evaluation_periods",
            "evaluation periods",
            Some(f64::from(p.evaluation_periods)),
        )
        .required()
        .bounds(Some(1.0), Some(10_080.0), true)
        .number(
            "datapoints",
            "datapoints to alarm",
            Some(f64::from(p.datapoints)),
        )
        .required()
        .bounds(Some(1.0), Some(10_080.0), true)
        .choice("missing", "missing data", &missing, missing_at)
        .text("alarm_actions", "alarm actions (SNS)", &p.alarm_actions)
        .text("ok_actions", "OK actions (SNS)", &p.ok_actions)
        .text("description", "description", &p.description)
        .validate(aw::check_description);
    if !edit {
        f = f
            .text("tags", "tags (k=v, ...)", "")
            .validate(|t| parse_tags(t).map(|_| ()));
    }
    let kept = draft
        .editing
        .as_ref()
        .map(|e| e.kept_actions.join(","))
        .unwrap_or_default();
    f.context("region", &region(state))
        .context("kept_actions", &kept)
        .context("label", &draft_label(state, draft))
        .context("endpoint", &draft_endpoint(state, draft))
        .cross_check(cross_check)
        .derive(follow_name)
}

/// The account label and endpoint name the suggested name is made of.
fn draft_label(state: &State, draft: &Draft) -> String {
    draft
        .metrics
        .first()
        .map(|(_, k)| state.account_label(&k.account_id).to_owned())
        .unwrap_or_default()
}

fn draft_endpoint(state: &State, draft: &Draft) -> String {
    draft
        .metrics
        .first()
        .and_then(|(_, k)| state.endpoint_of_series(k))
        .map(|e| e.name.clone())
        .unwrap_or_default()
}

/// The suggested name follows the metric and the comparison until it is typed over.
fn follow_name(form: &mut Form) {
    let text = |v: Option<Value>| match v {
        Some(Value::Choice(c)) => c,
        _ => String::new(),
    };
    let metric = text(form.value("metric"));
    // `CPUUtilization · blue`: the metric's name is before the dot, the variant after it;
    // the variant is named when the endpoint has several.
    let (metric, variant) = match metric.split_once(" · ") {
        Some((m, v)) => (m.to_owned(), Some(v.to_owned())),
        None => (metric, None),
    };
    let variant = variant.filter(|_| form.context_value("several_variants") == Some("yes"));
    let Some(operator) = Operator::parse(&text(form.value("comparison"))) else {
        return;
    };
    let label = form.context_value("label").unwrap_or_default().to_owned();
    let endpoint = form
        .context_value("endpoint")
        .unwrap_or_default()
        .to_owned();
    let name = aw::suggested_name(&label, &endpoint, &metric, variant.as_deref(), operator);
    form.suggest("name", &name);
}

/// Checks across fields, each message on the field it is about.
fn cross_check(v: &FormValues) -> Vec<(&'static str, String)> {
    let mut errors = Vec::new();
    let region = v.text("region").unwrap_or_default();
    let period = v.number("period").unwrap_or(60.0);
    let periods = v.number("evaluation_periods").unwrap_or(1.0) as u32;
    match check_period(period) {
        Ok(p) => {
            if let Err(e) = check_window(p, periods) {
                errors.push(("evaluation_periods", e));
            }
        }
        Err(e) => errors.push(("period", e)),
    }
    if let Some(d) = v.number("datapoints")
        && let Err(e) = check_datapoints(d as u32, periods)
    {
        errors.push(("datapoints", e));
    }
    let kept: Vec<&str> = v
        .text("kept_actions")
        .unwrap_or_default()
        .split(',')
        .filter(|a| !a.is_empty())
        .collect();
    for key in ["alarm_actions", "ok_actions"] {
        if let Some(text) = v.text(key)
            && let Err(e) = parse_actions(text, region, &kept)
        {
            errors.push((key, e));
        }
    }
    let band = v
        .text("comparison")
        .and_then(Operator::parse)
        .is_some_and(Operator::is_band);
    if band && v.number("threshold").is_some_and(|t| t <= 0.0) {
        errors.push((
            "threshold",
            "a band width above 0 standard deviations".into(),
        ));
    }
    errors
}

/// The request the submitted form asks for; `Err` when the draft is gone.
fn request(state: &State, draft: &Draft, v: &FormValues) -> Option<PutAlarm> {
    let region = region(state);
    let home = v
        .text("home")
        .and_then(|l| draft.homes.iter().find(|(label, _)| label == l))
        .map(|(_, h)| h.clone())?;
    let held = v
        .text("metric")
        .and_then(|l| draft.metrics.iter().find(|(label, _)| label == l))
        .map(|(_, k)| k.clone())?;
    // An edit sends the series exactly as AWS returned it.
    let mut series = match &draft.editing {
        Some(e) => e.raw_series.clone(),
        None => held,
    };
    series.stat = Stat::parse(v.text("statistic")?)?;
    series.period = check_period(v.number("period")?).ok()?;
    let name = match &draft.editing {
        Some(e) => e.id.clone(),
        None => v.text("name")?.to_owned(),
    };
    let kept: Vec<&str> = draft
        .editing
        .iter()
        .flat_map(|e| e.kept_actions.iter().map(String::as_str))
        .collect();
    let topics =
        |key| parse_actions(v.text(key).unwrap_or_default(), &region, &kept).unwrap_or_default();
    // The description as AWS holds it, unless the form changed the (cleaned) text shown.
    let typed = v.text("description").unwrap_or_default();
    let description = match &draft.editing {
        Some(e) if crate::sanitize::clean(&e.raw_description).trim() == typed => {
            e.raw_description.clone()
        }
        _ => typed.to_owned(),
    };
    Some(PutAlarm {
        alarm_account: home,
        name,
        series,
        operator: Operator::parse(v.text("comparison")?)?,
        threshold: v.number("threshold")?,
        evaluation_periods: v.number("evaluation_periods")? as u32,
        datapoints_to_alarm: v.number("datapoints")? as u32,
        missing: MissingData::parse(v.text("missing")?)?,
        actions_enabled: draft.actions_enabled,
        alarm_actions: topics("alarm_actions"),
        ok_actions: topics("ok_actions"),
        insufficient_data_actions: draft
            .editing
            .as_ref()
            .map(|e| e.insufficient_data_actions.clone())
            .unwrap_or_default(),
        unit: draft.editing.as_ref().and_then(|e| e.unit.clone()),
        description,
        tags: v
            .text("tags")
            .and_then(|t| parse_tags(t).ok())
            .unwrap_or_default(),
        edit: draft.editing.is_some(),
    })
}

/// The form was submitted: show the request it makes, to be confirmed with `y`.
/// The form's values, handed back to this view through the registry when submitted.
fn to_this_view(values: FormValues) -> Action {
    Action::FormSubmitted {
        view: View::Alarms,
        values,
    }
}

pub fn submitted(state: &mut State, values: FormValues) -> Outcome {
    let Some(draft) = state.views.alarms.draft.take() else {
        return Outcome::default();
    };
    let Some(put) = request(state, &draft, &values) else {
        flash(
            state,
            "the form's values no longer make a request",
            FlashLevel::Error,
        );
        return Outcome::redraw();
    };
    let write = AlarmWrite::Put(Box::new(put));
    let title = if draft.editing.is_some() {
        "overwrite alarm: PutMetricAlarm"
    } else {
        "create alarm: PutMetricAlarm"
    };
    let mut lines = super::actions::request_header(state, &write);
    if draft.editing.is_some() {
        lines.push(
            "PutMetricAlarm overwrites the whole alarm; its name stays and its history is kept"
                .into(),
        );
    }
    lines.push(String::new());
    lines.extend(super::actions::request_lines(&write));
    let confirm = Confirm::new(title, lines, Action::Write(vec![write.into()]));
    overlays::open(state, Overlay::Confirm(confirm));
    Outcome::redraw()
}
