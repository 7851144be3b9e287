//! The filter of "what changed": the write events on an endpoint's resources, each named
//! exactly, in the accounts they live in, since a time. The trail view's `c` and the
//! incident tape search with it.

use crate::source::model::{Alarm, EndpointKey, EndpointMakeup, Epoch};

/// How long before an alarm's transition the changes are searched from: deploys that cause
/// drift land hours before quality metrics (computed hourly) show it.
pub const LEAD_SECS: i64 = 3 * 3600;
/// Without an alarm in ALARM, the last hours.
pub const QUIET_WINDOW_SECS: i64 = 6 * 3600;
/// The furthest back a search of the changes reaches: an alarm in its state for months (or
/// one whose transition time AWS did not give) must not scan months of the trail, and the
/// tape's Insights query is priced by what it reads.
pub const MAX_WINDOW_SECS: i64 = 7 * 86_400;

/// What an endpoint's changes are about.
#[derive(Debug, Clone, Copy)]
pub struct Resources<'a> {
    pub endpoint: &'a EndpointKey,
    /// Its config and models, when they were read.
    pub makeup: Option<&'a EndpointMakeup>,
    pub schedules: &'a [String],
    /// The alarms on it.
    pub alarms: &'a [&'a Alarm],
    /// Its region: the search reads that region's partitions only.
    pub region: Option<&'a str>,
    pub from: Epoch,
}

/// A filter value, quoted when it holds anything but plain name characters.
pub fn quote(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./@+=".contains(c));
    if plain {
        value.to_owned()
    } else {
        format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// `readonly:false account:... resource:... since:...` for the changes to `r`.
pub fn filter_text(r: &Resources<'_>) -> String {
    // Each resource by its exact name (`resource:` matches identities, not parts): another
    // endpoint or alarm whose name holds this one's is not this one's change. The config and
    // models name the CreateEndpointConfig and CreateModel that an UpdateEndpoint deployed.
    let mut names = vec![r.endpoint.name.clone()];
    names.extend(
        r.makeup
            .into_iter()
            .flat_map(|m| m.names().map(str::to_owned)),
    );
    names.extend(r.schedules.iter().cloned());
    // Alarms by the exact name AWS gave (`id`): what CloudTrail recorded.
    names.extend(r.alarms.iter().map(|a| a.id.clone()));
    let mut seen = std::collections::HashSet::new();
    names.retain(|n| seen.insert(n.clone()));
    // The endpoint's account, and where its alarms live (the monitoring account, for
    // cross-account alarms): a mute or an edit of the alarm is a change too.
    let mut accounts = vec![r.endpoint.account_id.clone()];
    for a in r.alarms {
        if !accounts.contains(&a.account_id) {
            accounts.push(a.account_id.clone());
        }
    }
    let resources: Vec<String> = names.iter().map(|n| quote(n)).collect();
    let accounts: Vec<String> = accounts.iter().map(|a| quote(a)).collect();
    let region = r
        .region
        .map_or(String::new(), |region| format!(" region:{}", quote(region)));
    format!(
        "readonly:false account:{} resource:{}{region} since:{}",
        accounts.join(","),
        resources.join(","),
        crate::snapshot::rfc3339(r.from)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_quoted_only_when_they_must_be() {
        assert_eq!(quote("fraud-detector"), "fraud-detector");
        assert_eq!(quote("a b"), "\"a b\"");
        assert_eq!(quote("x\"y\\"), "\"x\\\"y\\\\\"");
        let f =
            crate::trail::filter::parse(&format!("resource:{},{}", quote("a b"), quote("x\"y\\")))
                .unwrap();
        use crate::trail::filter::ResourceMatch::Named;
        assert_eq!(
            f.resources,
            vec![Named("a b".into()), Named("x\"y\\".into())]
        );
    }
}
