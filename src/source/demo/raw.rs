//! Raw SQL in the demo, read back into the filter it was made from: a WHERE that the search
//! language writes (`trail::sql::select`) is answered with the same matcher as a search;
//! anything else fails saying plainly that only AWS can run it.

use super::trail::{Event, label, newest};
use crate::source::model::Epoch;
use crate::trail::filter::{ErrorMatch, Filter, IpMatch, ResourceMatch};
use crate::trail::matcher::Matcher;
use crate::trail::sql::{
    IDENTITY_PREFIX, IDENTITY_SUFFIX, RESOURCES_JSON, contains_pattern, identity_pattern,
    string_literal,
};
use sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, GroupByExpr, InTarget,
    LimitClause, OrderByKind, OrderBySort, Query, Select, SelectItem, SetExpr, Statement,
    TableFactor, Value,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;

pub type Rows = (Vec<String>, Vec<Vec<Option<String>>>);

/// 9999-12-31T23:59:59Z: no upper bound, in a form the matcher can print.
const NO_END: Epoch = 253_402_300_799;

/// What the demo says of SQL it cannot answer.
fn beyond(what: impl std::fmt::Display) -> String {
    format!(
        "the demo answers only the subset of SQL the search language makes (SELECT columns \
         FROM one table WHERE its conditions joined by AND, ORDER BY eventtime DESC, LIMIT): \
         not {what}; run this on AWS"
    )
}

/// The search a WHERE clause makes: the filter and bounds the language wrote it from.
#[derive(Default)]
struct Where {
    filter: Filter,
    accounts: Vec<String>,
    from: Epoch,
    to: Option<Epoch>,
}

fn column(e: &Expr) -> Option<String> {
    match e {
        Expr::Identifier(i) => Some(i.value.to_ascii_lowercase()),
        Expr::CompoundIdentifier(parts) => Some(
            parts
                .iter()
                .map(|p| p.value.to_ascii_lowercase())
                .collect::<Vec<_>>()
                .join("."),
        ),
        _ => None,
    }
}

fn text(e: &Expr) -> Option<String> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) => Some(s.clone()),
            Value::Number(n, _) => Some(n.to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// `'%text%' ESCAPE '\'`, as `contains_pattern` writes it: the text.
fn contained(pattern: &Expr, escape: &Option<Box<Expr>>) -> Option<String> {
    let p = text(pattern)?;
    if escape.as_deref().and_then(text).as_deref() != Some("\\") {
        return None;
    }
    let inner = p.strip_prefix('%')?.strip_suffix('%')?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        out.push(if c == '\\' { chars.next()? } else { c });
    }
    (contains_pattern(&out) == string_literal(&p)).then_some(out)
}

/// `regexp_like(column, 'pattern')` with a pattern `identity_pattern` writes: the column
/// (`resources` for its JSON text) and the resource's name.
fn named(e: &Expr) -> Option<(String, String)> {
    let Expr::Function(f) = e else {
        return None;
    };
    if !f.name.to_string().eq_ignore_ascii_case("regexp_like") {
        return None;
    }
    let FunctionArguments::List(list) = &f.args else {
        return None;
    };
    let [
        FunctionArg::Unnamed(FunctionArgExpr::Expr(col)),
        FunctionArg::Unnamed(FunctionArgExpr::Expr(pat)),
    ] = list.args.as_slice()
    else {
        return None;
    };
    let col = if col.to_string() == RESOURCES_JSON {
        "resources".to_owned()
    } else {
        column(col)?
    };
    let p = text(pat)?;
    let inner = p
        .strip_prefix(IDENTITY_PREFIX)?
        .strip_suffix(IDENTITY_SUFFIX)?;
    let mut json = String::from("\"");
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        json.push(if c == '\\' { chars.next()? } else { c });
    }
    json.push('"');
    let name: String = serde_json::from_str(&json).ok()?;
    (identity_pattern(&name) == p).then_some((col, name))
}

/// The language's ISO timestamps and `yyyy/MM/dd` days, written exactly as it writes them
/// (SQL compares them as text).
fn epoch(s: &str, day_end: bool) -> Option<Epoch> {
    let written = |t: Epoch, format| (super::utc(t * 1000, format) == s).then_some(t);
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return written(t.timestamp(), "%Y-%m-%dT%H:%M:%SZ");
    }
    let day = chrono::NaiveDate::parse_from_str(s, "%Y/%m/%d").ok()?;
    let t = written(day.and_hms_opt(0, 0, 0)?.and_utc().timestamp(), "%Y/%m/%d")?;
    Some(if day_end { t + 86_399 } else { t })
}

/// A value list set once (the language writes `account` and `recipientaccountid` alike).
fn set(slot: &mut Vec<String>, values: Vec<String>) -> bool {
    let fresh = slot.is_empty() || *slot == values;
    *slot = values;
    fresh
}

