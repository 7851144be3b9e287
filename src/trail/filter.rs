//! The trail's filter language: words `key:value[,value...]`, values optionally in double
//! quotes (`user:"alice smith"`, `\"` and `\\` inside). A mistake points at its token (byte
//! range) and says what was expected. Parsing is all it does: values are checked for shape
//! here and escaped into SQL literals by `sql`, never pasted.

use crate::source::model::Epoch;
use std::net::IpAddr;

/// The keys, in the order help and completion list them.
pub const KEYS: [&str; 11] = [
    "event", "source", "user", "account", "region", "error", "ip", "resource", "readonly", "since",
    "until",
];

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    /// CloudTrail event names (`CreateEndpoint`).
    pub events: Vec<String>,
    /// Event sources; `sagemaker` stands for `sagemaker.amazonaws.com`.
    pub sources: Vec<String>,
    /// Part of the principal's ARN, or its user name.
    pub users: Vec<String>,
    /// Account ids or labels, as typed (labels are resolved by the caller).
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    pub errors: Option<ErrorMatch>,
    pub ips: Vec<IpMatch>,
    /// Resources by name or ARN (`resource:NAME`), or by a part of their text
    /// (`resource:~TEXT`).
    pub resources: Vec<ResourceMatch>,
    pub readonly: Option<bool>,
    pub since: Option<When>,
    pub until: Option<When>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorMatch {
    /// `error:*`: any error.
    Any,
    Codes(Vec<String>),
}

/// How `resource:` names a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceMatch {
    /// `resource:fraud-detector`: the resource itself, by identity: a value of the event's
    /// request, response or resources that is exactly this name, or an ARN whose resource
    /// part ends in it (`arn:aws:sagemaker:REGION:ACCOUNT:endpoint/fraud-detector`); a whole
    /// ARN, or `endpoint/fraud-detector`, narrows to that kind.
    Named(String),
    /// `resource:~fraud`: any request or response whose text contains this.
    Containing(String),
}

impl ResourceMatch {
    /// The value as the filter language writes it (`~` for a part), unquoted.
    pub fn typed(&self) -> String {
        match self {
            Self::Named(n) => n.clone(),
            Self::Containing(t) => format!("~{t}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IpMatch {
    Exact(IpAddr),
    /// A network and its prefix length.
    Cidr(IpAddr, u8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Seconds before now.
    Ago(i64),
    At(Epoch),
}

/// A search with no `since:` covers this much before its end.
pub const DEFAULT_SPAN_SECS: i64 = 24 * 3600;

impl Filter {
    /// The time range searched at `now`: `until:` (or now), and `since:` (or the
    /// `DEFAULT_SPAN_SECS` before that end). `from > to` when `since:` is after `until:`.
    pub fn range(&self, now: Epoch) -> (Epoch, Epoch) {
        let to = self.until.map_or(now, |w| w.at(now));
        let from = self.since.map_or(to - DEFAULT_SPAN_SECS, |w| w.at(now));
        (from, to)
    }
}

impl When {
    pub fn at(self, now: Epoch) -> Epoch {
        match self {
            Self::Ago(secs) => now - secs,
            Self::At(t) => t,
        }
    }
}

/// A mistake, at bytes `start..end` of the filter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FilterError {
    pub start: usize,
    pub end: usize,
    pub message: String,
}

/// One `key:values` word and where it is.
struct Word<'a> {
    key: &'a str,
    values: Vec<(String, usize, usize)>,
    start: usize,
    end: usize,
}

fn err(start: usize, end: usize, message: impl Into<String>) -> FilterError {
    FilterError {
        start,
        end,
        message: message.into(),
    }
}

/// Splits the text into words, values unquoted.
fn words(text: &str) -> Result<Vec<Word<'_>>, FilterError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        // Any space (a filter pasted from a chat may hold U+00A0).
        if let Some(c) = text[i..].chars().next().filter(|c| c.is_whitespace()) {
            i += c.len_utf8();
            continue;
        }
        let start = i;
        let Some(colon) = text[start..].find(':').map(|c| start + c) else {
            let end = text[start..]
                .find(char::is_whitespace)
                .map_or(text.len(), |e| start + e);
            return Err(err(
                start,
                end,
                format!(
                    "{:?}: expected key:value, with a key among {}",
                    &text[start..end],
                    KEYS.join(", ")
                ),
            ));
        };
        let key = &text[start..colon];
        if key.is_empty() || key.contains(char::is_whitespace) {
            let end = text[start..]
                .find(char::is_whitespace)
                .map_or(text.len(), |e| start + e);
            return Err(err(
                start,
                end,
                "expected key:value (no space before the colon)",
            ));
        }
        let mut values = Vec::new();
        i = colon + 1;
        loop {
            let vstart = i;
            let mut value = String::new();
            if i < bytes.len() && bytes[i] == b'"' {
                i += 1;
                let mut closed = false;
                while i < bytes.len() {
                    let c = text[i..].chars().next().unwrap_or('"');
                    match c {
                        '"' => {
                            i += 1;
                            closed = true;
                            break;
                        }
                        '\\' if i + 1 < bytes.len() => {
                            let next = text[i + 1..].chars().next().unwrap_or('\\');
                            value.push(next);
                            i += 1 + next.len_utf8();
                        }
                        c => {
                            value.push(c);
                            i += c.len_utf8();
                        }
                    }
                }
                if !closed {
                    return Err(err(
                        vstart,
                        text.len(),
                        "a quote is not closed: expected \"",
                    ));
                }
            } else {
                while i < bytes.len() {
                    let c = text[i..].chars().next().unwrap_or(' ');
                    if c.is_whitespace() || c == ',' {
                        break;
                    }
                    value.push(c);
                    i += c.len_utf8();
                }
            }
            if value.is_empty() {
                // At least the character where a value was expected: whole, whatever its
                // width (`key:` then a wide space must not cut a character).
                let one = text[vstart..]
                    .chars()
                    .next()
                    .map_or(text.len(), |c| vstart + c.len_utf8());
                return Err(err(
                    vstart,
                    i.max(one).min(text.len()),
                    format!("{key}: expected a value"),
                ));
            }
            if value.chars().any(crate::sanitize::needs_replacing) {
                return Err(err(
                    vstart,
                    i,
                    format!("{key}: a value may not hold control characters"),
                ));
            }
            values.push((value, vstart, i));
            if i < bytes.len() && bytes[i] == b',' {
                i += 1;
                continue;
            }
            break;
        }
        out.push(Word {
            key,
            values,
            start,
            end: i,
        });
    }
    Ok(out)
}

