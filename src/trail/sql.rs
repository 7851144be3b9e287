//! A filter as one Athena (Trino) SELECT over the CloudTrail table: partition columns
//! constrained from the time range (and accounts and regions where the layout projects
//! them), newest first, limited, selecting the columns the table shows plus the event id.
//!
//! User-typed values never become SQL text: each is escaped into a string literal (`'`
//! doubled; a LIKE pattern's `%`, `_` and `\` escaped with `ESCAPE '\'`), or is a number or
//! time the console formatted itself. Athena's ExecutionParameters would not make this
//! unnecessary: they are substituted as text. The tests parse every statement back.

use super::filter::{ErrorMatch, Filter, IpMatch, ResourceMatch};
use crate::source::model::Epoch;

/// How the table's partitions are projected (the `partitions` config key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One `timestamp` partition (`yyyy/MM/dd`), as AWS documents the table.
    Timestamp,
    /// `account`, `region` and `timestamp`.
    AccountRegionTimestamp,
    /// An organization trail: `org`, `account`, `region`, `timestamp`.
    OrgAccountRegionTimestamp,
}

impl Layout {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "timestamp" => Some(Self::Timestamp),
            "account_region_timestamp" => Some(Self::AccountRegionTimestamp),
            "org_account_region_timestamp" => Some(Self::OrgAccountRegionTimestamp),
            _ => None,
        }
    }

    fn projects_accounts(self) -> bool {
        !matches!(self, Self::Timestamp)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub catalog: String,
    pub database: String,
    pub table: String,
    pub layout: Layout,
    pub limit: u32,
}

/// The columns the results table shows, then the event's id (for its detail).
pub const COLUMNS: [&str; 9] = [
    "eventtime",
    "recipientaccountid",
    "useridentity.arn",
    "eventname",
    "eventsource",
    "awsregion",
    "errorcode",
    "sourceipaddress",
    "eventid",
];

/// `'it''s'`: a string literal holding exactly `s`.
pub fn string_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A LIKE pattern matching any text that contains `s`, with `ESCAPE '\'`.
pub fn contains_pattern(s: &str) -> String {
    let mut p = String::with_capacity(s.len() + 2);
    p.push('%');
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    string_literal(&p)
}

/// The regular expression (Trino's `regexp_like`, and the demo's matcher) finding the
/// resource named `name` in JSON text: a string value (not a key: a `,`, `}` or `]` follows
/// it) that is exactly the name, or an ARN ending in `/name` or `:name`. The name is JSON-
/// escaped as CloudTrail writes it, then every character with a meaning in a pattern is
/// escaped, so the pattern holds it literally in Java's, Joni's and Rust's syntax alike.
pub fn identity_pattern(name: &str) -> String {
    let json = serde_json::to_string(name).unwrap_or_default();
    let inner = json
        .strip_prefix('"')
        .and_then(|j| j.strip_suffix('"'))
        .unwrap_or_default();
    let mut p = String::from(IDENTITY_PREFIX);
    for c in inner.chars() {
        if IDENTITY_ESCAPED.contains(c) {
            p.push('\\');
        }
        p.push(c);
    }
    p.push_str(IDENTITY_SUFFIX);
    p
}

/// What `identity_pattern` puts around the name, and the characters it escapes.
pub const IDENTITY_PREFIX: &str = "\"(arn:[^\"]*[:/])?";
pub const IDENTITY_SUFFIX: &str = "\"[ \\t\\r\\n]*[,}\\]]";
pub const IDENTITY_ESCAPED: &str = "\\.^$|?*+()[]{}";

/// The resources column as JSON text, which `identity_pattern` reads like the request's.
pub const RESOURCES_JSON: &str = "json_format(CAST(resources AS JSON))";

/// `"a""b"`: an identifier holding exactly `s` (names from the config).
pub fn identifier(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn in_list(column: &str, values: &[String]) -> String {
    let list: Vec<String> = values.iter().map(|v| string_literal(v)).collect();
    format!("{column} IN ({})", list.join(", "))
}

fn day(t: Epoch) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap_or_default()
        .format("%Y/%m/%d")
        .to_string()
}

