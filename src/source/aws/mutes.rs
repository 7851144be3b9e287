//! Alarm mute rules through the SDK: ListAlarmMuteRules in every account whose alarms are
//! read, then GetAlarmMuteRule for what only a rule's whole description says (its targets,
//! schedule, description, start date), asked again only when the rule has changed.
//!
//! Calls for an account holding N rules: ⌈N/50⌉ ListAlarmMuteRules (AWS's default page),
//! plus N GetAlarmMuteRule on the first read and then one per rule created or changed since
//! (a rule's LastUpdatedTimestamp in the listing tells); its status and expire date are taken
//! from each new listing, so a rule going from SCHEDULED to ACTIVE costs nothing more.
//!
//! An endpoint that does not know the operations (a region or partition without mute rules
//! yet, an emulator: LocalStack 4.13.1) holds no rule: its account reads as having none, a
//! notice says so once, and it is not asked again until sagewatch starts again.

use super::error::classify;
use super::{AccountClients, AwsSource};
use crate::sanitize::Sanitize;
use crate::source::SourceError;
use crate::source::model::{AccountId, Epoch};
use crate::source::mute::{MuteRule, MuteSource, MuteStatus};
use async_trait::async_trait;
use aws_sdk_cloudwatch::operation::get_alarm_mute_rule::GetAlarmMuteRuleOutput;
use aws_sdk_cloudwatch::types::{AlarmMuteRuleStatus, AlarmMuteRuleSummary};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures::StreamExt;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

/// GetAlarmMuteRule calls in flight at once for one account (as the other per-item reads).
const GETS_AT_ONCE: usize = 4;
/// Rules kept described; beyond this the cache starts again (a bound, not a working size).
const DESCRIBED_MAX: usize = 20_000;

/// What a rule's ARN says: `arn:PARTITION:cloudwatch:REGION:ACCOUNT:alarm-mute-rule:NAME`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleArn<'a> {
    pub region: &'a str,
    pub account_id: &'a str,
    pub name: &'a str,
}

