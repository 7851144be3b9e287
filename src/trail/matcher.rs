//! A filter evaluated against one event in memory, with exactly the meaning of the WHERE
//! clause `sql::select` writes: the demo searches its synthetic trail with it, so a filter
//! finds in the demo what it would find in Athena.
//!
//! SQL's NULL is `None`: a predicate on a NULL column is never true (an ARN that is NULL does
//! not match `LIKE`, an error code that is NULL is not `IN` anything). The partition
//! predicates are implied by the column ones (`account` is the recipient account, `region`
//! the event's region, `timestamp` the day of its time), so only the columns are evaluated.

use super::filter::{ErrorMatch, Filter, IpMatch, ResourceMatch};
use super::sql::identity_pattern;
use crate::source::model::Epoch;
use std::net::IpAddr;

/// The columns of one event the WHERE clause reads (`None` is NULL).
#[derive(Debug, Clone, Copy, Default)]
pub struct Fields<'a> {
    /// ISO 8601 in UTC (`2026-11-29T08:00:00Z`), as CloudTrail writes it.
    pub eventtime: &'a str,
    pub eventname: Option<&'a str>,
    pub eventsource: Option<&'a str>,
    pub recipientaccountid: Option<&'a str>,
    pub awsregion: Option<&'a str>,
    /// `useridentity.arn`.
    pub arn: Option<&'a str>,
    /// `useridentity.username`.
    pub username: Option<&'a str>,
    pub errorcode: Option<&'a str>,
    pub sourceipaddress: Option<&'a str>,
    pub requestparameters: Option<&'a str>,
    pub responseelements: Option<&'a str>,
    /// The `resources` array as JSON text (`json_format(CAST(resources AS JSON))`:
    /// `[{"arn":"...","accountid":"...","type":"..."}]`), NULL when the event has none.
    pub resources: Option<&'a str>,
    /// `'true'` or `'false'`: a string column in the CloudTrail table.
    pub readonly: Option<&'a str>,
}

/// A filter over `[from, to]` made ready to test events: the bounds formatted once as the
/// SQL's literals are.
#[derive(Debug, Clone)]
pub struct Matcher<'a> {
    filter: &'a Filter,
    accounts: &'a [String],
    from: String,
    to: String,
    /// Each `resource:` value's test, in the filter's order.
    resources: Vec<Resource>,
}

/// One `resource:` value made ready: a name's pattern compiled once.
#[derive(Debug, Clone)]
enum Resource {
    /// `None` if the pattern could not be compiled (too large): it matches nothing, as
    /// Athena would refuse the query.
    Named(Option<regex_lite::Regex>),
    Containing(String),
}

fn iso(t: Epoch) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// `column IN (values)`: NULL is in nothing.
fn in_list(column: Option<&str>, values: &[String]) -> bool {
    column.is_some_and(|c| values.iter().any(|v| v == c))
}

/// Trino's `contains('net/bits', TRY_CAST(address AS IPADDRESS))`: addresses are compared as
/// IPv6, an IPv4 one as its IPv4-mapped form, so `::ffff:10.1.2.3` is in `10.0.0.0/8`; what
/// does not parse (`sagemaker.amazonaws.com`) is NULL and in no network.
fn in_network(net: IpAddr, bits: u8, address: Option<&str>) -> bool {
    let Some(addr) = address.and_then(|a| a.parse::<IpAddr>().ok()) else {
        return false;
    };
    let as_v6 = |a: IpAddr| match a {
        IpAddr::V4(v4) => v4.to_ipv6_mapped(),
        IpAddr::V6(v6) => v6,
    };
    let bits = match net {
        IpAddr::V4(_) => u32::from(bits) + 96,
        IpAddr::V6(_) => u32::from(bits),
    }
    .min(128);
    let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
    let n = u128::from(as_v6(net)) & mask;
    let a = u128::from(as_v6(addr)) & mask;
    n == a
}

