//! The demo organisation's alarms can be changed like real ones, in memory: alarms made in
//! the console are evaluated against the demo series (and can go to ALARM), muting clears
//! their actions, deleting removes them; mute rules put and deleted change the story's
//! (`mutes`). Nothing survives the process.

use super::refused;
use super::world::{AlarmDef, MONITORING_ACCOUNT, World};
use crate::source::SourceError;
use crate::source::alarm_write::{AlarmWrite, PutAlarm};
use crate::source::model::*;
use crate::source::mute::PutMuteRule;
use crate::source::write::WriteReceipt;
use std::collections::{HashMap, HashSet};

/// What the console changed, over the world's own alarms.
#[derive(Debug, Default)]
pub struct Edits {
    /// Alarms made or overwritten in the console, in the order they were made.
    pub put: Vec<AlarmDef>,
    /// Actions switched on or off, by alarm name.
    pub actions: HashMap<String, bool>,
    pub deleted: HashSet<String>,
    /// The mute rules and when each was put, once the console has put or deleted one
    /// (until then, the story's).
    mute_rules: Option<Vec<(PutMuteRule, Epoch)>>,
    /// Request ids handed out, like AWS's.
    next_request: u64,
}

impl Edits {
    /// Whether the world's alarm of this name still shows as the world made it.
    pub fn shows_original(&self, name: &str) -> bool {
        !self.deleted.contains(name) && !self.put.iter().any(|d| d.name == name)
    }

    pub fn made(&self, name: &str) -> Option<&AlarmDef> {
        self.put
            .iter()
            .find(|d| d.name == name && !self.deleted.contains(name))
    }

    /// The alarm listed under `name`: made in the console, else the world's own.
    pub fn shown<'a>(&'a self, world: &'a World, name: &str) -> Option<&'a AlarmDef> {
        let original = world
            .alarm_index(name)
            .filter(|_| self.shows_original(name));
        self.made(name).or(original.map(|i| &world.alarms[i]))
    }

    /// The mute rules as they stand, and when each was put.
    pub fn mute_rules(&self, start: Epoch) -> Vec<(PutMuteRule, Epoch)> {
        (self.mute_rules.clone()).unwrap_or_else(|| super::mutes::story(start))
    }

    pub fn apply(
        &mut self,
        world: &World,
        request: &AlarmWrite,
        now: Epoch,
    ) -> Result<WriteReceipt, SourceError> {
        let call = format!("{} {}", request.operation(), request.account_id());
        let refuse = |detail: String| Err(refused(call.clone(), detail));
        if request.account_id() != MONITORING_ACCOUNT {
            let alarms_are = "the demo organisation keeps its alarms in the monitoring account";
            return refuse(alarms_are.into());
        }
        match request {
            AlarmWrite::Put(p) => {
                // Overwriting an alarm keeps when it was created.
                let created = self.shown(world, &p.name).map_or(now, |d| d.created);
                self.put.retain(|d| d.name != p.name);
                self.deleted.remove(&p.name);
                self.actions.remove(&p.name);
                self.put.push(definition(world, p, created));
            }
            AlarmWrite::SetActions { ids, enabled, .. } => {
                // Like CloudWatch: names that do not exist are ignored.
                for id in ids {
                    if self.shown(world, id).is_some() {
                        self.actions.insert(id.clone(), *enabled);
                    }
                }
            }
            AlarmWrite::DeleteAlarms { ids, .. } => {
                if let Some(missing) = ids.iter().find(|id| self.shown(world, id).is_none()) {
                    return refuse(format!("ResourceNotFound: alarm {missing} does not exist"));
                }
                for id in ids {
                    self.deleted.insert(id.clone());
                    self.put.retain(|d| d.name != *id);
                }
            }
            AlarmWrite::PutMuteRule(p) => {
                if let Err(e) = p.validate() {
                    return refuse(format!("ValidationException: {e}"));
                }
                let rules = self.mute_rules.insert(self.mute_rules(world.start));
                rules.retain(|(r, _)| r.name != p.name);
                rules.push(((**p).clone(), now));
            }
            AlarmWrite::DeleteMuteRule { name, .. } => {
                let rules = self.mute_rules.insert(self.mute_rules(world.start));
                if !rules.iter().any(|(r, _)| r.name == *name) {
                    return refuse(format!("ResourceNotFound: mute rule {name} does not exist"));
                }
                rules.retain(|(r, _)| r.name != *name);
            }
        }
        self.next_request += 1;
        Ok(WriteReceipt {
            request_id: Some(format!("demo-{:08}", self.next_request)),
        })
    }
}

/// The demo's definition of a put alarm: evaluated like the world's own when its series is
/// one the world generates and its comparison is a threshold (bands have no data here).
fn definition(world: &World, p: &PutAlarm, created: Epoch) -> AlarmDef {
    let endpoint = EndpointKey {
        account_id: p.series.account_id.to_string(),
        name: crate::source::metrics::endpoint_name_of(&p.series)
            .unwrap_or_default()
            .to_owned(),
        region: p.series.region.clone(),
    };
    let comparison = p.operator.comparison();
    AlarmDef {
        name: p.name.clone(),
        created,
        endpoint,
        actions_enabled: p.actions_enabled,
        kind: AlarmKind::Metric {
            series: p.series.clone(),
            comparison: comparison.unwrap_or(Comparison::GreaterThanThreshold),
            threshold: comparison.map_or(f64::NAN, |_| p.threshold),
            evaluation_periods: p.evaluation_periods,
            datapoints_to_alarm: p.datapoints_to_alarm,
        },
        target: comparison.and_then(|_| world.resolve(&p.series)),
        children: Vec::new(),
        settings: AlarmSettings {
            operator: p.operator.as_str().to_owned(),
            treat_missing: p.missing.as_str().to_owned(),
            alarm_actions: p.alarm_actions.clone(),
            ok_actions: p.ok_actions.clone(),
            description: p.description.clone(),
            band_width: p.operator.is_band().then_some(p.threshold),
            raw_series: Some(p.series.clone()),
            raw_description: p.description.clone(),
            insufficient_data_actions: p.insufficient_data_actions.clone(),
            unit: p.unit.clone(),
            not_editable: None,
        },
    }
}
