//! SQL the user wrote (raw mode), checked before it runs: one statement, a read, and whether
//! its WHERE constrains the `timestamp` partition (without that Athena may scan the whole
//! trail, and bill for it). The check warns; Athena has the last word on what is valid SQL.

use sqlparser::ast::{
    BinaryOperator, Expr, InTarget, Query, Select, Statement, TableFactor, Value, Visit, Visitor,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};
use std::ops::ControlFlow;

/// The partition column every layout has (`sql::Layout`): the one that bounds a scan.
const PARTITION: &str = "timestamp";

/// What the check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawCheck {
    /// A query whose WHERE (somewhere in it) references `timestamp`: partition-pruned.
    Pruned,
    /// Not a scan of the table at all (SHOW, DESCRIBE, EXPLAIN without ANALYZE): runs as is.
    NoScan,
    /// A query whose WHERE never references `timestamp`: it may scan the whole trail.
    /// Runs only once confirmed.
    Unpruned,
    /// Not understood by the parser (Athena knows SQL it does not): nothing proves the scan
    /// is bounded, so it runs only once confirmed. `reason` is the parser's message.
    Unchecked { reason: String },
    /// Never sent: empty, more than one statement, or not a read.
    Refused { reason: String },
}

impl RawCheck {
    /// Must the user confirm before it runs?
    pub fn needs_confirmation(&self) -> bool {
        matches!(self, Self::Unpruned | Self::Unchecked { .. })
    }

    /// What to say before asking for that confirmation (or why it is refused).
    pub fn warning(&self) -> Option<String> {
        match self {
            Self::Pruned | Self::NoScan => None,
            Self::Unpruned => Some(
                "the query's WHERE does not constrain the \"timestamp\" partition: it may scan \
                 the whole trail (Athena bills $5 per TB scanned)"
                    .into(),
            ),
            Self::Unchecked { reason } => Some(format!(
                "the query could not be checked ({reason}): nothing shows it constrains the \
                 \"timestamp\" partition, so it may scan the whole trail (Athena bills $5 per \
                 TB scanned)"
            )),
            Self::Refused { reason } => Some(reason.clone()),
        }
    }
}

/// The words a read begins with, for a statement the parser cannot read: anything else
/// could change the catalog (DROP, CREATE, INSERT, UNLOAD, MSCK ...), which the console
/// does only through its own confirmed requests.
const READ_WORDS: [&str; 7] = [
    "SELECT", "WITH", "VALUES", "TABLE", "SHOW", "DESCRIBE", "EXPLAIN",
];

fn refused(reason: impl Into<String>) -> RawCheck {
    RawCheck::Refused {
        reason: reason.into(),
    }
}

/// Checks `sql` before it is sent to Athena.
pub fn check(sql: &str) -> RawCheck {
    let dialect = GenericDialect {};
    let tokens = match Tokenizer::new(&dialect, sql).tokenize() {
        Ok(t) => t,
        // Athena's lexer would refuse it too (an unclosed quote or comment).
        Err(e) => return refused(format!("cannot read the SQL: {e}")),
    };
    // Statements counted on tokens, so that text the parser cannot read is counted too.
    let mut statements: Vec<Vec<&Token>> = vec![Vec::new()];
    for t in &tokens {
        match t {
            Token::Whitespace(_) => {}
            Token::SemiColon => statements.push(Vec::new()),
            t => {
                if let Some(s) = statements.last_mut() {
                    s.push(t);
                }
            }
        }
    }
    statements.retain(|s| !s.is_empty());
    let first_word = match statements.as_slice() {
        [] => return refused("expected a SELECT"),
        [one] => match one.first() {
            Some(Token::Word(w)) => w.value.to_ascii_uppercase(),
            _ => String::new(),
        },
        _ => return refused("one statement at a time"),
    };
    if !READ_WORDS.contains(&first_word.as_str()) {
        return refused(not_a_read());
    }
    let parsed = match Parser::parse_sql(&dialect, sql) {
        Ok(p) => p,
        // EXPLAIN ANALYZE runs the statement it explains: unread, it could be a write.
        Err(e)
            if first_word == "EXPLAIN"
                && statements[0].iter().any(
                    |t| matches!(t, Token::Word(w) if w.value.eq_ignore_ascii_case("ANALYZE")),
                ) =>
        {
            return refused(format!(
                "EXPLAIN ANALYZE runs its statement, and this one cannot be checked: {}",
                crate::sanitize::clean(&e.to_string())
            ));
        }
        Err(e) => {
            return RawCheck::Unchecked {
                reason: crate::sanitize::clean(&e.to_string()).into_owned(),
            };
        }
    };
    match parsed.as_slice() {
        [statement] => statement_check(statement),
        [] => refused("expected a SELECT"),
        _ => refused("one statement at a time"),
    }
}

