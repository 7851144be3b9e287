//! `sagewatch trail` end to end on the emulators: the real binary connects as it would to AWS
//! (STS on LocalStack, `topology = "fanout"`), runs its query on moto's Athena (reached by
//! `AWS_ENDPOINT_URL_ATHENA`), and prints what moto serves: a seeded result whose first row
//! is the header, as real Athena's first page of a SELECT. The header never reaches stdout,
//! NULL is null, and a cell holding an escape sequence arrives without control characters.
//! Without `[trail]`, or with `--print-sql`, nothing reaches Athena at all.
//!
//! moto files every Athena call under its default account (123456789012) whatever access key
//! signs it (it derives an account only from keys it issued itself), so results are seeded
//! there. Its result queue is per account and region and shared by every test on the same
//! moto: each test here queries in a region no other test uses.

mod support;

use sagewatch::sanitize::{clean, needs_replacing};
use serde_json::{Value, json};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use support::emulators::{self, Emulators, MOTO_ACCOUNT};

const BIN: &str = env!("CARGO_BIN_EXE_sagewatch");

/// The console's own identity on LocalStack's STS (its account is the access key).
const ACCESS_KEY: &str = "000000000000";

const CONFIG: &str = r#"
topology = "fanout"

[trail]
database = "cloudtrail"
table = "cloudtrail_logs"
workgroup = "primary"
output_location = "s3://athena-results/sagewatch/"
"#;

const NO_TRAIL_CONFIG: &str = "topology = \"fanout\"\n";

/// The labels Athena gives the generated SELECT's columns (`useridentity.arn` is `arn`).
const COLUMNS: [&str; 9] = [
    "eventtime",
    "recipientaccountid",
    "arn",
    "eventname",
    "eventsource",
    "awsregion",
    "errorcode",
    "sourceipaddress",
    "eventid",
];

const PRINCIPAL: &str = "arn:aws:sts::210987654321:assumed-role/ml-deployer/alice";
/// OSC 52 (write the clipboard) and a screen clear, inside an event name.
const HOSTILE: &str = "UpdateEndpoint\u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{1b}[2J";

/// The seeded data rows, newest first, as Athena would return them.
fn data_rows() -> Vec<Vec<Option<&'static str>>> {
    vec![
        vec![
            Some("2026-11-25T13:58:07Z"),
            Some("210987654321"),
            Some(PRINCIPAL),
            Some("UpdateEndpoint"),
            Some("sagemaker.amazonaws.com"),
            Some("eu-west-1"),
            None,
            Some("10.0.0.7"),
            Some("0b7c5e2a-0001"),
        ],
        vec![
            Some("2026-11-25T13:41:30Z"),
            Some("210987654321"),
            Some("arn:aws:iam::210987654321:user/bob"),
            Some(HOSTILE),
            Some("sagemaker.amazonaws.com"),
            Some("eu-west-1"),
            Some("AccessDenied"),
            Some("10.0.0.8"),
            Some("0b7c5e2a-0002"),
        ],
    ]
}

/// Queues the result of the next query in `region`: the header row first, then the data.
fn seed(moto: &str, region: &str) {
    let mut rows: Vec<Vec<Option<&str>>> = vec![COLUMNS.iter().map(|c| Some(*c)).collect()];
    rows.extend(data_rows());
    emulators::seed_athena_result(moto, MOTO_ACCOUNT, region, &COLUMNS, &rows);
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "sagewatch-cli-trail-moto-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `sagewatch trail ARGS --config CFG` as `ACCESS_KEY` in `region`, Athena at `athena`.
fn trail(
    e: &Emulators,
    name: &str,
    region: &str,
    config: &str,
    athena: &str,
    args: &[&str],
) -> Output {
    let home = tempdir(name);
    let cfg = home.join("config.toml");
    std::fs::write(&cfg, config).unwrap();
    let out = Command::new(BIN)
        .env_clear()
        .envs(emulators::sagewatch_env(e, ACCESS_KEY, region, &home))
        .env("AWS_ENDPOINT_URL_ATHENA", athena)
        .env("XDG_STATE_HOME", home.join("state"))
        .arg("trail")
        .args(args)
        .arg("--config")
        .arg(&cfg)
        .stdin(Stdio::null())
        .output()
        .expect("run sagewatch");
    let _ = std::fs::remove_dir_all(&home);
    out
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// No character a terminal acts on, but the line ends.
fn assert_inert(text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|c| *c != '\n' && needs_replacing(*c))
        .collect();
    assert!(bad.is_empty(), "control characters {bad:?} in {text:?}");
}

/// An Athena endpoint that answers nothing and counts who connects: proof that nothing was
/// sent to Athena. A connection is counted before it is dropped, and the client learns of the
/// drop only after, so once the binary has exited every connection it made is counted.
struct Nowhere {
    url: String,
    connections: Arc<AtomicUsize>,
}

impl Nowhere {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let c = connections.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                c.fetch_add(1, Ordering::SeqCst);
                drop(stream);
            }
        });
        Self { url, connections }
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

