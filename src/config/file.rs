//! `config.toml`: the user's settings. Every field is optional; a file lists what it changes.

use super::error::{ConfigError, Source};
use crate::source::trail::TrailSettings;
use crate::trail::sql::Layout;
use serde::Deserialize;
use serde::de::{self, Deserializer};
use toml::Spanned;

/// The parsed `config.toml`. Unknown keys are errors so that typos are caught; new settings
/// are added as fields with a `Default`, so existing files stay valid.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// A theme name: shipped (dark, light, high-contrast, colorblind) or `<config dir>/themes/NAME.toml`.
    pub theme: String,
    /// A keymap name: shipped (vim) or `<config dir>/keymaps/NAME.toml`.
    pub keymap: String,
    /// Seconds between polls of the sources; at least 1.
    #[serde(deserialize_with = "refresh_secs")]
    pub refresh_secs: u64,
    /// Longest an AWS call may take, retries included, in seconds (2 to 600). One attempt gets
    /// a third of it. A half-open connection then costs one refresh, not every refresh after.
    #[serde(deserialize_with = "timeout_secs")]
    pub timeout_secs: u64,
    /// Hide and refuse every action that changes something in AWS.
    pub readonly: bool,
    /// How accounts are reached; `None` lets sagewatch detect it.
    pub topology: Option<Topology>,
    /// Regions to watch; empty means the profile's default region.
    /// Checked in `Config::parse`, where each entry's position is known.
    pub regions: Vec<String>,
    pub accounts: Vec<AccountConfig>,
    /// Namespaces where teams publish their own model-quality metrics (Model Monitor is
    /// closed to new customers): `[[quality_metrics]]`.
    pub quality_metrics: Vec<QualityMetricsConfig>,
    /// Where the CloudTrail table is and how Athena runs its queries: `[trail]`. `None`
    /// without the section: the trail view then explains what to configure.
    #[serde(deserialize_with = "trail")]
    pub trail: Option<TrailSettings>,
    /// Hours a Studio app may stay InService before the studio view calls it idle spend
    /// (1 to 720).
    #[serde(deserialize_with = "studio_idle_hours")]
    pub studio_idle_hours: u32,
    /// Hours an alarm may stay muted indefinitely (actions off) before the console flags it
    /// on the status bar and lists it first under `:alarms muted` (1 to 720).
    #[serde(deserialize_with = "muted_indefinitely_hours")]
    pub muted_indefinitely_hours: u32,
    /// Above this many endpoints in scope, the fleet fetches the series of the rows on
    /// screen only and sorts the others by Metrics Insights rankings; 0 never does
    /// (0 to 1,000,000).
    #[serde(deserialize_with = "metrics_insights_above")]
    pub metrics_insights_above: u32,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            theme: super::theme_file::DEFAULT_THEME.into(),
            keymap: super::keymap_file::DEFAULT_KEYMAP.into(),
            refresh_secs: 10,
            timeout_secs: 30,
            readonly: false,
            topology: None,
            regions: Vec::new(),
            accounts: Vec::new(),
            quality_metrics: Vec::new(),
            trail: None,
            studio_idle_hours: 8,
            muted_indefinitely_hours: 24,
            metrics_insights_above: 500,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Topology {
    /// CloudWatch cross-account observability: one monitoring account sees the others.
    Oam,
    /// Assume a role in every account and query each one.
    Fanout,
}

/// Per-account settings, matched to discovered accounts by `id`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountConfig {
    #[serde(deserialize_with = "account_id")]
    pub id: String,
    /// Shown instead of the account's name or id.
    pub label: Option<String>,
    /// Role to assume for actions in this account, and to read it in fan-out mode.
    #[serde(default, deserialize_with = "role_arn")]
    pub role_arn: Option<String>,
    /// AWS profile to start from instead of the default credentials.
    pub profile: Option<String>,
    /// Leave this account out entirely.
    #[serde(default)]
    pub exclude: bool,
}

