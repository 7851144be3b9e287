//! The rows the studio view shows: the accounts in scope (each followed by its domains) and
//! the apps, filtered and sorted. Derived from the state; `rebuild` runs when an answer,
//! the scope, the order or the filter changes, not on every frame.

use super::state::{AppColumn, AppRef};
use crate::app::state::State;
use crate::source::model::{Account, Epoch};
use crate::source::studio::{AccountStudio, AppOwner, AppStatus, Attention, StudioApp, attention};
use std::cmp::Ordering;

/// A line of the accounts pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryLine<'a> {
    Account(&'a Account),
    /// The account's domain at this index.
    Domain(&'a Account, usize),
}

/// The accounts in scope, the monitoring account first (the fleet's order).
pub fn accounts(state: &State) -> impl Iterator<Item = &Account> {
    state
        .accounts
        .iter()
        .filter(|a| state.scope.as_ref().is_none_or(|s| *s == a.id))
}

/// The accounts pane's lines: each account, then one line per domain it has.
pub fn summary(state: &State) -> Vec<SummaryLine<'_>> {
    let mut out = Vec::new();
    for account in accounts(state) {
        out.push(SummaryLine::Account(account));
        let domains = state
            .views
            .studio
            .held(&account.id)
            .map_or(0, |s| s.domains.len());
        out.extend((0..domains).map(|i| SummaryLine::Domain(account, i)));
    }
    out
}

/// The idle bound in seconds.
pub fn idle_after(state: &State) -> i64 {
    i64::from(state.studio_idle_hours) * 3600
}

/// The app a row points at.
pub fn app<'a>(state: &'a State, row: &AppRef) -> Option<(&'a AccountStudio, &'a StudioApp)> {
    let studio = state.views.studio.held(&row.account_id)?;
    Some((studio, studio.apps.get(row.app)?))
}

/// The domain's name (its id when ListDomains did not list it).
pub fn domain_name<'a>(studio: &'a AccountStudio, domain_id: &'a str) -> &'a str {
    studio
        .domains
        .iter()
        .find(|d| d.id == domain_id)
        .map_or(domain_id, |d| d.name.as_str())
}

/// `alice`, or `space:fraud-team` for a shared space's app.
pub fn owner_label(owner: &AppOwner) -> String {
    match owner {
        AppOwner::UserProfile(u) => u.clone(),
        AppOwner::Space(s) => format!("space:{s}"),
    }
}

fn matches(state: &State, studio: &AccountStudio, app: &StudioApp, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    let fields = [
        state.account_label(&studio.account_id),
        domain_name(studio, &app.domain_id),
        &owner_label(&app.owner),
        &app.app_type,
        &app.name,
        app.status.as_str(),
        app.instance_type.as_deref().unwrap_or(""),
        app.failure_reason.as_deref().unwrap_or(""),
    ];
    fields.iter().any(|f| f.to_lowercase().contains(needle))
}

/// Failed first, then idle spend (oldest first), then the rest; gone apps last.
fn rank(app: &StudioApp, now: Epoch, idle_after: i64) -> u8 {
    match (attention(app, now, idle_after), &app.status) {
        (Some(Attention::Failed), _) => 0,
        (Some(Attention::LongRunning(_)), _) => 1,
        (_, AppStatus::Deleted) => 3,
        _ => 2,
    }
}

fn compare(state: &State, column: AppColumn, a: &AppRef, b: &AppRef) -> Ordering {
    let (Some((sa, x)), Some((sb, y))) = (app(state, a), app(state, b)) else {
        return Ordering::Equal;
    };
    let idle = idle_after(state);
    // Older first: an unknown creation time sorts after every known one.
    let age = || match (x.created, y.created) {
        (Some(p), Some(q)) => p.cmp(&q),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    match column {
        AppColumn::Attention => rank(x, state.now, idle)
            .cmp(&rank(y, state.now, idle))
            .then_with(age),
        AppColumn::Account => state
            .account_label(&sa.account_id)
            .cmp(state.account_label(&sb.account_id)),
        AppColumn::Domain => domain_name(sa, &x.domain_id).cmp(domain_name(sb, &y.domain_id)),
        AppColumn::Owner => owner_label(&x.owner).cmp(&owner_label(&y.owner)),
        AppColumn::Type => x.app_type.cmp(&y.app_type),
        AppColumn::Name => x.name.cmp(&y.name),
        AppColumn::Status => x.status.cmp(&y.status),
        AppColumn::Instance => x.instance_type.cmp(&y.instance_type),
        AppColumn::Age => age(),
    }
}

/// Rebuilds the app rows from the held answers, the scope, the filter and the order,
/// keeping the cursor on the app it was on when that app is still listed.
pub fn rebuild(state: &mut State) {
    let selected = state.views.studio.selected().cloned();
    let needle = state.views.studio.filter.to_lowercase();
    let mut rows = Vec::new();
    for account in accounts(state) {
        let Some(studio) = state.views.studio.held(&account.id) else {
            continue;
        };
        for (i, app) in studio.apps.iter().enumerate() {
            if matches(state, studio, app, &needle) {
                rows.push(AppRef {
                    account_id: account.id.clone(),
                    app: i,
                });
            }
        }
    }
    let column = state.views.studio.sort;
    rows.sort_by(|a, b| {
        let o = compare(state, column, a, b)
            // Ties keep a stable, meaningful order: by attention, then by name.
            .then_with(|| compare(state, AppColumn::Attention, a, b));
        if state.views.studio.descending {
            o.reverse()
        } else {
            o
        }
    });
    state.views.studio.rows = rows;
    let s = &mut state.views.studio;
    s.app_row = selected
        .and_then(|sel| s.rows.iter().position(|r| *r == sel))
        .unwrap_or(0)
        .min(s.rows.len().saturating_sub(1));
}

/// Counts for the accounts pane and the titles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub in_service: usize,
    pub pending: usize,
    pub failed: usize,
    pub deleting: usize,
    pub idle: usize,
}

pub fn counts(studio: &AccountStudio, now: Epoch, idle_after: i64) -> Counts {
    let mut c = Counts::default();
    for app in &studio.apps {
        match app.status {
            AppStatus::InService => c.in_service += 1,
            AppStatus::Pending => c.pending += 1,
            AppStatus::Failed => c.failed += 1,
            AppStatus::Deleting => c.deleting += 1,
            _ => {}
        }
        if matches!(
            attention(app, now, idle_after),
            Some(Attention::LongRunning(_))
        ) {
            c.idle += 1;
        }
    }
    c
}