fn iso(t: Epoch) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// The statement for `filter` over `[from, to]`; `accounts` are the filter's accounts as
/// ids (labels resolved by the caller).
pub fn select(
    table: &Table,
    filter: &Filter,
    accounts: &[String],
    from: Epoch,
    to: Epoch,
) -> String {
    let mut wh: Vec<String> = Vec::new();
    // The partition first: what bounds the scan, and so the bill.
    wh.push(format!(
        "{} BETWEEN {} AND {}",
        identifier("timestamp"),
        string_literal(&day(from)),
        string_literal(&day(to))
    ));
    if table.layout.projects_accounts() && !accounts.is_empty() {
        wh.push(in_list(&identifier("account"), accounts));
    }
    if table.layout.projects_accounts() && !filter.regions.is_empty() {
        wh.push(in_list(&identifier("region"), &filter.regions));
    }
    // CloudTrail's eventtime is ISO 8601 text in UTC: it orders as it reads.
    wh.push(format!("eventtime >= {}", string_literal(&iso(from))));
    wh.push(format!("eventtime <= {}", string_literal(&iso(to))));
    if !filter.events.is_empty() {
        wh.push(in_list("eventname", &filter.events));
    }
    if !filter.sources.is_empty() {
        wh.push(in_list("eventsource", &filter.sources));
    }
    if !accounts.is_empty() {
        wh.push(in_list("recipientaccountid", accounts));
    }
    if !filter.regions.is_empty() {
        wh.push(in_list("awsregion", &filter.regions));
    }
    if !filter.users.is_empty() {
        let any: Vec<String> = filter
            .users
            .iter()
            .map(|u| {
                format!(
                    "useridentity.arn LIKE {} ESCAPE '\\' OR useridentity.username = {}",
                    contains_pattern(u),
                    string_literal(u)
                )
            })
            .collect();
        wh.push(format!("({})", any.join(" OR ")));
    }
    match &filter.errors {
        Some(ErrorMatch::Any) => wh.push("errorcode IS NOT NULL".into()),
        Some(ErrorMatch::Codes(codes)) => wh.push(in_list("errorcode", codes)),
        None => {}
    }
    if !filter.ips.is_empty() {
        let any: Vec<String> = filter
            .ips
            .iter()
            .map(|ip| match ip {
                IpMatch::Exact(a) => {
                    format!("sourceipaddress = {}", string_literal(&a.to_string()))
                }
                // Not every source "address" is one (`sagemaker.amazonaws.com`): TRY_CAST.
                IpMatch::Cidr(a, bits) => format!(
                    "contains({}, TRY_CAST(sourceipaddress AS IPADDRESS))",
                    string_literal(&format!("{a}/{bits}"))
                ),
            })
            .collect();
        wh.push(format!("({})", any.join(" OR ")));
    }
    if !filter.resources.is_empty() {
        let any: Vec<String> = filter
            .resources
            .iter()
            .map(|r| match r {
                ResourceMatch::Named(name) => {
                    let p = string_literal(&identity_pattern(name));
                    format!(
                        "regexp_like(requestparameters, {p}) OR regexp_like(responseelements, {p}) \
                         OR regexp_like({RESOURCES_JSON}, {p})"
                    )
                }
                ResourceMatch::Containing(part) => {
                    let p = contains_pattern(part);
                    format!(
                        "requestparameters LIKE {p} ESCAPE '\\' OR responseelements LIKE {p} ESCAPE '\\'"
                    )
                }
            })
            .collect();
        wh.push(format!("({})", any.join(" OR ")));
    }
    if let Some(ro) = filter.readonly {
        wh.push(format!(
            "readonly = {}",
            string_literal(if ro { "true" } else { "false" })
        ));
    }
    format!(
        "SELECT {} FROM {}.{}.{} WHERE {} ORDER BY eventtime DESC LIMIT {}",
        COLUMNS.join(", "),
        identifier(&table.catalog),
        identifier(&table.database),
        identifier(&table.table),
        wh.join(" AND "),
        table.limit
    )
}

