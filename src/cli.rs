//! Command-line interface. Global flags are accepted before or after a subcommand.

use clap::{ArgGroup, Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "sagewatch",
    version,
    about = "Watch SageMaker endpoints, model quality and alarms across AWS accounts",
    long_about = "A keyboard-driven terminal console for SageMaker endpoints across the AWS \
                  accounts linked to a CloudWatch monitoring account.\n\n\
                  Try it on the embedded demo organisation: sagewatch --demo"
)]
pub struct Cli {
    /// Print the man page (man) or a shell's completion script (complete-bash, complete-zsh,
    /// complete-fish, complete-powershell) and exit.
    #[arg(long, value_enum, value_name = "WHAT")]
    pub generate: Option<Generate>,
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Commands>,
}

/// What `--generate` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Generate {
    Man,
    CompleteBash,
    CompleteZsh,
    CompleteFish,
    CompletePowershell,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Run on the embedded demo organisation instead of AWS.
    #[arg(long, global = true)]
    pub demo: bool,
    /// Seed of the demo organisation's noise.
    #[arg(long, global = true, default_value_t = 42, value_name = "N")]
    pub seed: u64,
    /// Scale the demo up: ACCOUNTS source accounts with ENDPOINTS endpoints each.
    #[arg(long, global = true, value_name = "ACCOUNTS,ENDPOINTS", value_parser = parse_scale)]
    pub demo_scale: Option<(usize, usize)>,
    /// Replay the demo from this instant (RFC 3339) instead of now.
    #[arg(long, global = true, value_name = "TIME", value_parser = parse_time)]
    pub demo_start: Option<i64>,
    /// Start the demo as it is this long after its start (6m: the incident under way), so a
    /// story can be shown or tested without waiting.
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_demo_at)]
    pub demo_at: Option<i64>,
    /// Stop the demo clock where it starts (reproducible screens and benchmarks).
    #[arg(long, global = true)]
    pub demo_frozen: bool,
    /// AWS profile (shared config and credentials files).
    #[arg(long, global = true, env = "AWS_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
    /// AWS regions to watch, comma-separated (the first is home: the trail is read there)
    /// [default: the config's `regions`, else the profile's region].
    #[arg(long, global = true, value_name = "REGION,...", value_delimiter = ',', value_parser = parse_region)]
    pub region: Vec<String>,
    /// Configuration file [default: $XDG_CONFIG_HOME/sagewatch/config.toml].
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Theme name (dark, light, high-contrast, colorblind, or a user theme) or a TOML file.
    #[arg(long, global = true, value_name = "NAME|PATH")]
    pub theme: Option<String>,
    /// Keymap name (vim, or a user keymap) or a TOML file.
    #[arg(long, global = true, value_name = "NAME|PATH")]
    pub keymap: Option<String>,
    /// Never change anything in AWS: actions are refused.
    #[arg(long, global = true)]
    pub readonly: bool,
    /// Seconds between refreshes of 1-minute metrics and alarms.
    #[arg(long, global = true, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub refresh: Option<u64>,
    /// Write logs to this file (logs never go to the screen).
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Commands {
    /// Print the current fleet and alarms and exit (for scripts and status lines).
    Snapshot {
        /// Machine-readable JSON (a stable interface) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// SageMaker Studio across the accounts: domains, user profiles, spaces, apps by status,
    /// and the apps that need a look (Failed, or idle beyond `studio_idle_hours`). Exit
    /// codes: 0 every account read, 1 some account could not be read (stderr says why).
    Studio {
        /// The snapshot's `studio` entries as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Processing jobs across the accounts, newest first: the jobs view's list (status,
    /// times, instance, schedule, failure reason, peak CPU, memory and disk). Exit codes: 0
    /// every account read, 1 some account could not be read (stderr says why), 2 bad usage.
    Jobs(JobsArgs),
    /// Create, mute, unmute, delete or list alarms (for runbooks). Exit codes: 0 done, 1 AWS
    /// refused or failed, 2 bad usage or configuration, 3 refused by read-only.
    #[command(subcommand)]
    Alarm(AlarmCommand),
    /// Model Monitor: list schedules and runs, read a run's violations, run a schedule now,
    /// pause or resume one. `run --wait` exits 0 Completed, 4 CompletedWithViolations, 1
    /// Failed or Stopped; otherwise as `alarm`.
    #[command(subcommand)]
    Monitor(MonitorCommand),
    /// Search CloudTrail through Athena: a filter (or --sql) becomes one partition-pruned
    /// query; progress and cost go to stderr, rows to stdout. Exit codes: 0 done, 1 Athena
    /// or AWS failed, 2 bad filter, usage or configuration, 130 interrupted (the query is
    /// cancelled).
    Trail(TrailArgs),
    /// Read an endpoint's or a monitoring job's logs (or any log group's): the lines of a
    /// time window, an Insights query's results, or a live tail (--follow). Lines go to
    /// stdout, progress and notices to stderr. Exit codes: 0 done, 1 CloudWatch Logs failed
    /// (or the query did), 2 bad usage or configuration, 130 interrupted (a running query is
    /// stopped).
    Logs(LogsArgs),
    /// Everything that happened to an endpoint on one time axis, oldest first (the incident
    /// tape): alarm transitions, its changes in CloudTrail, status and scaling, Model Monitor
    /// runs, log error spikes, metric steps and this console's own writes. Progress and cost
    /// go to stderr. Exit codes: 0 every source read, 1 some source could not be read (the
    /// tape is printed without it, stderr says which), 2 bad usage or configuration.
    Incident(IncidentArgs),
}

#[derive(Debug, Args)]
pub struct JobsArgs {
    /// Only this account's jobs (id or label) [default: every account]
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
    /// Jobs created since: 6h, 2d, or a time like 2026-11-26T10:00:00Z (and any still
    /// running from before) [default: 24h]
    #[arg(long, value_name = "DURATION", value_parser = parse_since)]
    pub since: Option<crate::trail::filter::When>,
    /// Print JSON (generated_at, since, accounts, jobs) instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct IncidentArgs {
    /// An endpoint's name, or an alarm's (its endpoint's tape).
    #[arg(value_name = "ENDPOINT|ALARM")]
    pub target: String,
    /// The account of the endpoint or the alarm (id or label), when the name is in several.
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
    /// Where the tape starts: 3h, 2d, or a time like 2026-11-26T10:00:00Z (up to 7 days
    /// back) [default: 3 hours before the first alarm in ALARM on it, else 6 hours]
    #[arg(long, value_name = "DURATION", value_parser = parse_since)]
    pub since: Option<crate::trail::filter::When>,
    /// Print a Markdown post-mortem draft: a summary line, then a timeline table.
    #[arg(long, conflicts_with = "json")]
    pub markdown: bool,
    /// Print the tape as JSON (summary, window, one object per line).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(group(
    ArgGroup::new("target")
        .required(true)
        .args(["endpoint", "monitoring_job", "group"])
))]
pub struct LogsArgs {
    /// The account whose logs are read (id or label).
    #[arg(long, value_name = "ID")]
    pub account: String,
    /// An endpoint's logs (/aws/sagemaker/Endpoints/NAME).
    #[arg(long, value_name = "NAME")]
    pub endpoint: Option<String>,
    /// A monitoring job's (or any processing job's) logs: its streams of
    /// /aws/sagemaker/ProcessingJobs.
    #[arg(long, value_name = "NAME")]
    pub monitoring_job: Option<String>,
    /// Any log group, by name.
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,
    /// How far back: 15m, 1h, 2d, or a time like 2026-11-26T10:00:00Z [default: 1h; with
    /// --follow, now: where polling starts when live tail cannot be used]
    #[arg(long, value_name = "DURATION", value_parser = parse_since)]
    pub since: Option<crate::trail::filter::When>,
    /// Run this CloudWatch Logs Insights query over the window and print its results (a
    /// monitoring job's is narrowed to its own streams).
    #[arg(long, value_name = "INSIGHTS QUERY", conflicts_with_all = ["follow", "insights"])]
    pub query: Option<String>,
    /// Run the target's first Insights query: errors and warnings of an endpoint (or a
    /// group), a monitoring job's own lines in order.
    #[arg(long, conflicts_with = "follow")]
    pub insights: bool,
    /// Print lines as they arrive until Ctrl-C (live tail, or polling where it cannot be
    /// used).
    #[arg(long)]
    pub follow: bool,
    /// Print JSON lines: an object per line (timestamp, timestamp_ms, stream, message) or
    /// per query result row (keyed by column).
    #[arg(long)]
    pub json: bool,
    /// Print at most N lines or rows (1 to 1000000) [default: 10000; with --follow, no
    /// bound]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_lines: Option<u32>,
}