impl<'a> RuleArn<'a> {
    /// `None` for anything that is not a CloudWatch alarm mute rule's ARN with a name. The
    /// name is everything after the resource type, colons included.
    pub fn parse(arn: &'a str) -> Option<Self> {
        let mut parts = arn.splitn(7, ':');
        let (Some("arn"), Some(partition), Some("cloudwatch")) =
            (parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let region = parts.next()?;
        let account_id = parts.next()?;
        let kind = parts.next()?;
        let name = parts.next()?;
        let ok = !partition.is_empty()
            && !region.is_empty()
            && kind == "alarm-mute-rule"
            && !name.is_empty()
            && super::account_of_arn(arn) == Some(account_id);
        ok.then_some(Self {
            region,
            account_id,
            name,
        })
    }
}

/// One rule of a listing, to be described (or found described).
#[derive(Debug, Clone)]
struct Listed {
    arn: String,
    name: String,
    updated: Option<Epoch>,
    status: Option<MuteStatus>,
    expire: Option<Epoch>,
}

/// Rules described, by account and ARN, at the LastUpdatedTimestamp they were described at;
/// and the accounts whose endpoint does not serve mute rules.
#[derive(Debug, Default)]
pub struct DescribedRules {
    described: Mutex<HashMap<(AccountId, String), MuteRule>>,
    unserved: Mutex<HashSet<AccountId>>,
}

impl DescribedRules {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(AccountId, String), MuteRule>> {
        self.described.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The rule as described at this very update time (a listing without one cannot tell a
    /// change, so the rule is described again).
    fn fresh(&self, account_id: &str, listed: &Listed) -> Option<MuteRule> {
        let updated = listed.updated?;
        self.lock()
            .get(&(account_id.to_owned(), listed.arn.clone()))
            .filter(|r| r.updated == Some(updated))
            .cloned()
    }

    fn remember(&self, account_id: &str, arn: &str, rule: &MuteRule) {
        let mut map = self.lock();
        if map.len() >= DESCRIBED_MAX {
            map.clear();
        }
        map.insert((account_id.to_owned(), arn.to_owned()), rule.clone());
    }

    fn unserved(&self) -> std::sync::MutexGuard<'_, HashSet<AccountId>> {
        self.unserved.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Forgets this account's rules that are no longer listed (deleted rules).
    fn keep_only(&self, account_id: &str, listed: &[Listed]) {
        let arns: HashSet<&str> = listed.iter().map(|l| l.arn.as_str()).collect();
        self.lock()
            .retain(|(account, arn), _| account != account_id || arns.contains(arn.as_str()));
    }
}

/// Error codes of an endpoint that does not know the operation asked for.
const UNKNOWN_OPERATION: &[&str] = &[
    "UnknownOperationException",
    "UnknownOperation",
    "InvalidAction",
    "NotImplemented",
];

/// Whether an error says the endpoint does not know the operation at all (AWS's codes, or
/// LocalStack's "unknown operation"), as opposed to refusing or failing it.
fn is_unknown_operation(err: &impl ProvideErrorMetadata) -> bool {
    let code = err.code().unwrap_or_default();
    let message = err.message().unwrap_or_default().to_ascii_lowercase();
    UNKNOWN_OPERATION.contains(&code) || message.contains("unknown operation")
}

/// What ListAlarmMuteRules answered.
enum Listing {
    Rules(Vec<AlarmMuteRuleSummary>),
    /// The endpoint does not know the operation.
    Unserved,
}

fn status(s: Option<&AlarmMuteRuleStatus>) -> Option<MuteStatus> {
    s.and_then(|s| MuteStatus::parse(s.as_str()))
}

fn epoch(t: Option<&aws_smithy_types::DateTime>) -> Option<Epoch> {
    t.map(aws_smithy_types::DateTime::secs)
}

/// The listing's rules this console can read: a CloudWatch rule ARN with a name, in the
/// region the console watches (a rule of another region mutes that region's alarms, which
/// are not read; asking GetAlarmMuteRule for its name here would describe another rule).
fn readable(summaries: &[AlarmMuteRuleSummary], region: &str) -> Vec<Listed> {
    summaries
        .iter()
        .filter_map(|s| {
            let arn = s.alarm_mute_rule_arn()?;
            let Some(parsed) = RuleArn::parse(arn) else {
                tracing::warn!(arn = %crate::sanitize::clean(arn), "not a mute rule ARN: skipped");
                return None;
            };
            if !region.is_empty() && parsed.region != region {
                tracing::debug!(arn = %crate::sanitize::clean(arn), region, "a rule of another region: skipped");
                return None;
            }
            Some(Listed {
                arn: arn.to_owned(),
                name: parsed.name.to_owned(),
                updated: epoch(s.last_updated_timestamp()),
                status: status(s.status()),
                expire: epoch(s.expire_date()),
            })
        })
        .collect()
}

/// A described rule of `account_id`, cleaned as `MuteRule`'s `Sanitize` says: `name` for the
/// screen; `id`, `targets`, the description and the schedule as AWS returned them, since
/// requests send them back (they are cleaned where they are drawn).
pub fn mute_rule(account_id: &str, asked: &str, out: &GetAlarmMuteRuleOutput) -> MuteRule {
    let id = out.name().unwrap_or(asked).to_owned();
    let schedule = out.rule().and_then(|r| r.schedule());
    let mut rule = MuteRule {
        account_id: account_id.to_owned(),
        name: id.clone(),
        id,
        description: out.description().unwrap_or_default().to_owned(),
        targets: out
            .mute_targets()
            .map(|t| t.alarm_names().to_vec())
            .unwrap_or_default(),
        expression: schedule
            .and_then(|s| s.expression())
            .unwrap_or_default()
            .to_owned(),
        duration: schedule
            .and_then(|s| s.duration())
            .unwrap_or_default()
            .to_owned(),
        timezone: schedule.and_then(|s| s.timezone()).map(str::to_owned),
        start: epoch(out.start_date()),
        expire: epoch(out.expire_date()),
        // A status this console does not know reads as expired: it mutes nothing it can show.
        status: status(out.status()).unwrap_or(MuteStatus::Expired),
        updated: epoch(out.last_updated_timestamp()),
        region: Default::default(),
    };
    rule.sanitize();
    rule
}

impl AwsSource {
    /// Every page of ListAlarmMuteRules, all statuses (no filter: expired rules are listed
    /// too, and CloudWatch keeps them until they are deleted).
    async fn list_mute_rules(
        &self,
        cw: &aws_sdk_cloudwatch::Client,
        call: &str,
    ) -> Result<Listing, SourceError> {
        let mut pages = cw.list_alarm_mute_rules().into_paginator().send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            let page = match page {
                Ok(page) => page,
                Err(e)
                    if out.is_empty() && e.as_service_error().is_some_and(is_unknown_operation) =>
                {
                    return Ok(Listing::Unserved);
                }
                Err(e) => return Err(classify(call, "cloudwatch:ListAlarmMuteRules", e)),
            };
            out.extend(page.alarm_mute_rule_summaries().iter().cloned());
        }
        Ok(Listing::Rules(out))
    }