/// The detail of one event: its JSON fields and who made it, each under its own name.
pub const DETAIL_COLUMNS: [(&str, &str); 14] = [
    ("eventid", "eventid"),
    ("eventtime", "eventtime"),
    ("useridentity.type", "identity_type"),
    ("useridentity.principalid", "principal_id"),
    ("useridentity.arn", "principal_arn"),
    ("useridentity.accountid", "identity_account"),
    ("useridentity.invokedby", "invoked_by"),
    ("useridentity.username", "user_name"),
    (
        "useridentity.sessioncontext.sourceidentity",
        "source_identity",
    ),
    ("useragent", "useragent"),
    ("errormessage", "errormessage"),
    ("readonly", "readonly"),
    ("requestparameters", "requestparameters"),
    ("responseelements", "responseelements"),
];

/// Where an event was recorded, from its result row, for the partitions a layout projects.
#[derive(Debug, Clone, Copy, Default)]
pub struct Recorded<'a> {
    pub account: Option<&'a str>,
    pub region: Option<&'a str>,
}

/// The statement reading one event's detail: its day's partition (and the next, where late
/// deliveries land), its account's and region's where the layout projects them, its id.
/// Every value comes from a result row: escaped like typed text.
pub fn event_detail(table: &Table, event_id: &str, time: Epoch, at: Recorded<'_>) -> String {
    let columns: Vec<String> = DETAIL_COLUMNS
        .iter()
        .map(|(expr, alias)| {
            if expr == alias {
                (*expr).to_string()
            } else {
                format!("{expr} AS {alias}")
            }
        })
        .collect();
    let mut wh = vec![format!(
        "{} BETWEEN {} AND {}",
        identifier("timestamp"),
        string_literal(&day(time)),
        string_literal(&day(time + 86_400)),
    )];
    if table.layout.projects_accounts() {
        if let Some(a) = at.account {
            wh.push(format!("{} = {}", identifier("account"), string_literal(a)));
        }
        if let Some(r) = at.region {
            wh.push(format!("{} = {}", identifier("region"), string_literal(r)));
        }
    }
    wh.push(format!("eventid = {}", string_literal(event_id)));
    format!(
        "SELECT {} FROM {}.{}.{} WHERE {} LIMIT 1",
        columns.join(", "),
        identifier(&table.catalog),
        identifier(&table.database),
        identifier(&table.table),
        wh.join(" AND "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trail::filter::parse;
    use proptest::prelude::*;
    use sqlparser::ast::{Expr, Statement, Value, visit_expressions};
    use sqlparser::dialect::GenericDialect;
    use sqlparser::parser::Parser;
    use std::ops::ControlFlow;

    const NOW: Epoch = 1_795_946_400; // 2026-11-29T10:00:00Z

    fn table(layout: Layout) -> Table {
        Table {
            catalog: "AwsDataCatalog".into(),
            database: "default".into(),
            table: "cloudtrail_logs".into(),
            layout,
            limit: 500,
        }
    }

    /// The statement parsed back: exactly one, and every string literal in it.
    fn literals(sql: &str) -> Vec<String> {
        let statements =
            Parser::parse_sql(&GenericDialect {}, sql).unwrap_or_else(|e| panic!("{e}: {sql}"));
        assert_eq!(statements.len(), 1, "one statement, never two: {sql}");
        assert!(
            matches!(statements[0], Statement::Query(_)),
            "a SELECT: {sql}"
        );
        let mut out = Vec::new();
        let _ = visit_expressions(&statements, |e: &Expr| {
            if let Expr::Value(v) = e
                && let Value::SingleQuotedString(s) = &v.value
            {
                out.push(s.clone());
            }
            ControlFlow::<()>::Continue(())
        });
        out
    }

    #[test]
    fn the_example_filter_becomes_one_pruned_limited_select() {
        let f = parse("event:CreateEndpoint source:sagemaker user:alice since:2h").unwrap();
        let sql = select(&table(Layout::Timestamp), &f, &[], NOW - 7200, NOW);
        assert!(
            sql.starts_with("SELECT eventtime, recipientaccountid, useridentity.arn"),
            "{sql}"
        );
        assert!(
            sql.contains("\"timestamp\" BETWEEN '2026/11/29' AND '2026/11/29'"),
            "{sql}"
        );
        assert!(sql.contains("eventname IN ('CreateEndpoint')"), "{sql}");
        assert!(
            sql.contains("eventsource IN ('sagemaker.amazonaws.com')"),
            "{sql}"
        );
        assert!(sql.ends_with("ORDER BY eventtime DESC LIMIT 500"), "{sql}");
        let lits = literals(&sql);
        assert!(lits.contains(&"%alice%".to_owned()), "{lits:?}");
    }

    #[test]
    fn layouts_with_account_and_region_partitions_constrain_them() {
        let f = parse("region:eu-west-1").unwrap();
        let sql = select(
            &table(Layout::AccountRegionTimestamp),
            &f,
            &["111111111111".into()],
            NOW - 3 * 86_400,
            NOW,
        );
        assert!(sql.contains("\"account\" IN ('111111111111')"), "{sql}");
        assert!(sql.contains("\"region\" IN ('eu-west-1')"), "{sql}");
        assert!(
            sql.contains("BETWEEN '2026/11/26' AND '2026/11/29'"),
            "{sql}"
        );
        literals(&sql);
    }

    #[test]
    fn networks_errors_and_readonly_are_expressed() {
        let f =
            parse("ip:10.0.0.0/8,192.168.1.7 error:* readonly:false resource:~fraud_%").unwrap();
        let sql = select(&table(Layout::Timestamp), &f, &[], NOW - 3600, NOW);
        assert!(sql.contains("contains('10.0.0.0/8', TRY_CAST(sourceipaddress AS IPADDRESS))"));
        assert!(sql.contains("sourceipaddress = '192.168.1.7'"));
        assert!(sql.contains("errorcode IS NOT NULL"));
        assert!(sql.contains("readonly = 'false'"));
        let lits = literals(&sql);
        assert!(lits.contains(&"%fraud\\_\\%%".to_owned()), "{lits:?}");
    }

    #[test]
    fn a_named_resource_is_found_by_identity_and_a_tilde_by_part() {
        let f = parse("resource:fraud-detector,~churn").unwrap();
        let sql = select(&table(Layout::Timestamp), &f, &[], NOW - 3600, NOW);
        let p = "'\"(arn:[^\"]*[:/])?fraud-detector\"[ \\t\\r\\n]*[,}\\]]'";
        assert!(
            sql.contains(&format!(
                "(regexp_like(requestparameters, {p}) OR regexp_like(responseelements, {p}) \
                 OR regexp_like(json_format(CAST(resources AS JSON)), {p}) OR \
                 requestparameters LIKE '%churn%' ESCAPE '\\' OR responseelements LIKE '%churn%' ESCAPE '\\')"
            )),
            "{sql}"
        );
        literals(&sql);
        let re = regex_lite::Regex::new(&identity_pattern("fraud-detector")).unwrap();
        for (json, found) in [
            (r#"{"endpointName":"fraud-detector"}"#, true),
            (r#"{"endpointName": "fraud-detector" }"#, true),
            (r#"{"alarmNames":["x","fraud-detector"]}"#, true),
            (
                r#"[{"arn":"arn:aws:sagemaker:eu-west-1:1:endpoint/fraud-detector","accountid":"1"}]"#,
                true,
            ),
            (
                r#"{"alarmArn":"arn:aws:cloudwatch:eu-west-1:1:alarm:fraud-detector"}"#,
                true,
            ),
            (r#"{"endpointName":"fraud-detector-stg"}"#, false),
            (
                r#"{"alarmNames":["test-fraud-detector-canary-accuracy"]}"#,
                false,
            ),
            (
                r#"{"endpointConfigName":"fraud-detector-config-v43"}"#,
                false,
            ),
            (r#"{"uri":"s3://bucket/fraud-detector"}"#, false),
            (r#"{"fraud-detector":"x"}"#, false),
        ] {
            assert_eq!(re.is_match(json), found, "{json}");
        }
    }

    /// Values a user could type: quotes, backslashes, comment starts, semicolons, unicode.
    fn hostile() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("'".to_owned()),
                Just("''".to_owned()),
                Just("\\".to_owned()),
                Just("--".to_owned()),
                Just("/*".to_owned()),
                Just("*/".to_owned()),
                Just(";".to_owned()),
                Just("%".to_owned()),
                Just("_".to_owned()),
                Just("\"".to_owned()),
                Just(") OR 1=1 --".to_owned()),
                Just("'; DROP TABLE x; --".to_owned()),
                "[a-zA-Z0-9 ]{0,4}",
                "\\PC{0,3}",
            ],
            1..8,
        )
        .prop_map(|parts| parts.concat())
        .prop_filter("a value", |s| {
            !s.is_empty() && !s.chars().any(crate::sanitize::needs_replacing)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Whatever is typed stays inside its literal: the statement parses as exactly one
        /// SELECT, and the literal (or the LIKE pattern) holds exactly the value.
        #[test]
        fn typed_values_stay_inside_their_literals(v in hostile()) {
            let f = Filter {
                events: vec![v.clone()],
                sources: vec![v.clone()],
                users: vec![v.clone()],
                accounts: vec![v.clone()],
                regions: Vec::new(),
                errors: Some(ErrorMatch::Codes(vec![v.clone()])),
                ips: Vec::new(),
                resources: vec![ResourceMatch::Named(v.clone()), ResourceMatch::Containing(v.clone())],
                readonly: None,
                since: None,
                until: None,
            };
            let sql = select(&table(Layout::OrgAccountRegionTimestamp), &f, std::slice::from_ref(&v), NOW - 3600, NOW);
            let lits = literals(&sql);
            prop_assert!(lits.iter().filter(|l| **l == v).count() >= 5, "{lits:?}\n{sql}");
            let mut pattern = String::from("%");
            for c in v.chars() {
                if matches!(c, '%' | '_' | '\\') {
                    pattern.push('\\');
                }
                pattern.push(c);
            }
            pattern.push('%');
            prop_assert!(lits.contains(&pattern), "{lits:?}\n{sql}");
            // The name's pattern, read back from the SQL, finds the name itself and nothing
            // longer: the value stays literal inside the regular expression too.
            let named = identity_pattern(&v);
            prop_assert_eq!(lits.iter().filter(|l| **l == named).count(), 3, "{:?}\n{}", lits, sql);
            let re = regex_lite::Regex::new(&named).unwrap();
            let json = serde_json::to_string(&v).unwrap();
            let inner = &json[1..json.len() - 1];
            let value = format!("{{\"endpointName\":{json}}}");
            prop_assert!(re.is_match(&value), "{named} on {value}");
            let arn = format!("{{\"endpointArn\":\"arn:aws:sagemaker:eu-west-1:1:endpoint/{inner}\"}}");
            prop_assert!(re.is_match(&arn), "{named} on {arn}");
            let longer = format!("{{\"endpointName\":{}}}", serde_json::to_string(&format!("{v}-stg")).unwrap());
            prop_assert!(!re.is_match(&longer), "{named} on {longer}");
            let key = format!("{{{json}:\"x\"}}");
            prop_assert!(!re.is_match(&key), "{named} on {key}");
        }

        /// And through the filter language, quoted.
        #[test]
        fn quoted_filter_values_reach_the_sql_exactly(v in hostile()) {
            let quoted = format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""));
            let f = parse(&format!("user:{quoted} resource:{quoted}")).unwrap();
            let wanted = match v.strip_prefix('~') {
                Some(part) => ResourceMatch::Containing(part.to_owned()),
                None => ResourceMatch::Named(v.clone()),
            };
            prop_assert_eq!(&f.resources, &vec![wanted]);
            prop_assert_eq!(&f.users, &vec![v.clone()]);
            let sql = select(&table(Layout::Timestamp), &f, &[], NOW - 3600, NOW);
            let lits = literals(&sql);
            prop_assert!(lits.contains(&v), "{lits:?}\n{sql}");
        }

        /// An event id read from a result row is as hostile as typed text.
        #[test]
        fn an_event_id_stays_inside_its_literal(v in hostile()) {
            let sql = event_detail(&table(Layout::Timestamp), &v, NOW, Recorded::default());
            let lits = literals(&sql);
            prop_assert!(lits.contains(&v), "{lits:?}\n{sql}");
            // With account and region partitions, from the same hostile row.
            let at = Recorded { account: Some(&v), region: Some(&v) };
            let sql = event_detail(&table(Layout::AccountRegionTimestamp), &v, NOW, at);
            let lits = literals(&sql);
            prop_assert!(lits.iter().filter(|l| **l == v).count() == 3, "{lits:?}\n{sql}");
            prop_assert!(sql.contains("\"account\" = ") && sql.contains("\"region\" = "), "{sql}");
            prop_assert!(sql.contains("\"timestamp\" BETWEEN '2026/11/29' AND '2026/11/30'"), "{sql}");
        }
    }
}