#[derive(Debug, Args)]
pub struct TrailArgs {
    /// What to find: event:CreateEndpoint,UpdateEndpoint source:sagemaker user:alice
    /// account:prod region:eu-west-1 error:* ip:10.0.0.0/8 resource:fraud-detector
    /// readonly:false since:2h until:2026-11-29T08:00:00Z [default: everything in the last
    /// 24 hours]. resource:NAME is that resource exactly (its name, or an ARN ending in it);
    /// resource:~PART searches the request and response text for PART
    #[arg(value_name = "FILTER")]
    pub filter: Option<String>,
    /// Run this SQL instead of a filter's (one read statement, without comments; a query
    /// that does not bound the "timestamp" partition needs --yes).
    #[arg(long, value_name = "SQL", conflicts_with = "filter")]
    pub sql: Option<String>,
    /// Print the statement and exit without running it.
    #[arg(long)]
    pub print_sql: bool,
    /// Print rows as JSON lines (one object per row, column names as keys).
    #[arg(long)]
    pub json: bool,
    /// Print at most N rows (1 to 100000); the LIMIT of a filter's query [default: the
    /// config's limit, 500].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_rows: Option<u32>,
    /// Run a search that may scan the whole trail, or that covers more days than the
    /// config's max_range_days (default 31), without refusing.
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Subcommand)]
pub enum MonitorCommand {
    /// The endpoint's schedules and its newest runs.
    List(MonitorTarget),
    /// The violations of a run, with the baseline's thresholds.
    Violations {
        #[command(flatten)]
        target: MonitorTarget,
        /// latest (the newest finished run), a schedule name (its newest finished run), or
        /// the processing job that ran it.
        #[arg(long, value_name = "latest|NAME")]
        run: Option<String>,
    },
    /// Run a schedule's job definition now over a window (CreateMonitoringSchedule NOW).
    Run(MonitorRunArgs),
    /// Pause a schedule (StopMonitoringSchedule).
    Pause(ScheduleArgs),
    /// Resume a schedule (StartMonitoringSchedule).
    Resume(ScheduleArgs),
    /// Delete the one-time schedules that runs now left once their runs have ended
    /// (DeleteMonitoringSchedule, after one confirmation for all); running ones are left.
    Cleanup(CleanupArgs),
}