fn not_a_read() -> String {
    "sagewatch runs only reads here: SELECT (or WITH), SHOW, DESCRIBE, EXPLAIN".into()
}

fn statement_check(statement: &Statement) -> RawCheck {
    match statement {
        Statement::Query(_) => {
            if references_partition_in_where(statement) {
                RawCheck::Pruned
            } else {
                RawCheck::Unpruned
            }
        }
        // EXPLAIN ANALYZE runs the statement: it scans as the statement would.
        Statement::Explain {
            analyze: true,
            statement: inner,
            ..
        } => statement_check(inner),
        Statement::Explain { .. }
        | Statement::ExplainTable { .. }
        | Statement::ShowFunctions { .. }
        | Statement::ShowVariable { .. }
        | Statement::ShowStatus { .. }
        | Statement::ShowVariables { .. }
        | Statement::ShowCreate { .. }
        | Statement::ShowColumns { .. }
        | Statement::ShowCatalogs { .. }
        | Statement::ShowDatabases { .. }
        | Statement::ShowSchemas { .. }
        | Statement::ShowCharset(_)
        | Statement::ShowObjects(_)
        | Statement::ShowTables { .. }
        | Statement::ShowViews { .. }
        | Statement::ShowCollation { .. } => RawCheck::NoScan,
        _ => refused(not_a_read()),
    }
}

/// Whether every SELECT that reads a table (not a CTE or a subquery: those are checked
/// where they read) bounds `timestamp` in its WHERE: one of the WHERE's top-level AND terms
/// compares the column (quoted or not, in any case, qualified or not) with literals: `=`,
/// `<`, `<=`, `>`, `>=`, BETWEEN or IN a list. `timestamp IS NOT NULL`, a bound under an OR,
/// or an unbounded arm of a UNION does not bound the scan, so none counts.
struct Bounded {
    ctes: Vec<String>,
    unbounded: bool,
}

impl Visitor for Bounded {
    type Break = ();

    fn pre_visit_select(&mut self, select: &Select) -> ControlFlow<()> {
        let reads_a_table = select.from.iter().any(|twj| {
            std::iter::once(&twj.relation)
                .chain(twj.joins.iter().map(|j| &j.relation))
                .any(|r| self.is_table(r))
        });
        let bounded = [&select.selection, &select.prewhere]
            .into_iter()
            .flatten()
            .any(|wh| conjuncts(wh).into_iter().any(bounds_partition));
        if reads_a_table && !bounded {
            self.unbounded = true;
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }
}

impl Bounded {
    fn is_table(&self, factor: &TableFactor) -> bool {
        let TableFactor::Table { name, .. } = factor else {
            return false;
        };
        let single = match name.0.as_slice() {
            [one] => one.as_ident().map(|i| i.value.as_str()),
            _ => None,
        };
        !single.is_some_and(|n| self.ctes.iter().any(|c| c.eq_ignore_ascii_case(n)))
    }
}

/// The terms of `a AND b AND (c AND d)`.
fn conjuncts(expr: &Expr) -> Vec<&Expr> {
    match expr {
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => {
            let mut out = conjuncts(left);
            out.extend(conjuncts(right));
            out
        }
        Expr::Nested(inner) => conjuncts(inner),
        e => vec![e],
    }
}

fn is_partition(expr: &Expr) -> bool {
    let is = |name: &str| name.eq_ignore_ascii_case(PARTITION);
    match expr {
        Expr::Identifier(ident) => is(&ident.value),
        Expr::CompoundIdentifier(parts) => parts.last().is_some_and(|p| is(&p.value)),
        Expr::Nested(inner) => is_partition(inner),
        _ => false,
    }
}

fn is_literal(expr: &Expr) -> bool {
    match expr {
        Expr::Value(v) => !matches!(v.value, Value::Null),
        Expr::Nested(inner) => is_literal(inner),
        _ => false,
    }
}

fn bounds_partition(term: &Expr) -> bool {
    match term {
        Expr::BinaryOp { left, op, right } => {
            let compares = matches!(
                op,
                BinaryOperator::Eq
                    | BinaryOperator::Lt
                    | BinaryOperator::LtEq
                    | BinaryOperator::Gt
                    | BinaryOperator::GtEq
            );
            compares
                && ((is_partition(left) && is_literal(right))
                    || (is_literal(left) && is_partition(right)))
        }
        Expr::Between {
            expr,
            negated: false,
            low,
            high,
        } => is_partition(expr) && is_literal(low) && is_literal(high),
        Expr::In {
            expr,
            target: InTarget::List(list),
            negated: false,
            ..
        } => is_partition(expr) && !list.is_empty() && list.iter().all(is_literal),
        Expr::Nested(inner) => bounds_partition(inner),
        _ => false,
    }
}

/// The names the statement's WITH clauses give.
struct CteNames(Vec<String>);

impl Visitor for CteNames {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if let Some(with) = &query.with {
            self.0
                .extend(with.cte_tables.iter().map(|c| c.alias.name.value.clone()));
        }
        ControlFlow::Continue(())
    }
}