#[test]
fn json_prints_exactly_the_seeded_rows_without_the_header_null_as_null_and_inert() {
    let Some(e) = emulators::emulators() else {
        return;
    };
    let region = "ap-southeast-2";
    seed(&e.moto, region);
    let out = trail(
        &e,
        "json",
        region,
        CONFIG,
        &e.moto,
        &["event:UpdateEndpoint since:2h", "--json"],
    );
    let (text, err) = (stdout(&out), stderr(&out));
    assert_eq!(code(&out), 0, "stdout: {text}\nstderr: {err}");

    assert_inert(&text);
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect();
    let expected: Vec<Value> = data_rows()
        .iter()
        .map(|row| {
            let object: serde_json::Map<String, Value> = COLUMNS
                .iter()
                .zip(row)
                .map(|(c, v)| {
                    let v = v.map_or(Value::Null, |v| json!(clean(v)));
                    ((*c).to_owned(), v)
                })
                .collect();
            Value::Object(object)
        })
        .collect();
    // Exactly the data rows, in order: the header row is not one of them.
    assert_eq!(lines, expected, "{text}");
    assert_eq!(lines[0]["errorcode"], Value::Null);
    assert_eq!(lines[0]["arn"], PRINCIPAL);
    // The escape sequence is gone from the decoded value too (a `jq -r` prints it raw).
    let hostile = lines[1]["eventname"].as_str().expect("a string");
    assert!(hostile.starts_with("UpdateEndpoint"), "{hostile:?}");
    assert_inert(hostile);
    assert!(!text.contains("\\u001b"), "{text}");

    assert!(err.contains("trail: query "), "{err}");
    assert!(
        err.lines()
            .any(|l| l.starts_with("trail: ") && l.contains("SUCCEEDED")),
        "{err}"
    );
    assert!(err.contains("trail: 2 rows"), "{err}");
}

#[test]
fn the_text_table_has_the_column_names_first_then_the_values() {
    let Some(e) = emulators::emulators() else {
        return;
    };
    let region = "ap-northeast-1";
    seed(&e.moto, region);
    let out = trail(
        &e,
        "table",
        region,
        CONFIG,
        &e.moto,
        &["event:UpdateEndpoint since:2h"],
    );
    let (text, err) = (stdout(&out), stderr(&out));
    assert_eq!(code(&out), 0, "stdout: {text}\nstderr: {err}");
    assert_inert(&text);

    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "a header line and two rows: {text}");
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(header, COLUMNS, "{text}");
    // The header row moto served is not printed a second time as data.
    assert_eq!(
        text.lines().filter(|l| l.starts_with("eventtime")).count(),
        1,
        "{text}"
    );

    let first: Vec<&str> = lines[1].split_whitespace().collect();
    // errorcode is NULL: an empty cell, so the row has one word fewer; the principal is
    // longer than a table cell (48 columns) and is cut with `…` (JSON has it whole).
    assert_eq!(
        first,
        [
            "2026-11-25T13:58:07Z",
            "210987654321",
            "arn:aws:sts::210987654321:assumed-role/ml-deplo…",
            "UpdateEndpoint",
            "sagemaker.amazonaws.com",
            "eu-west-1",
            "10.0.0.7",
            "0b7c5e2a-0001",
        ],
        "{text}"
    );
    // Columns line up: each value starts under its column's name (counted in characters:
    // `…` and the replacement character are one column but several bytes).
    let at = |line: &str, word: &str| {
        let byte = line.find(word).unwrap_or_else(|| panic!("{word}: {line}"));
        line[..byte].chars().count()
    };
    assert_eq!(at(lines[0], "eventname"), at(lines[1], "UpdateEndpoint"));
    assert_eq!(at(lines[0], "arn"), at(lines[1], "arn:aws:sts"));
    assert_eq!(at(lines[0], "errorcode"), at(lines[2], "AccessDenied"));
    assert!(
        lines[2].contains("arn:aws:iam::210987654321:user/bob"),
        "{text}"
    );
    assert!(lines[2].contains("UpdateEndpoint"), "{text}");

    assert!(err.contains("SUCCEEDED"), "{err}");
    assert!(err.contains("trail: 2 rows"), "{err}");
}

#[test]
fn without_a_trail_section_it_exits_2_saying_to_add_one_and_sends_nothing() {
    let Some(e) = emulators::emulators() else {
        return;
    };
    let athena = Nowhere::start();
    let out = trail(
        &e,
        "no-trail",
        "us-east-1",
        NO_TRAIL_CONFIG,
        &athena.url,
        &["event:UpdateEndpoint since:2h", "--json"],
    );
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{err}");
    assert!(err.contains("add a [trail] section"), "{err}");
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    assert_eq!(athena.connections(), 0, "a query reached Athena");
}

#[test]
fn print_sql_prints_the_pruned_limited_select_and_sends_nothing_to_athena() {
    let Some(e) = emulators::emulators() else {
        return;
    };
    let athena = Nowhere::start();
    let out = trail(
        &e,
        "print-sql",
        "us-east-1",
        CONFIG,
        &athena.url,
        &["event:UpdateEndpoint since:2h", "--print-sql"],
    );
    let (sql, err) = (stdout(&out), stderr(&out));
    assert_eq!(code(&out), 0, "{err}");
    assert_eq!(sql.lines().count(), 1, "{sql}");
    assert!(sql.starts_with("SELECT "), "{sql}");
    // The configured table, pruned on its partition, and limited.
    assert!(sql.contains("\"cloudtrail\".\"cloudtrail_logs\""), "{sql}");
    assert!(sql.contains("\"timestamp\" BETWEEN '"), "{sql}");
    assert!(sql.contains("eventname IN ('UpdateEndpoint')"), "{sql}");
    assert!(sql.trim_end().ends_with(" LIMIT 500"), "{sql}");
    assert!(err.is_empty(), "{err}");
    assert_eq!(athena.connections(), 0, "a query reached Athena");
}