#[derive(Debug, Args)]
pub struct CleanupArgs {
    /// Only this account (id or label) [default: every account with a role].
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
    /// Send without asking.
    #[arg(long)]
    pub yes: bool,
    /// Print the requests and their outcomes as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct MonitorTarget {
    /// The endpoint's account (id or label).
    #[arg(long, value_name = "ID")]
    pub account: String,
    #[arg(long, value_name = "NAME")]
    pub endpoint: String,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct MonitorRunArgs {
    #[command(flatten)]
    pub target: MonitorTarget,
    /// The schedule whose job definition and type are run [default: the endpoint's first
    /// recurring schedule with a job definition].
    #[arg(long, value_name = "NAME")]
    pub schedule: Option<String>,
    /// The captured data analysed: the last 1h to 24h.
    #[arg(long, value_name = "HOURS", default_value = "1h")]
    pub window: String,
    /// Follow the run until it ends, then delete its one-time schedule; the exit code says
    /// how the run ended.
    #[arg(long)]
    pub wait: bool,
    /// With --wait: give up (exit 1; the run goes on) after this many minutes.
    #[arg(long, value_name = "MINUTES", default_value_t = 120, requires = "wait", value_parser = clap::value_parser!(u32).range(1..=1440))]
    pub timeout: u32,
    /// Send without asking.
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// The schedule's name, exactly.
    pub schedule: String,
    /// The account it is in (id or label).
    #[arg(long, value_name = "ID")]
    pub account: String,
    /// Send without asking.
    #[arg(long)]
    pub yes: bool,
    /// Print the request and its outcome as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum AlarmCommand {
    /// Create (or overwrite) a metric alarm on an endpoint's metric.
    Create(Box<CreateArgs>),
    /// Mute alarms for a while (PutAlarmMuteRule: a one-time mute rule from now, one per
    /// account and per 100 alarms) or indefinitely (DisableAlarmActions).
    Mute(MuteArgs),
    /// End alarms' mutes: EnableAlarmActions for actions turned off, DeleteAlarmMuteRule for
    /// a rule of their own, PutAlarmMuteRule without them for a rule that mutes others too.
    Unmute(AlarmsArgs),
    /// Delete an alarm (DeleteAlarms).
    Delete(NameArgs),
    /// List alarms.
    List {
        /// Only alarms that live in this account or watch its endpoints (id or label).
        #[arg(long, value_name = "ID")]
        account: Option<String>,
        /// Only alarms in this state: ALARM, OK or INSUFFICIENT_DATA.
        #[arg(long, value_name = "STATE")]
        state: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List alarm mute rules: state now, schedule, targets, until when or the next window.
    Mutes {
        /// Only rules in this account or muting alarms that watch its endpoints (id or
        /// label).
        #[arg(long, value_name = "ID")]
        account: Option<String>,
        /// Print JSON (an object per rule) instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("length").args(["for_", "until", "indefinitely"])))]
pub struct MuteArgs {
    #[command(flatten)]
    pub alarms: AlarmsArgs,
    /// Mute for this long from now: 30m, 2h, 1h30m, 2d (at most 15 days).
    #[arg(long = "for", value_name = "SPAN")]
    pub for_: Option<String>,
    /// Mute until this time (UTC): 18:00 (the next one), "Monday 09:00", "tomorrow
    /// 06:00", "2026-12-24 18:00".
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Turn the alarms' actions off until someone unmutes them (DisableAlarmActions).
    #[arg(long)]
    pub indefinitely: bool,
    /// Why: the mute rule's description.
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub reason: String,
}

/// Alarms named exactly, and what to do with their requests.
#[derive(Debug, Args)]
pub struct AlarmsArgs {
    /// The alarms' names, exactly.
    #[arg(value_name = "NAME", required = true)]
    pub names: Vec<String>,
    /// The account the alarms live in, or the account of the endpoints they watch (id or
    /// label).
    #[arg(long, value_name = "ID")]
    pub account: String,
    /// Send without asking.
    #[arg(long)]
    pub yes: bool,
    /// Print each request and its outcome as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The account of the endpoint (id or label).
    #[arg(long, value_name = "ID")]
    pub account: String,
    #[arg(long, value_name = "NAME")]
    pub endpoint: String,
    /// CloudWatch's metric name: CPUUtilization, MemoryUtilization, accuracy, ...
    #[arg(long, value_name = "METRIC")]
    pub metric: String,
    /// The variant of an instance metric (an alarm watches one); required when the
    /// endpoint has several, and then part of the suggested name.
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub threshold: String,
    /// GreaterThanThreshold, LessThanThreshold, ... [default: by metric: LessThanThreshold
    /// for model quality, GreaterThanThreshold for the rest]
    #[arg(long, value_name = "OPERATOR")]
    pub comparison: Option<String>,
    /// Average, Sum, Maximum, Minimum, SampleCount [default: the metric's usual one]
    #[arg(long, value_name = "STAT")]
    pub statistic: Option<String>,
    /// Seconds: 10, 30 or a multiple of 60 [default: the metric's period]
    #[arg(long, value_name = "SECS")]
    pub period: Option<String>,
    #[arg(long, value_name = "N", default_value = "3")]
    pub evaluation_periods: String,
    /// [default: the evaluation periods]
    #[arg(long, value_name = "N")]
    pub datapoints: Option<String>,
    /// missing, notBreaching, breaching or ignore.
    #[arg(long, value_name = "HOW", default_value = "missing")]
    pub missing: String,
    /// An SNS topic ARN to notify in ALARM (repeatable).
    #[arg(long = "action", value_name = "ARN")]
    pub actions: Vec<String>,
    /// An SNS topic ARN to notify on OK (repeatable).
    #[arg(long = "ok-action", value_name = "ARN")]
    pub ok_actions: Vec<String>,
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub description: String,
    /// key=value (repeatable).
    #[arg(long = "tag", value_name = "K=V")]
    pub tags: Vec<String>,
    /// [default: <account label>-<endpoint>-<metric>[-<variant>]-<low|high>, the variant
    /// when the endpoint has several]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// The account the alarm lives in [default: the monitoring account through OAM, else the
    /// endpoint's own through its role]
    #[arg(long, value_name = "ID")]
    pub alarm_account: Option<String>,
    /// Send without asking.
    #[arg(long)]
    pub yes: bool,
    /// Print the request and its outcome as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct NameArgs {
    /// The alarm's name, exactly.
    pub name: String,
    /// The account the alarm lives in, or the account of the endpoint it watches (id or
    /// label): the alarm is found in either, and stderr says where when they differ.
    #[arg(long, value_name = "ID")]
    pub account: String,
    /// Send without asking (delete otherwise asks for the alarm's name typed back).
    #[arg(long)]
    pub yes: bool,
    /// Print the request and its outcome as JSON.
    #[arg(long)]
    pub json: bool,
}

fn parse_region(s: &str) -> Result<String, String> {
    crate::config::file::check_region(s.trim())?;
    Ok(s.trim().to_owned())
}

fn parse_scale(s: &str) -> Result<(usize, usize), String> {
    let (a, e) = s
        .split_once(',')
        .ok_or_else(|| "expected ACCOUNTS,ENDPOINTS, e.g. 10,50".to_string())?;
    let n = |v: &str| {
        v.trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=10_000).contains(n))
            .ok_or_else(|| format!("{v:?} is not a number from 1 to 10000"))
    };
    Ok((n(a)?, n(e)?))
}

/// `--since`: the trail filter's durations and times.
fn parse_since(s: &str) -> Result<crate::trail::filter::When, String> {
    crate::trail::filter::when(s).ok_or_else(|| {
        "expected a duration like 15m, 1h, 2d (up to 400d) or a time like \
         2026-11-26T10:00:00Z"
            .to_string()
    })
}

/// `--demo-at`: a duration after the demo's start, in seconds.
fn parse_demo_at(s: &str) -> Result<i64, String> {
    match crate::trail::filter::when(s) {
        Some(crate::trail::filter::When::Ago(secs)) => Ok(secs),
        _ => Err("expected a duration like 90s, 6m, 2h or 3d (up to 400d)".to_string()),
    }
}

fn parse_time(s: &str) -> Result<i64, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.timestamp())
        .map_err(|e| format!("{s:?} is not an RFC 3339 time (2026-11-26T10:00:00Z): {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_go_before_or_after_the_subcommand() {
        let a = Cli::try_parse_from(["sagewatch", "--demo", "snapshot", "--json"]).unwrap();
        let b = Cli::try_parse_from(["sagewatch", "snapshot", "--json", "--demo"]).unwrap();
        assert!(a.global.demo && b.global.demo);
        assert!(matches!(b.command, Some(Commands::Snapshot { json: true })));
    }

    #[test]
    fn scale_and_time_are_validated() {
        let c = Cli::try_parse_from(["sagewatch", "--demo-scale", "10,50"]).unwrap();
        assert_eq!(c.global.demo_scale, Some((10, 50)));
        assert!(Cli::try_parse_from(["sagewatch", "--demo-scale", "10"]).is_err());
        assert!(Cli::try_parse_from(["sagewatch", "--demo-scale", "0,5"]).is_err());
        let t = Cli::try_parse_from(["sagewatch", "--demo-start", "2026-11-26T10:00:00Z"]).unwrap();
        assert_eq!(t.global.demo_start, Some(1_795_687_200));
        assert!(Cli::try_parse_from(["sagewatch", "--refresh", "0"]).is_err());
    }

    #[test]
    fn mute_takes_names_and_at_most_one_length() {
        let c = Cli::try_parse_from([
            "sagewatch",
            "alarm",
            "mute",
            "a",
            "b",
            "--account",
            "prod",
            "--for",
            "2h",
        ])
        .unwrap();
        let Some(Commands::Alarm(AlarmCommand::Mute(m))) = c.command else {
            panic!("mute")
        };
        assert_eq!(m.alarms.names, ["a", "b"]);
        assert_eq!(m.for_.as_deref(), Some("2h"));
        let err = Cli::try_parse_from([
            "sagewatch",
            "alarm",
            "mute",
            "a",
            "--account",
            "prod",
            "--for",
            "2h",
            "--indefinitely",
        ])
        .unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            Cli::try_parse_from(["sagewatch", "alarm", "unmute", "--account", "prod"]).is_err()
        );
    }