fn references_partition_in_where(statement: &Statement) -> bool {
    let mut names = CteNames(Vec::new());
    let _ = statement.visit(&mut names);
    let mut v = Bounded {
        ctes: names.0,
        unbounded: false,
    };
    let _ = statement.visit(&mut v);
    !v.unbounded
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trail::filter::parse;
    use crate::trail::sql::{Layout, Table, event_detail, select};

    const EXAMPLE: &str = "SELECT useridentity.arn, useridentity.sessioncontext.sourceidentity, \
        requestparameters FROM observability_replicated_logs WHERE eventname = 'CreateEndpoint' \
        AND eventsource = 'sagemaker.amazonaws.com'";

    #[test]
    fn the_issues_example_parses_and_is_unpruned() {
        assert_eq!(check(EXAMPLE), RawCheck::Unpruned);
        assert!(check(EXAMPLE).needs_confirmation());
        assert!(
            check(EXAMPLE)
                .warning()
                .unwrap()
                .contains("may scan the whole trail")
        );
    }

    #[test]
    fn a_timestamp_predicate_prunes_it_however_it_is_written() {
        let pruned = format!("{EXAMPLE} AND \"timestamp\" >= '2026/11/01'");
        assert_eq!(check(&pruned), RawCheck::Pruned);
        for predicate in [
            "timestamp >= '2026/11/01'",
            "\"TimeStamp\" BETWEEN '2026/11/01' AND '2026/11/02'",
            "t.\"timestamp\" = '2026/11/01'",
            "t.timestamp IN ('2026/11/01')",
        ] {
            let sql = format!("SELECT * FROM logs t WHERE eventname = 'X' AND {predicate}");
            assert_eq!(check(&sql), RawCheck::Pruned, "{sql}");
        }
        // In a subquery's WHERE, in a CTE, in every UNION arm.
        for sql in [
            "SELECT * FROM (SELECT * FROM logs WHERE \"timestamp\" = '2026/11/01') s",
            "WITH r AS (SELECT * FROM logs WHERE \"timestamp\" = '2026/11/01') SELECT * FROM r",
            "SELECT 1 FROM a WHERE timestamp = '2026/11/02' UNION ALL SELECT 1 FROM logs WHERE \"timestamp\" > '2026/11/01'",
            "SELECT * FROM logs WHERE (eventname = 'X' AND (\"timestamp\" >= '2026/11/01'))",
        ] {
            assert_eq!(check(sql), RawCheck::Pruned, "{sql}");
        }
    }

    #[test]
    fn a_mention_that_does_not_bound_the_scan_does_not_prune() {
        for sql in [
            // Under an OR: the other side reads every partition.
            "SELECT * FROM logs WHERE \"timestamp\" = '2026/11/29' OR eventname = 'X'",
            "SELECT * FROM logs WHERE \"timestamp\" IS NOT NULL",
            "SELECT * FROM logs WHERE \"timestamp\" NOT BETWEEN '2026/11/01' AND '2026/11/02'",
            "SELECT * FROM logs WHERE \"timestamp\" = eventtime",
            // Bounded only inside the subquery: the outer read is whole.
            "SELECT * FROM logs WHERE eventid IN (SELECT eventid FROM other WHERE \"timestamp\" = '2026/11/01')",
            // One UNION arm unbounded.
            "SELECT 1 FROM a UNION ALL SELECT 1 FROM logs WHERE \"timestamp\" > '2026/11/01'",
        ] {
            assert_eq!(check(sql), RawCheck::Unpruned, "{sql}");
        }
    }

    #[test]
    fn timestamp_outside_a_where_does_not_prune() {
        for sql in [
            "SELECT \"timestamp\" FROM logs",
            "SELECT * FROM logs ORDER BY \"timestamp\"",
            "SELECT * FROM logs WHERE eventtime > 'timestamp'",
            "SELECT * FROM logs WHERE eventname = 'x' -- AND \"timestamp\" > '2026/11/01'",
        ] {
            assert_eq!(check(sql), RawCheck::Unpruned, "{sql}");
        }
    }

    #[test]
    fn explain_analyze_of_what_cannot_be_read_is_refused() {
        let sql = "EXPLAIN ANALYZE INSERT INTO t SELECT json_query(x, 'lax $.a' WITH ARRAY WRAPPER) FROM x";
        assert!(
            matches!(check(sql), RawCheck::Refused { .. }),
            "{:?}",
            check(sql)
        );
    }

    #[test]
    fn one_statement_at_a_time() {
        assert_eq!(
            check("SELECT 1; DROP TABLE x"),
            refused("one statement at a time")
        );
        // Even when the parser cannot read the first one.
        assert_eq!(
            check("SELECT ~~~ weird; DROP TABLE x"),
            refused("one statement at a time")
        );
        // A trailing semicolon is still one statement (which reads no table).
        assert_eq!(check("SELECT 1;"), RawCheck::Pruned);
    }

    #[test]
    fn nothing_is_not_a_select() {
        for sql in ["", "   ", ";", "-- only a comment\n"] {
            assert_eq!(check(sql), refused("expected a SELECT"), "{sql:?}");
        }
    }

    #[test]
    fn what_the_parser_cannot_read_is_unchecked_not_refused() {
        let sql = "SELECT eventname FROM logs WHERE eventname = 'X' QUALIFY LIKE LIKE";
        match check(sql) {
            RawCheck::Unchecked { reason } => assert!(!reason.is_empty()),
            other => panic!("{other:?}"),
        }
        assert!(check(sql).needs_confirmation());
    }

    #[test]
    fn reads_that_scan_nothing_run_and_writes_are_refused() {
        for sql in [
            "SHOW TABLES",
            "SHOW COLUMNS FROM cloudtrail_logs",
            "DESCRIBE cloudtrail_logs",
            "EXPLAIN SELECT * FROM logs",
        ] {
            assert_eq!(check(sql), RawCheck::NoScan, "{sql}");
        }
        assert_eq!(
            check("EXPLAIN ANALYZE SELECT * FROM logs"),
            RawCheck::Unpruned
        );
        for sql in [
            "DROP TABLE x",
            "INSERT INTO x SELECT * FROM logs",
            "CREATE TABLE y AS SELECT * FROM logs",
            "MSCK REPAIR TABLE logs",
            "/* hidden */ DELETE FROM logs",
        ] {
            assert!(
                matches!(check(sql), RawCheck::Refused { .. }),
                "{sql}: {:?}",
                check(sql)
            );
        }
    }

    #[test]
    fn every_generated_statement_is_pruned() {
        let filters = [
            "",
            "event:CreateEndpoint,UpdateEndpoint source:sagemaker",
            "user:alice account:111111111111 region:eu-west-1 error:*",
            "ip:10.0.0.0/8,192.168.1.7 resource:\"fraud'; --\" readonly:false",
            "user:\"timestamp\" resource:\"\\\"timestamp\\\"\"",
        ];
        let layouts = [
            Layout::Timestamp,
            Layout::AccountRegionTimestamp,
            Layout::OrgAccountRegionTimestamp,
        ];
        for layout in layouts {
            let table = Table {
                catalog: "AwsDataCatalog".into(),
                database: "default".into(),
                table: "cloudtrail_logs".into(),
                layout,
                limit: 500,
            };
            for text in filters {
                let f = parse(text).unwrap();
                let sql = select(&table, &f, &f.accounts, 1_795_939_200, 1_795_946_400);
                assert_eq!(check(&sql), RawCheck::Pruned, "{sql}");
            }
            let at = crate::trail::sql::Recorded {
                account: Some("111111111111"),
                region: Some("eu-west-1"),
            };
            let sql = event_detail(&table, "e'1", 1_795_939_200, at);
            assert_eq!(check(&sql), RawCheck::Pruned, "{sql}");
        }
    }
}