/// A custom source of model-quality metrics: a team's own job publishes the catalogue's
/// quality metrics (`accuracy`, `auc`, `f2`, `precision`, `recall`) under `namespace`, one
/// series per endpoint named by the dimension `endpoint_dimension`, every `period` seconds.
/// Endpoints found there get the same columns, charts and alarms as Model Monitor's.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualityMetricsConfig {
    #[serde(deserialize_with = "quality_namespace")]
    pub namespace: String,
    #[serde(deserialize_with = "endpoint_dimension")]
    pub endpoint_dimension: String,
    /// The period the job publishes at, which is also what the console asks for.
    #[serde(deserialize_with = "quality_period")]
    pub period: u32,
}

/// `[trail]` as written: every key optional, the rest from `TrailSettings::default()`. Each
/// value is checked where it is read, so an error points at it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TrailFile {
    #[serde(default, deserialize_with = "trail_catalog")]
    catalog: Option<String>,
    #[serde(default, deserialize_with = "trail_database")]
    database: Option<String>,
    #[serde(default, deserialize_with = "trail_table")]
    table: Option<String>,
    #[serde(default, deserialize_with = "trail_workgroup")]
    workgroup: Option<String>,
    #[serde(default, deserialize_with = "trail_output_location")]
    output_location: Option<String>,
    #[serde(default, deserialize_with = "trail_partitions")]
    partitions: Option<Layout>,
    #[serde(default, deserialize_with = "trail_reuse_minutes")]
    reuse_minutes: Option<u32>,
    #[serde(default, deserialize_with = "trail_limit")]
    limit: Option<u32>,
    #[serde(default, deserialize_with = "trail_max_range_days")]
    max_range_days: Option<u32>,
}

/// The positions of values checked after parsing, read in a second, lenient pass so that
/// `Config` itself stays a plain struct.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct ConfigSpans {
    pub theme: Option<Spanned<String>>,
    pub keymap: Option<Spanned<String>>,
    regions: Vec<Spanned<String>>,
    accounts: Vec<AccountSpans>,
    quality_metrics: Vec<QualitySpans>,
}

#[derive(Deserialize)]
struct AccountSpans {
    id: Spanned<String>,
}

#[derive(Deserialize)]
struct QualitySpans {
    namespace: Spanned<String>,
    endpoint_dimension: String,
}

impl Config {
    /// Parses and checks a config file; also returns where its values are, for later errors.
    pub(crate) fn parse(src: &Source) -> Result<(Config, ConfigSpans), ConfigError> {
        let config: Config = src.parse()?;
        let spans: ConfigSpans = src.parse()?;
        // toml gives array elements no position in serde errors, hence checks here.
        for r in &spans.regions {
            check_region(r.get_ref()).map_err(|m| src.error_at(r.span(), m))?;
        }
        for (i, a) in spans.accounts.iter().enumerate() {
            if spans.accounts[..i]
                .iter()
                .any(|b| b.id.get_ref() == a.id.get_ref())
            {
                return Err(src.error_at(
                    a.id.span(),
                    format!("account `{}` is listed twice", a.id.get_ref()),
                ));
            }
        }
        // Two entries for the same series would fetch and draw them twice.
        for (i, q) in spans.quality_metrics.iter().enumerate() {
            let same = |p: &QualitySpans| {
                p.namespace.get_ref() == q.namespace.get_ref()
                    && p.endpoint_dimension == q.endpoint_dimension
            };
            if spans.quality_metrics[..i].iter().any(same) {
                return Err(src.error_at(
                    q.namespace.span(),
                    format!(
                        "quality_metrics: namespace `{}` with endpoint_dimension `{}` is listed twice",
                        q.namespace.get_ref(),
                        q.endpoint_dimension
                    ),
                ));
            }
        }
        Ok((config, spans))
    }
}

fn refresh_secs<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let v = u64::deserialize(d)?;
    if v < 1 {
        return Err(de::Error::custom("refresh_secs must be at least 1"));
    }
    Ok(v)
}

fn studio_idle_hours<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let v = u32::deserialize(d)?;
    if !(1..=720).contains(&v) {
        return Err(de::Error::custom(
            "studio_idle_hours must be between 1 and 720 (hours)",
        ));
    }
    Ok(v)
}