    /// GetAlarmMuteRule; `None` when the rule was deleted since it was listed.
    async fn get_mute_rule(
        &self,
        cw: &aws_sdk_cloudwatch::Client,
        account_id: &str,
        listed: &Listed,
        call: &str,
    ) -> Result<Option<MuteRule>, SourceError> {
        match cw
            .get_alarm_mute_rule()
            .alarm_mute_rule_name(&listed.name)
            .send()
            .await
        {
            Ok(out) => Ok(Some(mute_rule(account_id, &listed.name, &out))),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_not_found_exception()) =>
            {
                Ok(None)
            }
            Err(e) => Err(classify(call, "cloudwatch:GetAlarmMuteRule", e)),
        }
    }

    /// The rules of one account, each described (or found described at its update time).
    /// A rule that cannot be described fails the account's read: rules missing from the
    /// answer would show their alarms as not muted.
    pub(super) async fn mute_rules_of(
        &self,
        account_id: &str,
        clients: &AccountClients,
    ) -> Result<Vec<MuteRule>, SourceError> {
        if self.mute_rules.unserved().contains(account_id) {
            return Ok(Vec::new());
        }
        let cw = &clients.cloudwatch;
        let call = format!("ListAlarmMuteRules {account_id}");
        let listed = match self.track(&call, self.list_mute_rules(cw, &call).await)? {
            Listing::Rules(summaries) => readable(&summaries, &self.identity.region),
            Listing::Unserved => {
                self.mute_rules.unserved().insert(account_id.to_owned());
                tracing::info!(account_id, "ListAlarmMuteRules is unknown to this endpoint");
                self.health.notice(format!(
                    "mute rules: this endpoint does not serve them (account {account_id}): \
                     none shown"
                ));
                return Ok(Vec::new());
            }
        };
        self.mute_rules.keep_only(account_id, &listed);

        let get_call = format!("GetAlarmMuteRule {account_id}");
        let get_call = get_call.as_str();
        let answers: Vec<Result<Option<MuteRule>, SourceError>> = futures::stream::iter(listed)
            .map(|l| async move {
                let rule = match self.mute_rules.fresh(account_id, &l) {
                    Some(rule) => Some(rule),
                    None => {
                        let got = self.get_mute_rule(cw, account_id, &l, get_call).await?;
                        // Keyed by the listing's time, the one the next read compares with.
                        if let (Some(rule), Some(updated)) = (&got, l.updated) {
                            let mut kept = rule.clone();
                            kept.updated = Some(updated);
                            self.mute_rules.remember(account_id, &l.arn, &kept);
                        }
                        got
                    }
                };
                // The listing is newer than a description kept from an earlier read.
                Ok::<_, SourceError>(rule.map(|mut r| {
                    r.status = l.status.unwrap_or(r.status);
                    r.expire = l.expire.or(r.expire);
                    r
                }))
            })
            .buffered(GETS_AT_ONCE)
            .collect()
            .await;
        let described: Result<Vec<Option<MuteRule>>, SourceError> = answers.into_iter().collect();
        let described = self.track(get_call, described)?;
        Ok(described.into_iter().flatten().collect())
    }