/// One disjunct of the language's OR groups (users, IPs, resources), added to the search;
/// the LIKE halves of users and resources are gathered to be checked against their pairs.
fn alternative(
    e: &Expr,
    f: &mut Filter,
    arns: &mut Vec<String>,
    responses: &mut Vec<ResourceMatch>,
) -> bool {
    if let Some((col, name)) = named(e) {
        match col.as_str() {
            "requestparameters" => f.resources.push(ResourceMatch::Named(name)),
            // The resources' test follows the response's: checked against its pair too.
            "responseelements" | "resources" => responses.push(ResourceMatch::Named(name)),
            _ => return false,
        }
        return true;
    }
    match e {
        Expr::Like {
            negated: false,
            any: false,
            expr,
            pattern,
            escape_char,
        } => match (column(expr).as_deref(), contained(pattern, escape_char)) {
            (Some("useridentity.arn"), Some(u)) => arns.push(u),
            (Some("requestparameters"), Some(r)) => f.resources.push(ResourceMatch::Containing(r)),
            (Some("responseelements"), Some(r)) => responses.push(ResourceMatch::Containing(r)),
            _ => return false,
        },
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Eq,
            right,
        } => match (column(left).as_deref(), text(right)) {
            (Some("useridentity.username"), Some(u)) => f.users.push(u),
            (Some("sourceipaddress"), Some(a)) => match a.parse() {
                Ok(ip) => f.ips.push(IpMatch::Exact(ip)),
                Err(_) => return false,
            },
            _ => return false,
        },
        other => {
            // `contains('net/bits', TRY_CAST(sourceipaddress AS IPADDRESS))`.
            let shown = other.to_string();
            let net = shown
                .strip_prefix("contains('")
                .and_then(|r| r.strip_suffix("', TRY_CAST(sourceipaddress AS IPADDRESS))"))
                .and_then(|r| r.split_once('/'))
                .and_then(|(a, b)| Some(IpMatch::Cidr(a.parse().ok()?, b.parse().ok()?)));
            match net {
                Some(n) => f.ips.push(n),
                None => return false,
            }
        }
    }
    true
}

/// The operands of a chain of `op` (AND, OR), left to right; an OR chain is read through
/// parentheses.
fn operands<'e>(e: &'e Expr, op: &BinaryOperator, out: &mut Vec<&'e Expr>) {
    match e {
        Expr::BinaryOp { left, op: o, right } if o == op => {
            operands(left, op, out);
            operands(right, op, out);
        }
        Expr::Nested(inner) if *op == BinaryOperator::Or => operands(inner, op, out),
        other => out.push(other),
    }
}

/// One of the language's OR groups, added to the filter: one group per kind (users, IPs,
/// resources), each user and resource written in both its forms.
fn group(inner: &Expr, f: &mut Filter) -> bool {
    let mut alts = Vec::new();
    operands(inner, &BinaryOperator::Or, &mut alts);
    let (mut arns, mut responses) = (Vec::new(), Vec::new());
    let before = (f.users.len(), f.ips.len(), f.resources.len());
    if !alts
        .iter()
        .all(|a| alternative(a, f, &mut arns, &mut responses))
    {
        return false;
    }
    let grown = [
        (before.0, f.users.len()),
        (before.1, f.ips.len()),
        (before.2, f.resources.len()),
    ];
    // A name is tested in the request, the response and the resources; a part in the
    // request and the response.
    let pairs: Vec<ResourceMatch> = f.resources[before.2..]
        .iter()
        .flat_map(|r| match r {
            ResourceMatch::Named(_) => vec![r.clone(), r.clone()],
            ResourceMatch::Containing(_) => vec![r.clone()],
        })
        .collect();
    grown.iter().filter(|(b, n)| n > b).count() == 1
        && grown.iter().all(|(b, n)| n == b || *b == 0)
        && arns == f.users[before.0..]
        && responses == pairs
}

/// `column IN (values)` or `column = value`, added to the search.
fn listed(name: &str, values: Vec<String>, s: &mut Where) -> bool {
    let f = &mut s.filter;
    match name {
        "eventname" => set(&mut f.events, values),
        "eventsource" => set(&mut f.sources, values),
        "recipientaccountid" | "account" => set(&mut s.accounts, values),
        "awsregion" | "region" => set(&mut f.regions, values),
        "errorcode" => f.errors.replace(ErrorMatch::Codes(values)).is_none(),
        _ => false,
    }
}

/// `column op 'value'`, added to the search.
fn compared(name: &str, op: &BinaryOperator, value: String, s: &mut Where) -> bool {
    match (name, op) {
        ("eventtime", BinaryOperator::GtEq | BinaryOperator::LtEq) => {
            let Some(t) = epoch(&value, false) else {
                return false;
            };
            if *op == BinaryOperator::GtEq {
                s.from = s.from.max(t);
            } else {
                s.to = Some(s.to.map_or(t, |x| x.min(t)));
            }
            true
        }
        ("readonly", BinaryOperator::Eq)
            if (value == "true" || value == "false") && s.filter.readonly.is_none() =>
        {
            s.filter.readonly = Some(value == "true");
            true
        }
        (_, BinaryOperator::Eq) => listed(name, vec![value], s),
        _ => false,
    }
}

