//! `sagewatch studio [--json]`: SageMaker Studio across the accounts, printed once: per
//! account its domains (status, auth mode, VPC), user profiles, spaces and apps by status,
//! then the apps that need a look (Failed, or InService on a billed instance beyond
//! `studio_idle_hours`). `--json` prints the snapshot's `studio` entries.
//!
//! Exit codes: 0 every account with credentials read (the ones without, under OAM, are
//! named on stderr: that is configuration), 1 the accounts could not be listed or a call
//! failed in some account (stderr says which and why; the others are still printed).

use super::{DONE, Exit, FAILED};
use crate::app::command::Command;
use crate::app::query::coarse_duration;
use crate::app::state::State;
use crate::app::update::update;
use crate::app::worker::execute;
use crate::source::FleetSource;
use crate::source::studio::{AccountStudio, Attention, attention};
use crate::views::studio::rows::{domain_name, owner_label};
use std::fmt::Write as _;
use std::io::Write as _;

/// Reads the accounts, then every account's Studio, through the console's own `update`.
pub async fn collect(source: &dyn FleetSource, mut state: State) -> Result<State, String> {
    if source.studio().is_none() {
        return Err("this source does not read SageMaker Studio".into());
    }
    read_accounts(source, &mut state).await?;
    crate::snapshot::read_studio(source, &mut state).await;
    Ok(state)
}

/// Who the console is and the accounts it sees, through the console's own `update`; why
/// not when they could not be listed.
pub(crate) async fn read_accounts(
    source: &dyn FleetSource,
    state: &mut State,
) -> Result<(), String> {
    for command in [Command::LoadIdentity, Command::LoadFleet] {
        let action = execute(source, None, command).await;
        update(state, action);
    }
    if state.freshness.fleet_ok_at.is_none() {
        let why = state
            .freshness
            .last_error
            .clone()
            .map_or_else(|| "no answer".to_owned(), |(_, e)| e);
        return Err(format!("could not list the accounts: {why}"));
    }
    Ok(())
}

/// Each account's answer, in the accounts' order.
fn answers(state: &State) -> Vec<AccountStudio> {
    state
        .accounts
        .iter()
        .filter_map(|a| crate::views::studio::reported(state, &a.id))
        .collect()
}

/// What `--json` prints: the snapshot's `studio` entries, with the time they were read.
pub fn to_json(state: &State) -> serde_json::Value {
    serde_json::json!({
        "generated_at": crate::snapshot::rfc3339(state.now),
        "studio_idle_hours": state.studio_idle_hours,
        "studio": crate::snapshot::studio_entries(state),
    })
}

/// A table for humans: the accounts, their domains, then the apps needing a look.
pub fn to_text(state: &State) -> String {
    let idle = i64::from(state.studio_idle_hours) * 3600;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<14} {:<12} {:>7} {:>8} {:>6} {:>5} {:>9} {:>7} {:>6} {:>8}  NOTE",
        "ACCOUNT",
        "ID",
        "DOMAINS",
        "PROFILES",
        "SPACES",
        "APPS",
        "InService",
        "Pending",
        "Failed",
        "Deleting"
    );
    let answers = answers(state);
    for s in &answers {
        let label = state.account_label(&s.account_id);
        if let Some(why) = s.unreadable.as_ref().filter(|_| !s.read_anything()) {
            let _ = writeln!(
                out,
                "{:<14} {:<12} {:>7} {:>8} {:>6} {:>5} {:>9} {:>7} {:>6} {:>8}  {why}",
                label, s.account_id, "-", "-", "-", "-", "-", "-", "-", "-"
            );
            continue;
        }
        let counts = s.app_counts();
        // A list that failed has no count (`?`), not 0.
        let known = |list: &str, n: usize| {
            if s.knows(list) {
                n.to_string()
            } else {
                "?".to_owned()
            }
        };
        // Deleted apps are listed by AWS for a while but exist no more: not counted.
        let n = |w: &str| known("ListApps", counts.get(w).copied().unwrap_or(0));
        let _ = writeln!(
            out,
            "{:<14} {:<12} {:>7} {:>8} {:>6} {:>5} {:>9} {:>7} {:>6} {:>8}  {}",
            label,
            s.account_id,
            known("ListDomains", s.domains.len()),
            known("ListUserProfiles", s.user_profiles),
            known("ListSpaces", s.spaces),
            known("ListApps", s.live_apps()),
            n("InService"),
            n("Pending"),
            n("Failed"),
            n("Deleting"),
            s.unreadable.as_deref().unwrap_or(""),
        );
        for d in &s.domains {
            let _ = writeln!(
                out,
                "  └ {} ({}) {} {} {}",
                d.name,
                d.id,
                d.status,
                if d.auth_mode.is_empty() {
                    "auth ?"
                } else {
                    &d.auth_mode
                },
                d.vpc_id
                    .as_deref()
                    .unwrap_or("VPC ? (DescribeDomain failed)")
            );
        }
    }
    let mut flagged: Vec<(&AccountStudio, &crate::source::studio::StudioApp, Attention)> = answers
        .iter()
        .flat_map(|s| s.apps.iter().map(move |a| (s, a)))
        .filter_map(|(s, a)| Some((s, a, attention(a, state.now, idle)?)))
        .collect();
    flagged.sort_by_key(|(_, a, why)| (matches!(why, Attention::LongRunning(_)), a.created));
    let _ = writeln!(
        out,
        "\nNEEDS A LOOK: {} (Failed, or InService on a billed instance over {}h)",
        flagged.len(),
        state.studio_idle_hours
    );
    for (s, a, why) in flagged {
        let note = match why {
            Attention::Failed => match a.why_failed() {
                Some(why) => format!("failed: {why}"),
                None => "failed".to_owned(),
            },
            Attention::LongRunning(secs) => format!("idle spend, up {}", coarse_duration(secs)),
        };
        let _ = writeln!(
            out,
            "  {:<10} {:<18} {:<20} {:<13} {:<34} {:<9} {:<14} {}",
            state.account_label(&s.account_id),
            domain_name(s, &a.domain_id),
            owner_label(&a.owner),
            a.app_type,
            a.name,
            a.status.as_str(),
            a.instance_type.as_deref().unwrap_or("-"),
            note
        );
    }
    out
}

