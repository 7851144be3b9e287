//! Raw SQL in the demo, read back into the filter it was made from: a WHERE that the search
//! language writes (`trail::sql::select`) is answered with the same matcher as a search;
//! anything else fails saying plainly that only AWS can run it.
//!
//! The WHERE's conditions are read loosely into a filter, then proven: `select` of what was
//! read must write each of them (as parsed), and nothing more than the time, account and
//! region bounds it writes whether asked or not. A condition misread, or not the language's,
//! fails the proof: the reading needs no guards of its own.

use super::trail::{Event, label, newest};
use crate::source::model::Epoch;
use crate::source::trail::TrailSettings;
use crate::trail::filter::{ErrorMatch, Filter, IpMatch, ResourceMatch};
use crate::trail::matcher::Matcher;
use crate::trail::sql::{IDENTITY_PREFIX, IDENTITY_SUFFIX, Layout, Table, select};
use sqlparser::ast::{
    BinaryOperator, Expr, InTarget, LimitClause, Query, Select, SelectItem, SetExpr, Statement,
    TableFactor, visit_expressions,
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

/// `s` with its escaping backslashes taken out.
fn unescaped(s: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        out.push(if c == '\\' { chars.next()? } else { c });
    }
    Some(out)
}

/// One condition of the language, or one alternative of its OR groups, read loosely into
/// the search: its kind by the text before its first literal, its values the literals.
/// Anything else is left unread, for the proof to refuse. The time it bounds the search to.
fn read(e: &Expr, f: &mut Filter) -> Option<(Epoch, Epoch)> {
    let shown = e.to_string();
    let head = shown.split('\'').next()?;
    let mut values = Vec::new();
    let _ = visit_expressions(e, |x| {
        if let Expr::Value(v) = x {
            values.extend(v.clone().into_string());
        }
        ControlFlow::<()>::Continue(())
    });
    let one = values.first().cloned().unwrap_or_default();
    let time = |s: &str| Some(chrono::DateTime::parse_from_rfc3339(s).ok()?.timestamp());
    let day = |s: &str| {
        let day = chrono::NaiveDate::parse_from_str(s, "%Y/%m/%d").ok()?;
        Some(day.and_hms_opt(0, 0, 0)?.and_utc().timestamp())
    };
    match head.trim_end_matches(" = ").trim_end_matches(" IN (") {
        "eventname" => f.events = values,
        "eventsource" => f.sources = values,
        "recipientaccountid" | "\"account\"" => f.accounts = values,
        "awsregion" | "\"region\"" => f.regions = values,
        "errorcode" => f.errors = Some(ErrorMatch::Codes(values)),
        "errorcode IS NOT NULL" => f.errors = Some(ErrorMatch::Any),
        "readonly" => f.readonly = Some(one == "true"),
        "useridentity.username" => f.users.push(one),
        "sourceipaddress" => f.ips.push(IpMatch::Exact(one.parse().ok()?)),
        // `contains('net/bits', TRY_CAST(sourceipaddress AS IPADDRESS))`.
        "contains(" => {
            let (net, bits) = one.split_once('/')?;
            f.ips
                .push(IpMatch::Cidr(net.parse().ok()?, bits.parse().ok()?));
        }
        // `identity_pattern`'s: the name as JSON text, escaped for the pattern.
        "regexp_like(requestparameters, " => {
            let inner = one
                .strip_prefix(IDENTITY_PREFIX)?
                .strip_suffix(IDENTITY_SUFFIX)?;
            let name = serde_json::from_str(&format!("\"{}\"", unescaped(inner)?)).ok()?;
            f.resources.push(ResourceMatch::Named(name));
        }
        "requestparameters LIKE " => {
            let part = one.strip_prefix('%')?.strip_suffix('%')?;
            f.resources
                .push(ResourceMatch::Containing(unescaped(part)?));
        }
        "eventtime >= " => return Some((time(&one)?, NO_END)),
        "eventtime <= " => return Some((0, time(&one)?)),
        "\"timestamp\" BETWEEN " => return Some((day(&one)?, day(values.get(1)?)? + 86_399)),
        _ => {}
    }
    Some((0, NO_END))
}

/// The operands of a chain of `op` (AND, OR), left to right, read through parentheses.
fn operands<'e>(e: &'e Expr, op: &BinaryOperator) -> Vec<&'e Expr> {
    match e {
        Expr::BinaryOp { left, op: o, right } if o == op => {
            [operands(left, op), operands(right, op)].concat()
        }
        Expr::Nested(inner) => operands(inner, op),
        other => vec![other],
    }
}

fn parse(sql: &str) -> Result<Vec<Statement>, String> {
    Parser::parse_sql(&GenericDialect {}, sql).map_err(|e| format!("SQL: {e}"))
}