/// One conjunct of the WHERE, added to the search; false when the language never writes it.
fn condition(e: &Expr, s: &mut Where) -> bool {
    match e {
        Expr::Nested(inner) => group(inner, &mut s.filter),
        Expr::IsNotNull(inner) if column(inner).as_deref() == Some("errorcode") => {
            s.filter.errors.replace(ErrorMatch::Any).is_none()
        }
        Expr::Between {
            expr,
            negated: false,
            low,
            high,
        } if column(expr).as_deref() == Some("timestamp") => {
            let lo = text(low).and_then(|t| epoch(&t, false));
            let hi = text(high).and_then(|t| epoch(&t, true));
            let (Some(lo), Some(hi)) = (lo, hi) else {
                return false;
            };
            s.from = s.from.max(lo);
            s.to = Some(s.to.map_or(hi, |t| t.min(hi)));
            true
        }
        Expr::In {
            expr,
            target: InTarget::List(list),
            negated: false,
            ..
        } => {
            let values = list.iter().map(text).collect::<Option<Vec<_>>>();
            match (column(expr), values) {
                (Some(name), Some(values)) => listed(&name, values, s),
                _ => false,
            }
        }
        Expr::BinaryOp { left, op, right } => match (column(left), text(right)) {
            (Some(name), Some(_)) if name == "sourceipaddress" => group(e, &mut s.filter),
            (Some(name), Some(value)) => compared(&name, op, value, s),
            _ => false,
        },
        _ => false,
    }
}

/// The statement's one SELECT, if it reads one table as the language's does.
fn one_select(statements: &[Statement]) -> Result<(&Query, &Select), String> {
    let [Statement::Query(query)] = statements else {
        return Err(beyond("anything but one SELECT"));
    };
    let SetExpr::Select(select) = query.body.as_ref() else {
        return Err(beyond("a set operation"));
    };
    if query.with.is_some()
        || select.from.len() != 1
        || !select.from[0].joins.is_empty()
        || !matches!(select.from[0].relation, TableFactor::Table { .. })
    {
        return Err(beyond("a join or a subquery: FROM one table"));
    }
    if select.distinct.is_some()
        || select.having.is_some()
        || !matches!(&select.group_by, GroupByExpr::Expressions(g, _) if g.is_empty())
    {
        return Err(beyond("DISTINCT, GROUP BY or HAVING"));
    }
    Ok((query, select))
}

/// The columns selected and their labels (an alias, else a dereference's last field).
fn columns(select: &Select, sample: Option<&Event>) -> Result<(Vec<String>, Vec<String>), String> {
    let mut names = Vec::new();
    let mut labels = Vec::new();
    for item in &select.projection {
        let (expr, alias) = match item {
            SelectItem::UnnamedExpr(e) => (e, None),
            SelectItem::ExprWithAlias { expr, alias } => (expr, Some(alias.value.clone())),
            other => return Err(beyond(format!("selecting {other}"))),
        };
        let name = column(expr).ok_or_else(|| beyond(format!("selecting {expr}")))?;
        if sample.is_some_and(|e| e.column(&name).is_none()) {
            return Err(format!("no column {name}"));
        }
        labels.push(alias.unwrap_or_else(|| label(&name)));
        names.push(name);
    }
    Ok((names, labels))
}

/// The rows wanted: all, or a LIMIT's; newest first, which is all the demo orders by.
fn limit(query: &Query) -> Result<usize, String> {
    if let Some(o) = &query.order_by {
        let newest_first = matches!(&o.kind, OrderByKind::Expressions(list)
            if list.len() == 1
                && column(&list[0].expr).as_deref() == Some("eventtime")
                && list[0].options.sort == Some(OrderBySort::Desc));
        if !newest_first {
            return Err(beyond(o));
        }
    }
    match &query.limit_clause {
        None => Ok(usize::MAX),
        Some(LimitClause::LimitOffset {
            limit: Some(l),
            offset: None,
            limit_by,
        }) if limit_by.is_empty() => text(l)
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| beyond(format!("LIMIT {l}"))),
        Some(other) => Err(beyond(other)),
    }
}

/// The rows of `sql` over `events` (oldest first), newest first.
pub fn run(sql: &str, events: &[Event]) -> Result<Rows, String> {
    let statements = Parser::parse_sql(&GenericDialect {}, sql).map_err(|e| format!("SQL: {e}"))?;
    let (query, select) = one_select(&statements)?;
    let (names, labels) = columns(select, events.first())?;
    let limit = limit(query)?;
    let mut wanted = Where::default();
    let mut conditions = Vec::new();
    if let Some(w) = &select.selection {
        operands(w, &BinaryOperator::And, &mut conditions);
    }
    for c in conditions {
        if !condition(c, &mut wanted) {
            return Err(beyond(format!("the condition {c}")));
        }
    }
    let to = wanted.to.unwrap_or(NO_END);
    let m = Matcher::new(&wanted.filter, &wanted.accounts, wanted.from, to);
    Ok((labels, newest(events, &m, limit, &names)))
}