    /// The rules of one account (an account without credentials here has none to read; a
    /// failure is returned as it is).
    pub async fn mute_rules_in(&self, account_id: &str) -> Result<Vec<MuteRule>, SourceError> {
        let Some(clients) = self.clients_for(account_id) else {
            return Ok(Vec::new());
        };
        if self.excluded(account_id) {
            return Ok(Vec::new());
        }
        self.mute_rules_of(account_id, clients).await
    }
}

#[async_trait]
impl MuteSource for AwsSource {
    /// As `alarms()`: every account whose alarms are read, at once; a failing account's last
    /// rules stand in for it (the failing call is on the status bar), and only when every
    /// account fails is the read an error.
    async fn mute_rules(&self) -> Result<Vec<MuteRule>, SourceError> {
        let accounts: Vec<_> = self
            .credentialed()
            .into_iter()
            .filter(|(id, _)| !self.excluded(id))
            .collect();
        let read = |id, c| self.mute_rules_of(id, c);
        self.every_account(accounts, read, |l| &mut l.mutes).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_arn_gives_its_region_account_and_name() {
        let arn = "arn:aws:cloudwatch:eu-west-1:111111111111:alarm-mute-rule:nightly";
        assert_eq!(
            RuleArn::parse(arn),
            Some(RuleArn {
                region: "eu-west-1",
                account_id: "111111111111",
                name: "nightly"
            })
        );
        // Colons belong to the name; other partitions are ARNs too.
        let odd = "arn:aws-cn:cloudwatch:cn-north-1:111111111111:alarm-mute-rule:a:b";
        assert_eq!(RuleArn::parse(odd).map(|a| a.name), Some("a:b"));
        for bad in [
            "",
            "nightly",
            "arn:aws:cloudwatch:eu-west-1:111111111111:alarm:nightly",
            "arn:aws:cloudwatch:eu-west-1:111111111111:alarm-mute-rule:",
            "arn:aws:cloudwatch:eu-west-1:111111111111:alarm-mute-rule",
            "arn:aws:cloudwatch::111111111111:alarm-mute-rule:x",
            "arn:aws:cloudwatch:eu-west-1:1111:alarm-mute-rule:x",
            "arn:aws:logs:eu-west-1:111111111111:alarm-mute-rule:x",
            "arn::cloudwatch:eu-west-1:111111111111:alarm-mute-rule:x",
        ] {
            assert_eq!(RuleArn::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_listing_keeps_this_regions_rules_and_skips_what_it_cannot_name() {
        let s = |arn: &str| {
            AlarmMuteRuleSummary::builder()
                .alarm_mute_rule_arn(arn)
                .status(AlarmMuteRuleStatus::Active)
                .build()
        };
        let listed = readable(
            &[
                s("arn:aws:cloudwatch:eu-west-1:111111111111:alarm-mute-rule:here"),
                s("arn:aws:cloudwatch:us-east-1:111111111111:alarm-mute-rule:there"),
                s("garbage"),
                AlarmMuteRuleSummary::builder().build(),
            ],
            "eu-west-1",
        );
        let names: Vec<&str> = listed.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["here"]);
        assert_eq!(listed[0].status, Some(MuteStatus::Active));
        // A source that does not know its region keeps them all.
        assert_eq!(
            readable(
                &[s(
                    "arn:aws:cloudwatch:us-east-1:111111111111:alarm-mute-rule:there"
                )],
                ""
            )
            .len(),
            1
        );
    }
}