    #[test]
    fn jobs_takes_an_account_and_a_start() {
        let c = Cli::try_parse_from(["sagewatch", "jobs", "--account", "prod", "--since", "6h"])
            .unwrap();
        let Some(Commands::Jobs(j)) = c.command else {
            panic!("jobs")
        };
        assert_eq!(j.account.as_deref(), Some("prod"));
        assert_eq!(j.since, Some(crate::trail::filter::When::Ago(6 * 3600)));
        assert!(!j.json);
        let err = Cli::try_parse_from(["sagewatch", "jobs", "--since", "yesterday"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(
            err.to_string().contains("expected a duration like"),
            "{err}"
        );
    }

    #[test]
    fn trail_takes_a_filter_or_sql_and_a_bounded_row_count() {
        let c =
            Cli::try_parse_from(["sagewatch", "trail", "since:2h", "--max-rows", "10"]).unwrap();
        let Some(Commands::Trail(t)) = c.command else {
            panic!("trail")
        };
        assert_eq!(t.filter.as_deref(), Some("since:2h"));
        assert_eq!(t.max_rows, Some(10));
        assert!(Cli::try_parse_from(["sagewatch", "trail", "x:y", "--sql", "SELECT 1"]).is_err());
        for n in ["0", "100001", "-1", "ten"] {
            assert!(
                Cli::try_parse_from(["sagewatch", "trail", "--max-rows", n]).is_err(),
                "{n}"
            );
        }
    }
}