impl<'a> Matcher<'a> {
    /// `accounts` are the filter's accounts as ids (labels resolved), as `select` takes them.
    pub fn new(filter: &'a Filter, accounts: &'a [String], from: Epoch, to: Epoch) -> Self {
        Self {
            filter,
            accounts,
            from: iso(from),
            to: iso(to),
            resources: filter
                .resources
                .iter()
                .map(|r| match r {
                    ResourceMatch::Named(n) => {
                        Resource::Named(regex_lite::Regex::new(&identity_pattern(n)).ok())
                    }
                    ResourceMatch::Containing(t) => Resource::Containing(t.clone()),
                })
                .collect(),
        }
    }

    /// Whether `select(table, filter, accounts, from, to)` would return the event.
    pub fn matches(&self, e: &Fields<'_>) -> bool {
        let f = self.filter;
        // `eventtime >= 'from' AND eventtime <= 'to'`: text compared as text, which orders
        // as time for CloudTrail's fixed format.
        if e.eventtime < self.from.as_str() || e.eventtime > self.to.as_str() {
            return false;
        }
        if !f.events.is_empty() && !in_list(e.eventname, &f.events) {
            return false;
        }
        if !f.sources.is_empty() && !in_list(e.eventsource, &f.sources) {
            return false;
        }
        if !self.accounts.is_empty() && !in_list(e.recipientaccountid, self.accounts) {
            return false;
        }
        if !f.regions.is_empty() && !in_list(e.awsregion, &f.regions) {
            return false;
        }
        // `useridentity.arn LIKE '%u%' OR useridentity.username = 'u'`, for any u.
        if !f.users.is_empty()
            && !f.users.iter().any(|u| {
                e.arn.is_some_and(|a| a.contains(u.as_str())) || e.username == Some(u.as_str())
            })
        {
            return false;
        }
        match &f.errors {
            Some(ErrorMatch::Any) if e.errorcode.is_none() => return false,
            Some(ErrorMatch::Codes(codes)) if !in_list(e.errorcode, codes) => return false,
            _ => {}
        }
        if !f.ips.is_empty()
            && !f.ips.iter().any(|ip| match ip {
                // `sourceipaddress = 'a'`: the address as Rust (and the SQL) spells it.
                IpMatch::Exact(a) => e.sourceipaddress == Some(a.to_string().as_str()),
                IpMatch::Cidr(net, bits) => in_network(*net, *bits, e.sourceipaddress),
            })
        {
            return false;
        }
        // `regexp_like(column, 'pattern')` over the request, the response and the
        // resources for a name; `LIKE '%part%'` over the request and the response for a part.
        if !self.resources.is_empty()
            && !self.resources.iter().any(|r| match r {
                Resource::Named(re) => re.as_ref().is_some_and(|re| {
                    [e.requestparameters, e.responseelements, e.resources]
                        .iter()
                        .any(|c| c.is_some_and(|text| re.is_match(text)))
                }),
                Resource::Containing(part) => {
                    let part = part.as_str();
                    e.requestparameters.is_some_and(|p| p.contains(part))
                        || e.responseelements.is_some_and(|p| p.contains(part))
                }
            })
        {
            return false;
        }
        if let Some(ro) = f.readonly
            && e.readonly != Some(if ro { "true" } else { "false" })
        {
            return false;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trail::filter::parse;
    use crate::trail::sql::{Layout, Table, select};

    const NOW: Epoch = 1_795_946_400; // 2026-11-29T10:00:00Z

    /// A write by alice on prod fraud-detector, from inside the VPC.
    fn event() -> Fields<'static> {
        Fields {
            eventtime: "2026-11-29T09:30:00Z",
            eventname: Some("UpdateEndpoint"),
            eventsource: Some("sagemaker.amazonaws.com"),
            recipientaccountid: Some("111111111111"),
            awsregion: Some("eu-west-1"),
            arn: Some("arn:aws:sts::111111111111:assumed-role/ml-deployer/alice"),
            username: None,
            errorcode: None,
            sourceipaddress: Some("10.1.2.3"),
            requestparameters: Some(r#"{"endpointName":"fraud-detector"}"#),
            responseelements: Some(
                r#"{"endpointArn":"arn:aws:sagemaker:eu-west-1:111111111111:endpoint/fraud-detector"}"#,
            ),
            resources: Some(
                r#"[{"arn":"arn:aws:sagemaker:eu-west-1:111111111111:endpoint/fraud-detector","accountid":"111111111111","type":"AWS::SageMaker::Endpoint"}]"#,
            ),
            readonly: Some("false"),
        }
    }

    fn verdict(text: &str, accounts: &[String], e: &Fields<'_>) -> bool {
        let f = parse(text).unwrap();
        Matcher::new(&f, accounts, NOW - 7200, NOW).matches(e)
    }

    fn is(text: &str, e: &Fields<'_>) -> bool {
        verdict(text, &[], e)
    }

    #[test]
    fn the_empty_filter_keeps_everything_in_the_range() {
        assert!(is("", &event()));
        let early = Fields {
            eventtime: "2026-11-29T07:59:59Z",
            ..event()
        };
        assert!(!is("", &early));
        let edge = Fields {
            eventtime: "2026-11-29T08:00:00Z",
            ..event()
        };
        assert!(is("", &edge), "the bounds are inclusive");
        let late = Fields {
            eventtime: "2026-11-29T10:00:01Z",
            ..event()
        };
        assert!(!is("", &late));
    }

    #[test]
    fn event_names_are_a_list() {
        assert!(is("event:CreateEndpoint,UpdateEndpoint", &event()));
        assert!(!is("event:CreateEndpoint", &event()));
        assert!(
            !is("event:updateendpoint", &event()),
            "IN is case-sensitive"
        );
        let null = Fields {
            eventname: None,
            ..event()
        };
        assert!(!is("event:UpdateEndpoint", &null));
    }

    #[test]
    fn sources_are_completed_and_compared_whole() {
        assert!(is("source:sagemaker", &event()));
        assert!(is("source:sagemaker.amazonaws.com", &event()));
        assert!(!is("source:sts", &event()));
        assert!(!is("source:sage", &event()));
    }

    #[test]
    fn accounts_are_the_resolved_ids() {
        assert!(verdict("", &["111111111111".into()], &event()));
        assert!(verdict(
            "",
            &["222222222222".into(), "111111111111".into()],
            &event()
        ));
        assert!(!verdict("", &["222222222222".into()], &event()));
        // The typed labels are the caller's to resolve: the filter's own list is not read.
        assert!(verdict("account:staging", &[], &event()));
    }

    #[test]
    fn regions_are_a_list() {
        assert!(is("region:eu-west-1", &event()));
        assert!(!is("region:us-east-1", &event()));
    }

    #[test]
    fn a_user_is_part_of_the_arn_or_the_whole_user_name() {
        assert!(is("user:alice", &event()));
        assert!(is("user:ml-deployer/ali", &event()));
        assert!(!is("user:Alice", &event()), "LIKE is case-sensitive");
        assert!(is("user:bob,alice", &event()));
        let iam_user = Fields {
            arn: Some("arn:aws:iam::100000000000:user/ops-admin"),
            username: Some("ops-admin"),
            ..event()
        };
        assert!(is("user:ops-admin", &iam_user));
        let service = Fields {
            arn: None,
            username: Some("deploy"),
            ..event()
        };
        assert!(is("user:deploy", &service), "the user name alone");
        assert!(!is("user:dep", &service), "a user name is compared whole");
        // `%` and `_` typed are literal, as the SQL escapes them.
        assert!(!is("user:ml_deployer", &event()));
        assert!(!is("user:%", &event()));
    }

    #[test]
    fn errors_any_or_codes() {
        assert!(!is("error:*", &event()));
        let denied = Fields {
            errorcode: Some("AccessDenied"),
            ..event()
        };
        assert!(is("error:*", &denied));
        assert!(is("error:AccessDenied,ThrottlingException", &denied));
        assert!(!is("error:ThrottlingException", &denied));
        assert!(!is("error:AccessDenied", &event()));
    }

    #[test]
    fn addresses_exact_or_in_a_network() {
        assert!(is("ip:10.1.2.3", &event()));
        assert!(!is("ip:10.1.2.4", &event()));
        assert!(is("ip:10.0.0.0/8", &event()));
        assert!(is("ip:10.1.2.0/24,192.168.0.0/16", &event()));
        assert!(!is("ip:10.1.3.0/24", &event()));
        assert!(is("ip:0.0.0.0/0", &event()));
        // A network not aligned on its prefix is the network it contains.
        assert!(is("ip:10.9.9.9/8", &event()));
        let service = Fields {
            sourceipaddress: Some("sagemaker.amazonaws.com"),
            ..event()
        };
        assert!(
            !is("ip:0.0.0.0/0", &service),
            "not an address: in no network"
        );
        assert!(!is("ip:::/0", &service));
        let v6 = Fields {
            sourceipaddress: Some("2001:db8::7"),
            ..event()
        };
        assert!(is("ip:2001:db8::/32", &v6));
        assert!(!is("ip:10.0.0.0/8", &v6));
        assert!(is("ip:2001:db8::7", &v6));
        let mapped = Fields {
            sourceipaddress: Some("::ffff:10.1.2.3"),
            ..event()
        };
        assert!(
            is("ip:10.0.0.0/8", &mapped),
            "IPv4-mapped, as Trino compares"
        );
        let null = Fields {
            sourceipaddress: None,
            ..event()
        };
        assert!(!is("ip:0.0.0.0/0", &null));
    }

    #[test]
    fn a_resource_is_named_exactly_or_searched_for_with_a_tilde() {
        assert!(is("resource:fraud-detector", &event()));
        assert!(
            is("resource:endpoint/fraud-detector", &event()),
            "the ARN's resource part"
        );
        let arn = "arn:aws:sagemaker:eu-west-1:111111111111:endpoint/fraud-detector";
        assert!(is(&format!("resource:{arn}"), &event()), "the whole ARN");
        assert!(!is("resource:fraud", &event()), "a part is not the name");
        assert!(!is("resource:detector", &event()));
        assert!(!is("resource:churn", &event()));
        assert!(is("resource:churn,fraud-detector", &event()));
        assert!(is("resource:~fraud", &event()), "a part, asked for");
        assert!(is("resource:churn,~tor", &event()));
        assert!(!is("resource:~fraud_detector", &event()), "_ is literal");
        // Another endpoint whose name holds this one is another resource.
        let stg = Fields {
            requestparameters: Some(r#"{"endpointName":"fraud-detector-stg"}"#),
            responseelements: None,
            resources: None,
            ..event()
        };
        assert!(!is("resource:fraud-detector", &stg));
        assert!(is("resource:~fraud-detector", &stg));
        // An alarm whose name holds it, muted from another account.
        let canary = Fields {
            eventname: Some("DisableAlarmActions"),
            requestparameters: Some(r#"{"alarmNames":["test-fraud-detector-canary-accuracy"]}"#),
            responseelements: None,
            resources: None,
            ..event()
        };
        assert!(!is("resource:fraud-detector", &canary));
        assert!(is("resource:test-fraud-detector-canary-accuracy", &canary));
        // Found in the resources alone.
        let only = Fields {
            requestparameters: None,
            responseelements: None,
            ..event()
        };
        assert!(is("resource:fraud-detector", &only));
        assert!(
            !is("resource:~fraud", &only),
            "a part is read in request and response"
        );
        let none = Fields {
            resources: None,
            ..only
        };
        assert!(!is("resource:fraud-detector", &none));
    }

    #[test]
    fn readonly_is_the_text_column() {
        assert!(is("readonly:false", &event()));
        assert!(!is("readonly:true", &event()));
        let null = Fields {
            readonly: None,
            ..event()
        };
        assert!(!is("readonly:false", &null) && !is("readonly:true", &null));
    }

    #[test]
    fn every_predicate_must_hold() {
        let all = "event:UpdateEndpoint source:sagemaker user:alice region:eu-west-1 \
                   ip:10.0.0.0/8 resource:fraud-detector readonly:false";
        assert!(verdict(all, &["111111111111".into()], &event()));
        assert!(!verdict(
            &format!("{all} error:*"),
            &["111111111111".into()],
            &event()
        ));
        assert!(!verdict(all, &["222222222222".into()], &event()));
    }

    /// For each example: the predicate `select` writes, and the matcher's verdict on events
    /// made to satisfy it and to fail it, so that the two read the filter alike.
    #[test]
    fn the_matcher_agrees_with_the_sql() {
        let table = Table {
            catalog: "AwsDataCatalog".into(),
            database: "default".into(),
            table: "cloudtrail_logs".into(),
            layout: Layout::Timestamp,
            limit: 500,
        };
        let denied = Fields {
            errorcode: Some("AccessDenied"),
            ..event()
        };
        let public = Fields {
            sourceipaddress: Some("203.0.113.9"),
            ..event()
        };
        let reader = Fields {
            eventname: Some("DescribeEndpoint"),
            readonly: Some("true"),
            ..event()
        };
        let stg = Fields {
            requestparameters: Some(r#"{"endpointName":"fraud-detector-stg"}"#),
            responseelements: None,
            resources: None,
            ..event()
        };
        let prod = ["111111111111".to_owned()];
        type Case<'c> = (&'c str, &'c [String], &'c str, Vec<(Fields<'c>, bool)>);
        let cases: Vec<Case<'_>> = vec![
            (
                "event:UpdateEndpoint,CreateEndpointConfig",
                &[],
                "eventname IN ('UpdateEndpoint', 'CreateEndpointConfig')",
                vec![(event(), true), (reader, false)],
            ),
            (
                "source:sts",
                &[],
                "eventsource IN ('sts.amazonaws.com')",
                vec![(event(), false)],
            ),
            (
                "",
                &prod,
                "recipientaccountid IN ('111111111111')",
                vec![(event(), true)],
            ),
            (
                "user:alice",
                &[],
                "(useridentity.arn LIKE '%alice%' ESCAPE '\\' OR useridentity.username = 'alice')",
                vec![
                    (event(), true),
                    (
                        Fields {
                            arn: None,
                            ..event()
                        },
                        false,
                    ),
                ],
            ),
            (
                "error:*",
                &[],
                "errorcode IS NOT NULL",
                vec![(event(), false), (denied, true)],
            ),
            (
                "error:AccessDenied",
                &[],
                "errorcode IN ('AccessDenied')",
                vec![(event(), false), (denied, true)],
            ),
            (
                "ip:10.0.0.0/8",
                &[],
                "(contains('10.0.0.0/8', TRY_CAST(sourceipaddress AS IPADDRESS)))",
                vec![(event(), true), (public, false)],
            ),
            (
                "ip:203.0.113.9",
                &[],
                "(sourceipaddress = '203.0.113.9')",
                vec![(event(), false), (public, true)],
            ),
            (
                "resource:~fraud-detector",
                &[],
                "(requestparameters LIKE '%fraud-detector%' ESCAPE '\\' OR responseelements LIKE '%fraud-detector%' ESCAPE '\\')",
                vec![(event(), true), (stg, true)],
            ),
            (
                "resource:fraud-detector",
                &[],
                "(regexp_like(requestparameters, '\"(arn:[^\"]*[:/])?fraud-detector\"[ \\t\\r\\n]*[,}\\]]') OR ",
                vec![(event(), true), (stg, false)],
            ),
            (
                "readonly:true",
                &[],
                "readonly = 'true'",
                vec![(event(), false), (reader, true)],
            ),
            (
                "region:eu-west-1",
                &[],
                "awsregion IN ('eu-west-1')",
                vec![(event(), true)],
            ),
        ];
        for (text, accounts, predicate, events) in cases {
            let f = parse(text).unwrap();
            let sql = select(&table, &f, accounts, NOW - 7200, NOW);
            assert!(sql.contains(predicate), "{text}: {predicate}\n{sql}");
            assert!(
                sql.contains(
                    "eventtime >= '2026-11-29T08:00:00Z' AND eventtime <= '2026-11-29T10:00:00Z'"
                ),
                "{sql}"
            );
            let m = Matcher::new(&f, accounts, NOW - 7200, NOW);
            for (e, expected) in events {
                assert_eq!(m.matches(&e), expected, "{text} on {e:?}");
            }
        }
    }
}
