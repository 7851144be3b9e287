//! `sagewatch studio [--json]`: SageMaker Studio across the accounts, printed once: per
//! account its domains (status, auth mode, VPC), user profiles, spaces and apps by status,
//! then the apps that need a look (Failed, or InService on a billed instance beyond
//! `studio_idle_hours`). `--json` prints the snapshot's `studio` entries.
//!
//! Exit codes: 0 every account read, 1 the accounts could not be listed or some account's
//! Studio could not be read (stderr says which and why; the others are still printed).

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
    for command in [Command::LoadIdentity, Command::LoadFleet] {
        let action = execute(source, None, command).await;
        update(&mut state, action);
    }
    if state.freshness.fleet_ok_at.is_none() {
        let why = state
            .freshness
            .last_error
            .clone()
            .map_or_else(|| "no answer".to_owned(), |(_, e)| e);
        return Err(format!("could not list the accounts: {why}"));
    }
    crate::snapshot::read_studio(source, &mut state).await;
    Ok(state)
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
        if let Some(why) = &s.unreadable {
            let _ = writeln!(
                out,
                "{:<14} {:<12} {:>7} {:>8} {:>6} {:>5} {:>9} {:>7} {:>6} {:>8}  {why}",
                label, s.account_id, "-", "-", "-", "-", "-", "-", "-", "-"
            );
            continue;
        }
        let counts = s.app_counts();
        let n = |w: &str| counts.get(w).copied().unwrap_or(0);
        let _ = writeln!(
            out,
            "{:<14} {:<12} {:>7} {:>8} {:>6} {:>5} {:>9} {:>7} {:>6} {:>8}",
            label,
            s.account_id,
            s.domains.len(),
            s.user_profiles,
            s.spaces,
            s.apps.len(),
            n("InService"),
            n("Pending"),
            n("Failed"),
            n("Deleting"),
        );
        for d in &s.domains {
            let _ = writeln!(
                out,
                "  └ {} ({}) {} {} {}",
                d.name,
                d.id,
                d.status,
                d.auth_mode,
                d.vpc_id.as_deref().unwrap_or("public internet")
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
            Attention::Failed => "failed".to_owned(),
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
            .map(super::clean)
            .collect::<Vec<_>>()
            .join("\n")
    };
    // A reader that went away (`| head`) is not an error worth a panic.
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{text}");
    let unreadable: Vec<String> = answers(&state)
        .into_iter()
        .filter_map(|s| {
            let why = s.unreadable?;
            Some(format!("{}: {why}", state.account_label(&s.account_id)))
        })
        .collect();
    if unreadable.is_empty() {
        Exit {
            code: DONE,
            message: None,
        }
    } else {
        Exit {
            code: FAILED,
            message: Some(super::clean(&format!(
                "Studio could not be read in {} account(s): {}",
                unreadable.len(),
                unreadable.join("; ")
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::SharedClock;
    use crate::source::demo::{DemoConfig, DemoSource};

    async fn demo_state() -> State {
        let start = 1_764_151_200;
        let clock: SharedClock = std::sync::Arc::new(crate::clock::FixedClock::new(start));
        let source = DemoSource::new(
            DemoConfig {
                seed: 7,
                start,
                scale: None,
            },
            clock,
        );
        let state = State::new(
            crate::source::SourceKind::Demo,
            start,
            crate::config::theme::Theme::default(),
            std::sync::Arc::new(crate::config::keymap::Keymap::default()),
        );
        collect(&source, state)
            .await
            .expect("the demo lists its accounts")
    }

    #[tokio::test]
    async fn every_account_is_listed_with_its_counts_and_the_apps_needing_a_look() {
        let state = demo_state().await;
        let text = to_text(&state);
        assert!(text.contains("ml-platform-prod"), "{text}");
        assert!(text.contains("no role"), "{text}");
        assert!(text.contains("NEEDS A LOOK: 6"), "{text}");
        assert!(text.contains("ml.g5.2xlarge"), "{text}");
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
        let test = entries
            .iter()
            .find(|e| e["account_id"] == "333333333333")
            .unwrap();
        assert!(test["domains"].is_null());
        assert!(test["unreadable"].as_str().unwrap().contains("role_arn"));
    }
}