/// Runs `sagewatch studio`, printing to stdout; what went wrong goes in the exit's message.
pub async fn run(source: &dyn FleetSource, state: State, json: bool) -> Exit {
    let state = match collect(source, state).await {
        Ok(state) => state,
        Err(why) => return Exit::failed(super::clean(&why)),
    };
    let text = if json {
        crate::writes::audit::inert_json_pretty(&to_json(&state))
    } else {
        // Everything printed came through `Sanitize` on its way in; cleaned again here.
        to_text(&state)
            .lines()
            .map(|l| super::clean(l.trim_end()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    // A reader that went away (`| head`) is not an error worth a panic.
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{text}");
    // An account the console holds no credentials for is its configuration (most accounts
    // under OAM, until roles are added): said, but not a failure. A call that failed is.
    let (not_configured, failed): (Vec<AccountStudio>, Vec<AccountStudio>) = answers(&state)
        .into_iter()
        .filter(|s| s.unreadable.is_some())
        .partition(|s| s.without_credentials);
    let list = |accounts: &[AccountStudio]| {
        accounts
            .iter()
            .map(|s| {
                let why = s.unreadable.as_deref().unwrap_or_default();
                format!("{}: {why}", state.account_label(&s.account_id))
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mut notes = Vec::new();
    if !not_configured.is_empty() {
        notes.push(format!(
            "no credentials for {} account(s): {}",
            not_configured.len(),
            list(&not_configured)
        ));
    }
    if !failed.is_empty() {
        notes.push(format!(
            "Studio could not be read in {} account(s): {}",
            failed.len(),
            list(&failed)
        ));
    }
    Exit {
        code: if failed.is_empty() { DONE } else { FAILED },
        message: (!notes.is_empty()).then(|| super::clean(&notes.join("; "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::demo::DemoSource;

    const START: i64 = 1_764_151_200;

    fn demo() -> DemoSource {
        DemoSource::pinned(7, START, START)
    }

    fn fresh_state() -> State {
        crate::ui::fixture::console_with_defaults(crate::source::SourceKind::Demo, START, (80, 24))
    }

    async fn demo_state() -> State {
        collect(&demo(), fresh_state())
            .await
            .expect("the demo lists its accounts")
    }

    #[tokio::test]
    async fn an_account_without_credentials_is_named_but_is_no_failure() {
        let exit = run(&demo(), fresh_state(), true).await;
        assert_eq!(exit.code, DONE);
        let note = exit.message.unwrap_or_default();
        assert!(
            note.contains("no credentials for 1 account(s): test"),
            "{note}"
        );
    }

    #[tokio::test]
    async fn the_snapshot_reads_studio_for_its_json_only() {
        let (text_state, _) = crate::snapshot::collect(&demo(), fresh_state(), false)
            .await
            .unwrap();
        assert!(
            text_state.views.studio.reads.is_empty(),
            "the text shows no Studio"
        );
        let (json_state, errors) = crate::snapshot::collect(&demo(), fresh_state(), true)
            .await
            .unwrap();
        assert_eq!(crate::snapshot::studio_entries(&json_state).len(), 4);
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[tokio::test]
    async fn every_account_is_listed_with_its_counts_and_the_apps_needing_a_look() {
        let state = demo_state().await;
        let text = to_text(&state);
        assert!(text.contains("ml-platform-prod"), "{text}");
        assert!(text.contains("no role"), "{text}");
        assert!(text.contains("NEEDS A LOOK: 6"), "{text}");
        // Deleted apps are not counted: prod lists 9, one of them Deleted.
        let prod = text.lines().find(|l| l.starts_with("prod ")).unwrap();
        assert!(prod.split_whitespace().nth(5) == Some("8"), "{prod}");
        assert!(text.contains("ml.g5.2xlarge"), "{text}");
        // A Failed app says why, as DescribeApp does.
        let dana = text.lines().find(|l| l.contains("dana")).unwrap();
        assert!(dana.contains("failed: ResourceLimitExceeded"), "{dana}");
        let json = to_json(&state);
        let entries = json["studio"].as_array().unwrap();
        assert_eq!(entries.len(), 4);
        let prod = entries
            .iter()
            .find(|e| e["account_id"] == "111111111111")
            .unwrap();
        assert_eq!(prod["domains"], 1);
        assert_eq!(prod["user_profiles"], 7);
        assert_eq!(prod["apps"]["Failed"], 1);
        let failed = prod["failed_apps"].as_array().unwrap();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0]["user_profile"], "dana");
        assert!(
            failed[0]["failure_reason"]
                .as_str()
                .unwrap()
                .contains("service limit"),
            "{failed:?}"
        );
        let test = entries
            .iter()
            .find(|e| e["account_id"] == "333333333333")
            .unwrap();
        assert!(test["domains"].is_null());
        assert!(test["unreadable"].as_str().unwrap().contains("role_arn"));
    }
}