fn muted_indefinitely_hours<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let v = u32::deserialize(d)?;
    if !(1..=720).contains(&v) {
        return Err(de::Error::custom(
            "muted_indefinitely_hours must be between 1 and 720 (hours)",
        ));
    }
    Ok(v)
}

fn metrics_insights_above<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let v = u32::deserialize(d)?;
    if v > 1_000_000 {
        return Err(de::Error::custom(
            "metrics_insights_above must be between 0 (never) and 1000000 (endpoints)",
        ));
    }
    Ok(v)
}

fn timeout_secs<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let v = u64::deserialize(d)?;
    if !(2..=600).contains(&v) {
        return Err(de::Error::custom("timeout_secs must be between 2 and 600"));
    }
    Ok(v)
}

fn trail<'de, D: Deserializer<'de>>(d: D) -> Result<Option<TrailSettings>, D::Error> {
    let f = TrailFile::deserialize(d)?;
    let default = TrailSettings::default();
    Ok(Some(TrailSettings {
        catalog: f.catalog.unwrap_or(default.catalog),
        database: f.database.unwrap_or(default.database),
        table: f.table.unwrap_or(default.table),
        workgroup: f.workgroup.unwrap_or(default.workgroup),
        output_location: f.output_location.or(default.output_location),
        layout: f.partitions.unwrap_or(default.layout),
        reuse_minutes: f.reuse_minutes.unwrap_or(default.reuse_minutes),
        limit: f.limit.unwrap_or(default.limit),
        max_range_days: f.max_range_days.unwrap_or(default.max_range_days),
    }))
}

fn trail_name<'de, D: Deserializer<'de>>(d: D, key: &str) -> Result<Option<String>, D::Error> {
    let s = String::deserialize(d)?;
    check_trail_name(key, &s).map_err(de::Error::custom)?;
    Ok(Some(s))
}

fn trail_catalog<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    trail_name(d, "catalog")
}

fn trail_database<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    trail_name(d, "database")
}

fn trail_table<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    trail_name(d, "table")
}

fn trail_workgroup<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s = String::deserialize(d)?;
    check_workgroup(&s).map_err(de::Error::custom)?;
    Ok(Some(s))
}

fn trail_output_location<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s = String::deserialize(d)?;
    check_output_location(&s).map_err(de::Error::custom)?;
    Ok(Some(s))
}

fn trail_partitions<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Layout>, D::Error> {
    let s = String::deserialize(d)?;
    Layout::parse(&s).map(Some).ok_or_else(|| {
        de::Error::custom(format!(
            "invalid partitions `{}`: expected \"timestamp\" (the table AWS documents), \
             \"account_region_timestamp\" or \"org_account_region_timestamp\"",
            crate::sanitize::clean(&s)
        ))
    })
}

fn trail_reuse_minutes<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let v = i64::deserialize(d)?;
    check_reuse_minutes(v).map(Some).map_err(de::Error::custom)
}

fn trail_limit<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let v = i64::deserialize(d)?;
    check_trail_limit(v).map(Some).map_err(de::Error::custom)
}

fn trail_max_range_days<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let v = i64::deserialize(d)?;
    check_max_range_days(v).map(Some).map_err(de::Error::custom)
}

/// A catalog, database or table name: it becomes a quoted identifier (so any character is
/// safe in the SQL), but a control character is never what the user meant and would reach
/// the terminal in messages. Glue names are at most 255 characters.
pub fn check_trail_name(key: &str, s: &str) -> Result<(), String> {
    if s.is_empty() || s.chars().count() > 255 || s.chars().any(crate::sanitize::needs_replacing) {
        return Err(format!(
            "invalid {key}: expected a non-empty name of at most 255 characters without \
             control characters"
        ));
    }
    Ok(())
}

/// Athena's workgroup names: 1 to 128 of `A-Z a-z 0-9 . _ -`.
pub fn check_workgroup(s: &str) -> Result<(), String> {
    let ok = (1..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid workgroup `{}`: expected an Athena workgroup name such as \"primary\" \
             (1 to 128 letters, digits, `.`, `_` or `-`)",
            crate::sanitize::clean(s)
        ))
    }
}