/// The conditions of a statement's WHERE as the proof compares them: without parentheses,
/// an `IN` of one value as `=` (the language writes `IN`, a person `=`).
fn conditions(select: &Select) -> Vec<Expr> {
    let canonical = |e: &Expr| match e {
        Expr::In {
            expr,
            target: InTarget::List(list),
            negated: false,
            ..
        } if list.len() == 1 => Expr::BinaryOp {
            left: expr.clone(),
            op: BinaryOperator::Eq,
            right: Box::new(list[0].clone()),
        },
        other => other.clone(),
    };
    let all = select.selection.iter();
    all.flat_map(|w| operands(w, &BinaryOperator::And))
        .map(canonical)
        .collect()
}

/// The columns of what `select` writes whether asked or not: the time bounds, and the
/// accounts and regions both as partitions and as columns.
const BOUNDS: [&str; 6] = [
    "\"timestamp\"",
    "eventtime",
    "\"account\"",
    "\"region\"",
    "recipientaccountid",
    "awsregion",
];

fn bound(condition: &Expr) -> bool {
    let shown = condition.to_string();
    BOUNDS.iter().any(|b| shown.split(' ').next() == Some(*b))
}

/// The statement's one SELECT.
fn one_select(statements: &[Statement]) -> Result<(&Query, &Select), String> {
    let [Statement::Query(query)] = statements else {
        return Err(beyond("anything but one SELECT"));
    };
    let SetExpr::Select(select) = query.body.as_ref() else {
        return Err(beyond("a set operation"));
    };
    Ok((query, select))
}

/// Whether `typed` is `language` but for what the demo lets differ: the columns, the
/// table's name, the WHERE (proven apart), and ORDER BY and LIMIT left out.
fn alike(typed: &Query, mut language: Query) -> bool {
    if let (SetExpr::Select(t), SetExpr::Select(l)) = (typed.body.as_ref(), &mut *language.body) {
        l.projection.clone_from(&t.projection);
        l.selection.clone_from(&t.selection);
        if let ([t], [l]) = (&t.from[..], &mut l.from[..])
            && matches!(t.relation, TableFactor::Table { .. })
        {
            l.relation = t.relation.clone();
        }
    }
    language.order_by = language.order_by.filter(|_| typed.order_by.is_some());
    language.limit_clause = language
        .limit_clause
        .filter(|_| typed.limit_clause.is_some());
    *typed == language
}

/// The columns selected and their labels (an alias, else a dereference's last field).
fn columns(select: &Select) -> Result<(Vec<String>, Vec<String>), String> {
    let mut names = Vec::new();
    let mut labels = Vec::new();
    for item in &select.projection {
        let (expr, alias) = match item {
            SelectItem::UnnamedExpr(e) => (e, None),
            SelectItem::ExprWithAlias { expr, alias } => (expr, Some(alias.value.clone())),
            other => return Err(beyond(format!("selecting {other}"))),
        };
        if !matches!(expr, Expr::Identifier(_) | Expr::CompoundIdentifier(_)) {
            return Err(beyond(format!("selecting {expr}")));
        }
        let name = expr.to_string().replace('"', "").to_ascii_lowercase();
        if Event::default().column(&name).is_none() {
            return Err(format!("no column {name}"));
        }
        labels.push(alias.unwrap_or_else(|| label(&name)));
        names.push(name);
    }
    Ok((names, labels))
}

/// The rows of `sql` over `events` (oldest first), newest first.
pub fn run(sql: &str, events: &[Event]) -> Result<Rows, String> {
    let statements = parse(sql)?;
    let (query, body) = one_select(&statements)?;
    // The rows wanted: a LIMIT's (written back, so another form of it differs), else all.
    let limit = match &query.limit_clause {
        Some(LimitClause::LimitOffset { limit: Some(l), .. }) => l.to_string().parse().ok(),
        _ => None,
    };
    let (mut f, mut from, mut to) = (Filter::default(), 0, NO_END);
    let raw = conditions(body);
    for alternative in raw.iter().flat_map(|c| operands(c, &BinaryOperator::Or)) {
        if let Some((lo, hi)) = read(alternative, &mut f) {
            (from, to) = (from.max(lo), to.min(hi));
        }
    }
    // The proof: what was read, written back by the language (in a layout with every
    // partition), is the WHERE as typed.
    let default = TrailSettings::default().table();
    let table = Table {
        layout: Layout::OrgAccountRegionTimestamp,
        limit: limit.unwrap_or(default.limit),
        ..default
    };
    let statements = parse(&select(&table, &f, &f.accounts, from, to))?;
    let (language, written) = one_select(&statements)?;
    let written = conditions(written);
    let unread = raw.iter().find(|c| !written.contains(c));
    let unasked = || written.iter().find(|c| !raw.contains(c) && !bound(c));
    if let Some(c) = unread.or_else(unasked) {
        return Err(beyond(format!("the condition {c}")));
    }
    // The rest is the language's, or not what the demo answers.
    if !alike(query, language.clone()) {
        return Err(beyond(
            "a join, a subquery, DISTINCT, GROUP BY, another ORDER BY or LIMIT",
        ));
    }
    let (names, labels) = columns(body)?;
    let m = Matcher::new(&f, &f.accounts, from, to);
    let limit = limit.map_or(usize::MAX, |l: u32| l as usize);
    Ok((labels, newest(events, &m, limit, &names)))
}