/// `2h`, `30m`, `3d`, `90s`, or an RFC 3339 time (also `sagewatch logs --since`).
pub fn when(text: &str) -> Option<When> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(When::At(t.timestamp()));
    }
    // The unit is the last character, whatever its width (`2ч` must not split a char).
    let (last, _) = text.char_indices().last()?;
    let (n, unit) = text.split_at(last);
    let n: i64 = n.parse().ok().filter(|n| *n > 0)?;
    let secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return None,
    };
    n.checked_mul(secs)
        .filter(|s| *s <= 400 * 86_400)
        .map(When::Ago)
}

fn ip(text: &str) -> Option<IpMatch> {
    match text.split_once('/') {
        None => text.parse().ok().map(IpMatch::Exact),
        Some((addr, bits)) => {
            let addr: IpAddr = addr.parse().ok()?;
            let bits: u8 = bits.parse().ok()?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            (bits <= max).then_some(IpMatch::Cidr(addr, bits))
        }
    }
}

fn is_region(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
}

pub fn parse(text: &str) -> Result<Filter, FilterError> {
    let mut f = Filter::default();
    for w in words(text)? {
        let values = || w.values.iter().map(|(v, _, _)| v.clone());
        let one = |what: &str| -> Result<&(String, usize, usize), FilterError> {
            match w.values.as_slice() {
                [v] => Ok(v),
                _ => Err(err(
                    w.start,
                    w.end,
                    format!("{}: expected one {what}", w.key),
                )),
            }
        };
        match w.key {
            "event" | "events" => f.events.extend(values()),
            "source" => f.sources.extend(values().map(|s| {
                if s.contains('.') {
                    s
                } else {
                    format!("{s}.amazonaws.com")
                }
            })),
            "user" => f.users.extend(values()),
            "account" => f.accounts.extend(values()),
            "region" => {
                for (v, s, e) in &w.values {
                    if !is_region(v) {
                        return Err(err(
                            *s,
                            *e,
                            format!("region: expected a region like eu-west-1, not {v:?}"),
                        ));
                    }
                    f.regions.push(v.clone());
                }
            }
            "error" => {
                f.errors = Some(if w.values.iter().any(|(v, _, _)| v == "*") {
                    ErrorMatch::Any
                } else {
                    ErrorMatch::Codes(values().collect())
                });
            }
            "ip" => {
                for (v, s, e) in &w.values {
                    let m = ip(v).ok_or_else(|| {
                        err(
                            *s,
                            *e,
                            format!(
                                "ip: expected an address or a network like 10.0.0.0/8, not {v:?}"
                            ),
                        )
                    })?;
                    f.ips.push(m);
                }
            }
            "resource" => {
                for (v, s, e) in &w.values {
                    f.resources.push(match v.strip_prefix('~') {
                        Some("") => {
                            return Err(err(
                                *s,
                                *e,
                                "resource: expected text to search for after ~ (resource:~fraud)",
                            ));
                        }
                        Some(part) => ResourceMatch::Containing(part.to_owned()),
                        None => ResourceMatch::Named(v.clone()),
                    });
                }
            }
            "readonly" => {
                let (v, s, e) = one("true or false")?;
                f.readonly = Some(match v.as_str() {
                    "true" => true,
                    "false" => false,
                    _ => return Err(err(*s, *e, "readonly: expected true or false")),
                });
            }
            "since" | "until" => {
                let (v, s, e) = one("time")?;
                let t = when(v).ok_or_else(|| {
                    err(*s, *e, format!("{}: expected a duration like 2h, 30m, 3d or a time like 2026-11-29T08:00:00Z, not {v:?}", w.key))
                })?;
                if w.key == "since" {
                    f.since = Some(t);
                } else {
                    f.until = Some(t);
                }
            }
            other => {
                return Err(err(
                    w.start,
                    w.start + other.len(),
                    format!("unknown key {other:?}: expected one of {}", KEYS.join(", ")),
                ));
            }
        }
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issues_example_parses() {
        let f = parse(
            "event:CreateEndpoint,UpdateEndpoint source:sagemaker user:alice account:prod \
             region:eu-west-1 error:* ip:10.0.0.0/8 resource:fraud-detector readonly:false since:2h",
        )
        .unwrap();
        assert_eq!(f.events, ["CreateEndpoint", "UpdateEndpoint"]);
        assert_eq!(f.sources, ["sagemaker.amazonaws.com"]);
        assert_eq!(f.users, ["alice"]);
        assert_eq!(f.accounts, ["prod"]);
        assert_eq!(f.regions, ["eu-west-1"]);
        assert_eq!(f.errors, Some(ErrorMatch::Any));
        assert_eq!(f.ips, [IpMatch::Cidr("10.0.0.0".parse().unwrap(), 8)]);
        assert_eq!(f.readonly, Some(false));
        assert_eq!(f.since, Some(When::Ago(7200)));
    }

    #[test]
    fn quoted_values_keep_spaces_commas_and_escaped_quotes() {
        let f = parse(r#"user:"alice, \"the\" admin" resource:'x'"#).unwrap();
        assert_eq!(f.users, [r#"alice, "the" admin"#]);
        assert_eq!(f.resources, [ResourceMatch::Named("'x'".into())]);
    }

    #[test]
    fn a_wide_last_character_is_a_mistake_not_a_panic() {
        for text in ["since:2ч", "since:é", "until:5ｈ", "since:ч"] {
            let e = parse(text).unwrap_err();
            assert!(
                text.is_char_boundary(e.start) && text.is_char_boundary(e.end),
                "{e:?}"
            );
        }
        // A no-break space between words is a space.
        let f = parse("event:CreateEndpoint\u{a0}since:2h").unwrap();
        assert_eq!(f.events, vec!["CreateEndpoint".to_owned()]);
        assert_eq!(f.since, Some(When::Ago(7200)));
    }

    proptest::proptest! {
        /// Whatever is typed, parsing answers (never panics), and a mistake's range is on
        /// character boundaries (the caret is drawn from it).
        #[test]
        fn parsing_never_panics(text in "\\PC{0,40}") {
            if let Err(e) = parse(&text) {
                proptest::prop_assert!(e.start <= e.end && e.end <= text.len());
                proptest::prop_assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end));
            }
        }
    }

    #[test]
    fn a_missing_value_before_a_wide_space_is_pointed_at_whole() {
        // Found by `parsing_never_panics`: U+2000 is whitespace three bytes wide.
        let text = "0:\u{2000}";
        let e = parse(text).unwrap_err();
        assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end));
        assert_eq!(&text[e.start..e.end], "\u{2000}");
    }

    #[test]
    fn a_mistake_points_at_its_token_and_says_what_was_expected() {
        let text = "event:X colour:red";
        let e = parse(text).unwrap_err();
        assert_eq!(&text[e.start..e.end], "colour");
        assert!(e.message.contains("expected one of event, source"), "{e}");
        let e = parse("since:soon").unwrap_err();
        assert!(e.message.contains("expected a duration like 2h"), "{e}");
        let e = parse("ip:10.0.0.0/40").unwrap_err();
        assert!(e.message.starts_with("ip: expected"), "{e}");
        let e = parse("region:Europe").unwrap_err();
        assert!(e.message.starts_with("region: expected"), "{e}");
        let e = parse("user:\"open").unwrap_err();
        assert!(e.message.contains("not closed"), "{e}");
        let e = parse("alice").unwrap_err();
        assert!(e.message.contains("expected key:value"), "{e}");
        let e = parse("user:a\u{1b}[2J").unwrap_err();
        assert!(e.message.contains("control characters"), "{e}");
        let e = parse("readonly:maybe").unwrap_err();
        assert_eq!(e.message, "readonly: expected true or false");
    }

    #[test]
    fn a_resource_is_named_or_searched_for_with_a_tilde() {
        let f = parse(r#"resource:fraud-detector,~fraud resource:"~a b""#).unwrap();
        assert_eq!(
            f.resources,
            [
                ResourceMatch::Named("fraud-detector".into()),
                ResourceMatch::Containing("fraud".into()),
                ResourceMatch::Containing("a b".into()),
            ]
        );
        let e = parse("resource:~").unwrap_err();
        assert!(e.message.contains("after ~"), "{e}");
    }

    #[test]
    fn absolute_times_are_read() {
        let f = parse("since:2026-11-29T08:00:00Z until:1d").unwrap();
        assert_eq!(f.since, Some(When::At(1_795_939_200)));
        assert_eq!(f.until.unwrap().at(100_000), 100_000 - 86_400);
    }
}