/// `s3://bucket` or `s3://bucket/prefix/`, with a bucket name S3 accepts (3 to 63 of
/// `a-z 0-9 . -`, starting and ending with a letter or digit).
pub fn check_output_location(s: &str) -> Result<(), String> {
    let bad = || {
        format!(
            "invalid output_location `{}`: expected s3://BUCKET/PREFIX/ such as \
             \"s3://my-athena-results/sagewatch/\" (leave the key out when the workgroup sets \
             the result location)",
            crate::sanitize::clean(s)
        )
    };
    let rest = s.strip_prefix("s3://").ok_or_else(bad)?;
    let bucket = rest.split('/').next().unwrap_or("");
    let edge = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    let bucket_ok = (3..=63).contains(&bucket.len())
        && bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-'))
        && edge(bucket.as_bytes().first())
        && edge(bucket.as_bytes().last());
    if bucket_ok && !s.chars().any(crate::sanitize::needs_replacing) {
        Ok(())
    } else {
        Err(bad())
    }
}

/// Athena reuses a query's results for at most 7 days (10080 minutes).
pub fn check_reuse_minutes(v: i64) -> Result<u32, String> {
    if (0..=10_080).contains(&v) {
        Ok(v as u32)
    } else {
        Err(format!(
            "invalid reuse_minutes {v}: expected 0 (no reuse) to 10080 minutes (7 days, \
             Athena's longest)"
        ))
    }
}

/// The widest search run without asking: a day at least (a search of the last hours must
/// not ask), ten years at most (a wider one bounds nothing).
pub fn check_max_range_days(v: i64) -> Result<u32, String> {
    if (1..=3_660).contains(&v) {
        Ok(v as u32)
    } else {
        Err(format!(
            "invalid max_range_days {v}: expected 1 to 3660 days (a search over more days \
             asks first)"
        ))
    }
}

/// The LIMIT of generated queries: the view holds every row it loads.
pub fn check_trail_limit(v: i64) -> Result<u32, String> {
    if (1..=100_000).contains(&v) {
        Ok(v as u32)
    } else {
        Err(format!("invalid limit {v}: expected 1 to 100000 rows"))
    }
}

fn quality_namespace<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    check_quality_namespace(&s).map_err(de::Error::custom)?;
    Ok(s)
}

fn endpoint_dimension<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    check_dimension_name(&s).map_err(de::Error::custom)?;
    Ok(s)
}

fn quality_period<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let v = i64::deserialize(d)?;
    check_quality_period(v).map_err(de::Error::custom)
}

/// A namespace CloudWatch accepts (1 to 255 characters, not starting with `:`) that is not
/// AWS's: `AWS/` is reserved (PutMetricData refuses it), and SageMaker's own namespaces,
/// Model Monitor's included, are found without configuration.
pub fn check_quality_namespace(s: &str) -> Result<(), String> {
    let expected = "expected a CloudWatch namespace such as \"MLTeam/ModelQuality\" (1 to 255 \
                    characters, no control characters, not starting with `:`)";
    if s.is_empty()
        || s.chars().count() > 255
        || s.starts_with(':')
        || s.chars().any(char::is_control)
    {
        return Err(format!("invalid namespace: {expected}"));
    }
    let lower = s.trim_start_matches('/').to_ascii_lowercase();
    if s.starts_with("AWS/") || lower.starts_with("aws/sagemaker") {
        return Err(format!(
            "namespace `{s}` belongs to AWS: Model Monitor's metrics are found without \
             configuration; name the namespace your own job publishes to"
        ));
    }
    Ok(())
}

/// A CloudWatch dimension name: 1 to 255 characters, no control characters, not starting
/// with `:`.
pub fn check_dimension_name(s: &str) -> Result<(), String> {
    if s.is_empty()
        || s.chars().count() > 255
        || s.starts_with(':')
        || s.chars().any(char::is_control)
    {
        return Err(
            "invalid endpoint_dimension: expected the name of the dimension whose value is the \
             endpoint's name, such as \"EndpointName\" (1 to 255 characters)"
                .into(),
        );
    }
    Ok(())
}

