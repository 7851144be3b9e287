//! Raw SQL in the demo, read back into the filter it was made from: a WHERE that the search
//! language writes (`trail::sql::select`) is answered with the same matcher as a search;
//! anything else fails saying plainly that only AWS can run it.

use super::trail::{Event, label, newest};
use crate::source::model::Epoch;
use crate::source::trail::TrailSettings;
use crate::trail::filter::{ErrorMatch, Filter, IpMatch, ResourceMatch};
use crate::trail::matcher::Matcher;
use crate::trail::sql::{IDENTITY_PREFIX, IDENTITY_SUFFIX, select};
use sqlparser::ast::{
    BinaryOperator, Expr, GroupByExpr, InTarget, LimitClause, OrderByKind, OrderBySort, Query,
    Select, SelectItem, SetExpr, Statement, TableFactor, Value, visit_expressions,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;
use std::ops::ControlFlow;

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
struct Where {
    filter: Filter,
    accounts: Vec<String>,
    from: Epoch,
    to: Epoch,
}

impl Where {
    fn within(&mut self, from: Epoch, to: Epoch) {
        self.from = self.from.max(from);
        self.to = self.to.min(to);
    }
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

/// `s` with its escaping backslashes taken out.
fn unescaped(s: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        out.push(if c == '\\' { chars.next()? } else { c });
    }
    Some(out)
}

/// The other halves of the users' and resources' pairs: read by `group`'s check.
const PAIRED: [&str; 3] = [
    "useridentity.arn LIKE ",
    "regexp_like(",
    "responseelements LIKE ",
];

/// One alternative of an OR group, read loosely into `one` by how it reads and its value.
fn alternative(e: &Expr, one: &mut Filter) -> Option<()> {
    let shown = e.to_string();
    let starts = |prefix: &str| shown.starts_with(prefix);
    // The value is the first literal: `= 'v'`, `LIKE '%v%'`, `regexp_like(c, 'p')`.
    let value = visit_expressions(e, |x| {
        text(x).map_or(ControlFlow::Continue(()), ControlFlow::Break)
    })
    .break_value()?;
    if starts("useridentity.username = ") {
        one.users.push(value);
    } else if starts("sourceipaddress = ") {
        one.ips.push(IpMatch::Exact(value.parse().ok()?));
    } else if starts("contains(") {
        // `contains('net/bits', TRY_CAST(sourceipaddress AS IPADDRESS))`.
        let (net, bits) = value.split_once('/')?;
        one.ips
            .push(IpMatch::Cidr(net.parse().ok()?, bits.parse().ok()?));
    } else if starts("regexp_like(requestparameters, ") {
        // `identity_pattern`'s: the name as JSON text, escaped for the pattern.
        let inner = value
            .strip_prefix(IDENTITY_PREFIX)?
            .strip_suffix(IDENTITY_SUFFIX)?;
        let name = serde_json::from_str(&format!("\"{}\"", unescaped(inner)?)).ok()?;
        one.resources.push(ResourceMatch::Named(name));
    } else if starts("requestparameters LIKE ") {
        let part = value.strip_prefix('%')?.strip_suffix('%')?;
        one.resources
            .push(ResourceMatch::Containing(unescaped(part)?));
    } else if !PAIRED.iter().any(|p| starts(p)) {
        return None;
    }
    Some(())
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

fn unnested(e: &Expr) -> &Expr {
    match e {
        Expr::Nested(inner) => unnested(inner),
        other => other,
    }
}

/// The conditions of a statement's WHERE.
fn conditions(select: &Select) -> Vec<&Expr> {
    let mut out = Vec::new();
    if let Some(w) = &select.selection {
        operands(w, &BinaryOperator::And, &mut out);
    }
    out
}

/// The group `select` writes for the values of one kind `one` holds.
fn written(one: &Filter) -> Option<Expr> {
    let sql = select(&TrailSettings::default().table(), one, &[], 0, 0);
    let statements = Parser::parse_sql(&GenericDialect {}, &sql).ok()?;
    let (_, select) = one_select(&statements).ok()?;
    conditions(select).last().map(|c| unnested(c).clone())
}

/// One of the language's OR groups (users, IPs or resources), added to the filter. Read
/// loosely, it is proven by writing it back: `select` writes exactly this group (each user
/// and resource in both its forms) for what was read. The language writes one group of a
/// kind.
fn group(e: &Expr, f: &mut Filter) -> bool {
    let mut alternatives = Vec::new();
    operands(e, &BinaryOperator::Or, &mut alternatives);
    let mut one = Filter::default();
    alternatives
        .iter()
        .all(|a| alternative(a, &mut one).is_some())
        && written(&one).as_ref() == Some(unnested(e))
        && once(&mut f.users, one.users)
        && once(&mut f.ips, one.ips)
        && once(&mut f.resources, one.resources)
}

/// `values` added to a kind of the filter that the language writes in one group.
fn once<T>(slot: &mut Vec<T>, mut values: Vec<T>) -> bool {
    let fresh = slot.is_empty() || values.is_empty();
    slot.append(&mut values);
    fresh
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
        ("eventtime", BinaryOperator::GtEq) => epoch(&value, false).map(|t| s.within(t, NO_END)),
        ("eventtime", BinaryOperator::LtEq) => epoch(&value, false).map(|t| s.within(0, t)),
        ("readonly", BinaryOperator::Eq)
            if (value == "true" || value == "false") && s.filter.readonly.is_none() =>
        {
            s.filter.readonly = Some(value == "true");
            Some(())
        }
        (_, BinaryOperator::Eq) => listed(name, vec![value], s).then_some(()),
        _ => None,
    }
    .is_some()
}

/// One conjunct of the WHERE, added to the search; false when the language never writes it.
fn condition(e: &Expr, s: &mut Where) -> bool {
    match e {
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
            lo.zip(hi).map(|(lo, hi)| s.within(lo, hi)).is_some()
        }
        Expr::In {
            expr,
            target: InTarget::List(list),
            negated: false,
            ..
        } => {
            let values = list.iter().map(text).collect::<Option<Vec<_>>>();
            column(expr)
                .zip(values)
                .is_some_and(|(name, values)| listed(&name, values, s))
        }
        // `sourceipaddress = 'a'` alone is an IP group of one.
        Expr::BinaryOp { left, op, right } => match (column(left), text(right)) {
            (Some(name), Some(value)) if name != "sourceipaddress" => compared(&name, op, value, s),
            _ => group(e, &mut s.filter),
        },
        _ => group(e, &mut s.filter),
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
    let mut wanted = Where {
        filter: Filter::default(),
        accounts: Vec::new(),
        from: 0,
        to: NO_END,
    };
    for c in conditions(select) {
        if !condition(c, &mut wanted) {
            return Err(beyond(format!("the condition {c}")));
        }
    }
    let m = Matcher::new(&wanted.filter, &wanted.accounts, wanted.from, wanted.to);
    Ok((labels, newest(events, &m, limit, &names)))
}