/// Periods GetMetricData and PutMetricAlarm both accept for standard-resolution metrics,
/// up to a day (the console's charts reach back two days).
pub fn check_quality_period(v: i64) -> Result<u32, String> {
    if (60..=86_400).contains(&v) && v % 60 == 0 {
        Ok(v as u32)
    } else {
        Err(format!(
            "invalid period {v}: expected 60 or a multiple of 60 seconds, at most 86400 (a day)"
        ))
    }
}

fn account_id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    check_account_id(&s).map_err(de::Error::custom)?;
    Ok(s)
}

fn role_arn<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s = String::deserialize(d)?;
    check_role_arn(&s).map_err(de::Error::custom)?;
    Ok(Some(s))
}

/// AWS account ids are exactly 12 digits; a quoted number that lost its leading zeros is
/// the usual mistake, so the message says so.
pub fn check_account_id(s: &str) -> Result<(), String> {
    if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!(
            "invalid account id `{s}`: expected exactly 12 digits, as a string (\"012345678901\")"
        ))
    }
}

/// `arn:<partition>:iam::<12 digits>:role/<path and name>`.
pub fn check_role_arn(s: &str) -> Result<(), String> {
    let bad =
        || format!("invalid role ARN `{s}`: expected arn:aws:iam::<12-digit account>:role/<name>");
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = parts[..] else {
        return Err(bad());
    };
    let ok = arn == "arn"
        && partition.starts_with("aws")
        && service == "iam"
        && region.is_empty()
        && check_account_id(account).is_ok()
        && resource
            .strip_prefix("role/")
            .is_some_and(|name| !name.is_empty() && !name.ends_with('/'));
    if ok { Ok(()) } else { Err(bad()) }
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`: letters, dash-separated, ending in a number.
pub fn check_region(s: &str) -> Result<(), String> {
    let parts: Vec<&str> = s.split('-').collect();
    let letters = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    let ok = parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1].iter().all(|p| letters(p))
        && parts
            .last()
            .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid region `{s}`: expected a name like us-east-1"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(&Source::new("c.toml", text)).map(|(c, _)| c)
    }

    #[test]
    fn empty_file_is_all_defaults() {
        assert_eq!(parse("").unwrap(), Config::default());
        assert_eq!(Config::default().refresh_secs, 10);
        assert_eq!(Config::default().theme, "dark");
        assert_eq!(Config::default().keymap, "vim");
    }

    #[test]
    fn full_file_parses() {
        let c = parse(
            "theme = \"light\"\nrefresh_secs = 30\nreadonly = true\ntopology = \"fanout\"\n\
             regions = [\"us-east-1\", \"us-gov-west-1\"]\n\
             [[accounts]]\nid = \"111111111111\"\nlabel = \"prod\"\n\
             role_arn = \"arn:aws:iam::111111111111:role/path/Watcher\"\nexclude = true\n",
        )
        .unwrap();
        assert_eq!(c.theme, "light");
        assert_eq!(c.keymap, "vim");
        assert_eq!(c.refresh_secs, 30);
        assert!(c.readonly);
        assert_eq!(c.topology, Some(Topology::Fanout));
        assert_eq!(c.regions, ["us-east-1", "us-gov-west-1"]);
        assert_eq!(c.accounts.len(), 1);
        assert_eq!(c.accounts[0].label.as_deref(), Some("prod"));
        assert!(c.accounts[0].exclude);
        assert_eq!(c.accounts[0].profile, None);
    }

    #[test]
    fn refresh_zero_is_rejected_at_the_value() {
        let e = parse("timeout_secs = 1\n").unwrap_err();
        assert!(
            e.to_string()
                .contains("timeout_secs must be between 2 and 600"),
            "{e}"
        );
        let e = parse("refresh_secs = 0\n").unwrap_err();
        assert_eq!(e.line_col(), Some((1, 16)), "{e}");
        assert!(e.to_string().contains("at least 1"), "{e}");
    }

    #[test]
    fn the_studio_idle_bound_is_hours_within_a_month() {
        assert_eq!(Config::default().studio_idle_hours, 8);
        assert_eq!(
            parse("studio_idle_hours = 24\n").unwrap().studio_idle_hours,
            24
        );
        for bad in ["0", "721"] {
            let e = parse(&format!("studio_idle_hours = {bad}\n")).unwrap_err();
            assert!(e.to_string().contains("between 1 and 720"), "{e}");
        }
    }

    #[test]
    fn the_indefinite_mute_bound_is_hours_within_a_month() {
        assert_eq!(Config::default().muted_indefinitely_hours, 24);
        let c = parse("muted_indefinitely_hours = 4\n").unwrap();
        assert_eq!(c.muted_indefinitely_hours, 4);
        for bad in ["0", "721"] {
            let e = parse(&format!("muted_indefinitely_hours = {bad}\n")).unwrap_err();
            assert!(e.to_string().contains("between 1 and 720"), "{e}");
        }
        let e = parse("muted_indefinitely_hours = \"1d\"\n").unwrap_err();
        assert!(e.to_string().contains("expected u32"), "{e}");
    }

    #[test]
    fn unknown_field_names_file_line_col() {
        let e = parse("theme = \"dark\"\n\nrefesh_secs = 3\n").unwrap_err();
        let s = e.to_string();
        assert!(
            s.starts_with("c.toml:3:1: unknown field `refesh_secs`"),
            "{s}"
        );
    }

    #[test]
    fn bad_region_points_at_the_element() {
        let e = parse("regions = [\"us-east-1\", \"virginia\"]\n").unwrap_err();
        assert_eq!(e.line_col(), Some((1, 25)), "{e}");
    }

    #[test]
    fn duplicate_account_points_at_the_second() {
        let e = parse("[[accounts]]\nid = \"111111111111\"\n[[accounts]]\nid = \"111111111111\"\n")
            .unwrap_err();
        assert_eq!(e.line_col(), Some((4, 6)), "{e}");
    }

    #[test]
    fn quality_metrics_entries_parse() {
        let c = parse(
            "[[quality_metrics]]\nnamespace = \"MLTeam/ModelQuality\"\n\
             endpoint_dimension = \"EndpointName\"\nperiod = 3600\n\
             [[quality_metrics]]\nnamespace = \"MLTeam/ModelQuality\"\n\
             endpoint_dimension = \"model_endpoint\"\nperiod = 300\n",
        )
        .unwrap();
        assert_eq!(
            c.quality_metrics,
            [
                QualityMetricsConfig {
                    namespace: "MLTeam/ModelQuality".into(),
                    endpoint_dimension: "EndpointName".into(),
                    period: 3600,
                },
                QualityMetricsConfig {
                    namespace: "MLTeam/ModelQuality".into(),
                    endpoint_dimension: "model_endpoint".into(),
                    period: 300,
                },
            ]
        );
        assert!(Config::default().quality_metrics.is_empty());
    }

    #[test]
    fn bad_quality_metrics_point_at_the_value_and_say_what_was_expected() {
        let entry = |ns: &str, dim: &str, period: &str| {
            format!(
                "[[quality_metrics]]\nnamespace = {ns}\nendpoint_dimension = {dim}\nperiod = {period}\n"
            )
        };
        let cases = [
            (entry("\"\"", "\"E\"", "60"), (2, 13), "invalid namespace"),
            (
                entry("\"a\\u0007b\"", "\"E\"", "60"),
                (2, 13),
                "control characters",
            ),
            (
                entry("\"AWS/Mine\"", "\"E\"", "60"),
                (2, 13),
                "belongs to AWS",
            ),
            (
                entry("\"/aws/sagemaker/Endpoints/model-metrics\"", "\"E\"", "60"),
                (2, 13),
                "belongs to AWS",
            ),
            (
                entry("\"N\"", "\"\"", "60"),
                (3, 22),
                "invalid endpoint_dimension",
            ),
            (entry("\"N\"", "\"E\"", "90"), (4, 10), "multiple of 60"),
            (entry("\"N\"", "\"E\"", "0"), (4, 10), "multiple of 60"),
            (entry("\"N\"", "\"E\"", "172800"), (4, 10), "at most 86400"),
            (entry("\"N\"", "\"E\"", "-60"), (4, 10), "multiple of 60"),
            (
                entry("\"N\"", "\"E\"", "\"hourly\""),
                (4, 10),
                "invalid type",
            ),
        ];
        for (text, at, says) in cases {
            let e = parse(&text).unwrap_err();
            assert_eq!(e.line_col(), Some(at), "{text}: {e}");
            assert!(e.to_string().contains(says), "{text}: {e}");
        }
        let long = format!("\"{}\"", "n".repeat(256));
        assert!(parse(&entry(&long, "\"E\"", "60")).is_err());
    }

    #[test]
    fn an_incomplete_or_repeated_quality_source_is_refused() {
        let e = parse("[[quality_metrics]]\nnamespace = \"N\"\nperiod = 60\n").unwrap_err();
        assert!(e.to_string().contains("endpoint_dimension"), "{e}");
        assert!(e.line_col().is_some(), "{e}");
        let e = parse(
            "[[quality_metrics]]\nnamespace = \"N\"\nendpoint_dimension = \"E\"\nperiod = 60\n\
             [[quality_metrics]]\nnamespace = \"N\"\nendpoint_dimension = \"E\"\nperiod = 300\n",
        )
        .unwrap_err();
        assert_eq!(e.line_col(), Some((6, 13)), "{e}");
        assert!(e.to_string().contains("listed twice"), "{e}");
        let e = parse(
            "[[quality_metrics]]\nnamespace = \"N\"\nendpoint_dimension = \"E\"\nperiod = 60\nperiods = 2\n",
        )
        .unwrap_err();
        assert_eq!(e.line_col(), Some((5, 1)), "{e}");
    }

    #[test]
    fn without_a_trail_section_there_is_no_trail() {
        assert_eq!(parse("theme = \"dark\"\n").unwrap().trail, None);
        assert_eq!(Config::default().trail, None);
    }

    #[test]
    fn an_empty_trail_section_is_all_defaults() {
        assert_eq!(
            parse("[trail]\n").unwrap().trail,
            Some(TrailSettings::default())
        );
    }

    #[test]
    fn a_full_trail_section_parses_and_left_out_keys_keep_their_defaults() {
        let c = parse(
            "[trail]\ncatalog = \"Other\"\ndatabase = \"logs\"\ntable = \"trail \\\"x\\\"\"\n\
             workgroup = \"sage-watch_1.0\"\noutput_location = \"s3://my-athena-results/sagewatch/\"\n\
             partitions = \"org_account_region_timestamp\"\nreuse_minutes = 0\nlimit = 100000\n\
             max_range_days = 90\n",
        )
        .unwrap();
        assert_eq!(
            c.trail,
            Some(TrailSettings {
                catalog: "Other".into(),
                database: "logs".into(),
                table: "trail \"x\"".into(),
                workgroup: "sage-watch_1.0".into(),
                output_location: Some("s3://my-athena-results/sagewatch/".into()),
                layout: Layout::OrgAccountRegionTimestamp,
                reuse_minutes: 0,
                limit: 100_000,
                max_range_days: 90,
            })
        );
        let c = parse("[trail]\npartitions = \"account_region_timestamp\"\nlimit = 1\n").unwrap();
        let t = c.trail.unwrap();
        assert_eq!(t.layout, Layout::AccountRegionTimestamp);
        assert_eq!(t.limit, 1);
        assert_eq!(t.reuse_minutes, 15);
        assert_eq!(t.table, "cloudtrail_logs");
        assert_eq!(t.output_location, None);
        assert_eq!(t.max_range_days, 31);
    }

    #[test]
    fn bad_trail_values_point_at_the_value_and_say_what_was_expected() {
        let cases = [
            ("catalog = \"\"", (2, 11), "invalid catalog"),
            ("database = \"a\\u001bb\"", (2, 12), "control characters"),
            ("table = \"\"", (2, 9), "invalid table"),
            ("table = \"a\\u202eb\"", (2, 9), "control characters"),
            ("workgroup = \"\"", (2, 13), "invalid workgroup"),
            ("workgroup = \"my group\"", (2, 13), "Athena workgroup name"),
            ("output_location = \"\"", (2, 19), "leave the key out"),
            ("output_location = \"my-bucket/x/\"", (2, 19), "s3://BUCKET"),
            (
                "output_location = \"https://b.s3.amazonaws.com/\"",
                (2, 19),
                "s3://BUCKET",
            ),
            ("output_location = \"s3://\"", (2, 19), "s3://BUCKET"),
            (
                "output_location = \"s3:///prefix/\"",
                (2, 19),
                "s3://BUCKET",
            ),
            (
                "output_location = \"s3://My_Bucket/\"",
                (2, 19),
                "s3://BUCKET",
            ),
            (
                "output_location = \"s3://bucket/a\\u0007b/\"",
                (2, 19),
                "s3://BUCKET",
            ),
            (
                "partitions = \"account\"",
                (2, 14),
                "\"account_region_timestamp\"",
            ),
            ("reuse_minutes = -1", (2, 17), "0 (no reuse) to 10080"),
            ("reuse_minutes = 10081", (2, 17), "7 days"),
            ("reuse_minutes = \"15\"", (2, 17), "invalid type"),
            ("limit = 0", (2, 9), "1 to 100000"),
            ("limit = 100001", (2, 9), "1 to 100000"),
            ("max_range_days = 0", (2, 18), "1 to 3660 days"),
            ("max_range_days = 3661", (2, 18), "asks first"),
            ("max_range_days = 31.5", (2, 18), "invalid type"),
            ("lmit = 5", (2, 1), "unknown field `lmit`"),
        ];
        for (line, at, says) in cases {
            let text = format!("[trail]\n{line}\n");
            let e = parse(&text).unwrap_err();
            assert_eq!(e.line_col(), Some(at), "{text}: {e}");
            assert!(e.to_string().contains(says), "{text}: {e}");
            assert!(
                !e.to_string().chars().any(crate::sanitize::needs_replacing),
                "{e:?}"
            );
        }
        assert!(parse("trail = 5\n").is_err());
        let long = format!("[trail]\ntable = \"{}\"\n", "t".repeat(256));
        assert!(parse(&long).is_err());
        let long = format!("[trail]\nworkgroup = \"{}\"\n", "w".repeat(129));
        assert!(parse(&long).is_err());
    }

    #[test]
    fn output_locations() {
        for ok in [
            "s3://my-athena-results/sagewatch/",
            "s3://abc",
            "s3://a.b-c/x/y",
            "s3://123/",
        ] {
            assert!(check_output_location(ok).is_ok(), "{ok}");
        }
        for bad in [
            "s3://ab/",
            "s3://-ab/",
            "s3://ab-/",
            "S3://abc/",
            "s3:/abc/",
        ] {
            assert!(check_output_location(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn account_ids_and_arns() {
        assert!(check_account_id("012345678901").is_ok());
        for bad in ["12345678901", "1234567890123", "12345678901a", ""] {
            assert!(check_account_id(bad).is_err(), "{bad}");
        }
        assert!(check_role_arn("arn:aws:iam::111111111111:role/R").is_ok());
        assert!(check_role_arn("arn:aws-cn:iam::111111111111:role/a/b/R").is_ok());
        for bad in [
            "arn:aws:iam::11111111111:role/R",
            "arn:aws:iam::111111111111:user/R",
            "arn:aws:sts::111111111111:role/R",
            "arn:aws:iam:us-east-1:111111111111:role/R",
            "arn:aws:iam::111111111111:role/",
            "role/R",
        ] {
            assert!(check_role_arn(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn regions() {
        for ok in [
            "us-east-1",
            "eu-central-2",
            "us-gov-west-1",
            "ap-southeast-10",
        ] {
            assert!(check_region(ok).is_ok(), "{ok}");
        }
        for bad in ["us-east", "US-EAST-1", "useast1", "u-east-1", "us--1", ""] {
            assert!(check_region(bad).is_err(), "{bad}");
        }
    }
}
