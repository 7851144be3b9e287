//! A query's result rows, held compactly (one string and its cell ends per row: 100,000
//! events cost tens of megabytes, not hundreds), with the `/` filter over them and the map
//! from Athena's column labels to what the event table shows.

use crate::app::command::{ExportRows, ExportSource};
use crate::sanitize::clean;
use std::borrow::Cow;
use std::sync::Arc;

/// Rows kept at most: beyond, a page's rows are dropped and the table says so.
pub const MAX_ROWS: usize = 100_000;

/// A cell end with this bit is a NULL.
const NULL: u32 = 1 << 31;

/// One result row: its cells one after another in `text`, `ends[i]` where cell `i` ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    text: Box<str>,
    ends: Box<[u32]>,
}

impl Row {
    /// The row's cells, each already sanitised (a page is cleaned before it arrives; this
    /// cleans again so that no row can hold a control character whatever its origin).
    pub fn new(cells: &[Option<String>]) -> Self {
        let mut text = String::new();
        let mut ends = Vec::with_capacity(cells.len());
        for cell in cells {
            match cell {
                Some(c) => {
                    text.push_str(&clean(c));
                    ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX >> 1) & !NULL);
                }
                None => ends.push(u32::try_from(text.len()).unwrap_or(0) | NULL),
            }
        }
        Self {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }

    /// Cell `i`; `None` for NULL and for a column the row does not have.
    pub fn cell(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        if end & NULL != 0 {
            return None;
        }
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1] & !NULL,
        };
        self.text.get(start as usize..end as usize)
    }

    pub fn cells(&self) -> impl Iterator<Item = Option<&str>> {
        (0..self.ends.len()).map(|i| self.cell(i))
    }

    /// Bytes held, for the memory figure.
    pub fn heap_bytes(&self) -> usize {
        self.text.len() + self.ends.len() * 4
    }

    /// Whether bytes `start..end` of the text lie in one cell.
    fn within_one_cell(&self, start: usize, end: usize) -> bool {
        !self.ends.iter().any(|&e| {
            let e = (e & !NULL) as usize;
            start < e && e < end
        })
    }
}

/// What the event table shows, and where each comes from among the result's columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Time,
    Account,
    Principal,
    Event,
    Source,
    Region,
    Error,
    SourceIp,
}

impl Shown {
    pub const ALL: [Shown; 8] = [
        Shown::Time,
        Shown::Account,
        Shown::Principal,
        Shown::Event,
        Shown::Source,
        Shown::Region,
        Shown::Error,
        Shown::SourceIp,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Self::Time => "TIME",
            Self::Account => "ACCOUNT",
            Self::Principal => "PRINCIPAL",
            Self::Event => "EVENT",
            Self::Source => "SOURCE",
            Self::Region => "REGION",
            Self::Error => "ERROR",
            Self::SourceIp => "SOURCE IP",
        }
    }

    /// The labels Athena gives the column (`useridentity.arn` is labelled `arn`).
    fn labels(self) -> &'static [&'static str] {
        match self {
            Self::Time => &["eventtime"],
            Self::Account => &["recipientaccountid"],
            Self::Principal => &["arn", "useridentity.arn", "principal_arn"],
            Self::Event => &["eventname"],
            Self::Source => &["eventsource"],
            Self::Region => &["awsregion"],
            Self::Error => &["errorcode"],
            Self::SourceIp => &["sourceipaddress"],
        }
    }
}

/// Rows a block holds: the last block alone grows, and only it is copied when a page
/// arrives while an export still reads it.
const BLOCK: usize = 1024;

/// The rows of one query, the columns they came with, and the `/` filter's view of them.
/// The rows and the filter's choice are shared (`Arc`) with the worker that exports them:
/// `:export` copies none of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Results {
    pub columns: Vec<String>,
    /// The rows in order, `BLOCK` to a block (the last may hold fewer).
    blocks: Vec<Arc<Vec<Row>>>,
    len: usize,
    /// Indices of the rows the `/` filter keeps, in order.
    visible: Arc<Vec<u32>>,
    filter: String,
    /// Rows a full store dropped.
    pub dropped: usize,
}

impl Results {
    /// Appends a page: the columns come with the first.
    pub fn push_page(&mut self, columns: &[String], rows: &[Vec<Option<String>>]) {
        if self.columns.is_empty() && !columns.is_empty() {
            self.columns = columns.iter().map(|c| clean(c).into_owned()).collect();
        }
        let needle = Needle::new(&self.filter);
        for cells in rows {
            if self.len >= MAX_ROWS {
                self.dropped += 1;
                continue;
            }
            let row = Row::new(cells);
            if needle.matches(&row) {
                Arc::make_mut(&mut self.visible).push(self.len as u32);
            }
            match self.blocks.last_mut() {
                Some(block) if block.len() < BLOCK => Arc::make_mut(block).push(row),
                _ => {
                    let mut block = Vec::with_capacity(BLOCK);
                    block.push(row);
                    self.blocks.push(Arc::new(block));
                }
            }
            self.len += 1;
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn row(&self, i: usize) -> Option<&Row> {
        self.blocks.get(i / BLOCK)?.get(i % BLOCK)
    }

    /// Rows the filter keeps.
    pub fn visible_len(&self) -> usize {
        self.visible.len()
    }

    /// The `i`-th row the filter keeps.
    pub fn visible(&self, i: usize) -> Option<&Row> {
        self.row(*self.visible.get(i)? as usize)
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    /// Keeps the rows holding `text` (case-insensitive) in any cell. Typing on narrows: a
    /// filter that holds the previous one can only keep rows the previous one kept, so only
    /// those are looked at again (the first key costs a pass over every row, the next ones
    /// less and less).
    pub fn set_filter(&mut self, text: &str) {
        let narrowing =
            !self.filter.is_empty() && text.to_lowercase().contains(&self.filter.to_lowercase());
        let needle = Needle::new(text);
        let kept: Vec<u32> = if narrowing {
            self.visible
                .iter()
                .copied()
                .filter(|&i| self.row(i as usize).is_some_and(|r| needle.matches(r)))
                .collect()
        } else {
            self.rows()
                .enumerate()
                .filter(|(_, row)| needle.matches(row))
                .map(|(i, _)| i as u32)
                .collect()
        };
        self.visible = Arc::new(kept);
        self.filter = text.to_owned();
    }

    /// Every row, in order.
    pub fn rows(&self) -> impl Iterator<Item = &Row> {
        self.blocks.iter().flat_map(|block| block.iter())
    }

    /// The rows the filter keeps, for `:export`: shared with the worker that writes them,
    /// not copied.
    pub fn shown(&self) -> ExportRows {
        ExportRows::new(ShownRows {
            blocks: self.blocks.clone(),
            visible: Arc::clone(&self.visible),
        })
    }

    /// The column holding `what`, if the result has it.
    pub fn column_of(&self, what: Shown) -> Option<usize> {
        self.column_named(what.labels())
    }

    pub fn column_named(&self, labels: &[&str]) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| labels.iter().any(|l| c.eq_ignore_ascii_case(l)))
    }

    /// Whether the result is CloudTrail events (the event table), rather than whatever a
    /// raw query selected (then its own columns are shown).
    pub fn is_events(&self) -> bool {
        self.column_of(Shown::Time).is_some() && self.column_of(Shown::Event).is_some()
    }

    /// Bytes the rows hold, for the memory figure.
    pub fn heap_bytes(&self) -> usize {
        self.blocks
            .iter()
            .flat_map(|b| b.iter())
            .map(Row::heap_bytes)
            .sum::<usize>()
            + self.len * size_of::<Row>()
            + self.visible.len() * 4
    }
}

/// The rows a `/` filter keeps as an export reads them, on the worker: the view's own blocks
/// and choice, held until written.
#[derive(Debug)]
pub struct ShownRows {
    blocks: Vec<Arc<Vec<Row>>>,
    visible: Arc<Vec<u32>>,
}

impl ShownRows {
    /// Whether these are `results`' own rows (the same allocations), not a copy.
    pub fn shares(&self, results: &Results) -> bool {
        Arc::ptr_eq(&self.visible, &results.visible)
            && self.blocks.len() == results.blocks.len()
            && self
                .blocks
                .iter()
                .zip(&results.blocks)
                .all(|(a, b)| Arc::ptr_eq(a, b))
    }
}

impl ExportSource for ShownRows {
    fn len(&self) -> usize {
        self.visible.len()
    }

    fn rows(&self) -> Box<dyn Iterator<Item = Vec<Option<Cow<'_, str>>>> + '_> {
        Box::new(self.visible.iter().filter_map(|&i| {
            let i = i as usize;
            let row = self.blocks.get(i / BLOCK)?.get(i % BLOCK)?;
            Some(row.cells().map(|c| c.map(Cow::Borrowed)).collect())
        }))
    }
}

/// A `/` filter made ready once for every row it is tried on. An ASCII filter (almost every
/// one: names, ids, addresses) is looked for in place, led by its rarest byte in either case
/// (`memchr`: many bytes a cycle), so a row costs a scan of its text and no copy: the first
/// key over 100,000 rows takes a few milliseconds. Another filter compares lower-cased
/// copies of the cells.
enum Needle {
    Everything,
    Ascii {
        lower: Vec<u8>,
        /// Where the byte that leads the search is in `lower`, and it in both cases.
        at: usize,
        lead: (u8, u8),
    },
    Other(String),
}

impl Needle {
    fn new(filter: &str) -> Self {
        if filter.is_empty() {
            return Self::Everything;
        }
        if !filter.is_ascii() {
            return Self::Other(filter.to_lowercase());
        }
        let lower = filter.to_ascii_lowercase().into_bytes();
        let at = (0..lower.len())
            .max_by_key(|&i| (rarity(lower[i]), std::cmp::Reverse(i)))
            .unwrap_or(0);
        let b = lower[at];
        Self::Ascii {
            at,
            lead: (b, b.to_ascii_uppercase()),
            lower,
        }
    }

    /// Whether any cell of `row` holds the filter, case-insensitively (never across two
    /// cells).
    fn matches(&self, row: &Row) -> bool {
        match self {
            Self::Everything => true,
            Self::Ascii { lower, at, lead } => {
                let text = row.text.as_bytes();
                let n = lower.len();
                if text.len() < n {
                    return false;
                }
                // Where the lead byte may stand for the whole filter to fit.
                let leads = &text[*at..=text.len() - n + at];
                let found = |p: usize| {
                    text[p..p + n].eq_ignore_ascii_case(lower) && row.within_one_cell(p, p + n)
                };
                if lead.0 == lead.1 {
                    memchr::memchr_iter(lead.0, leads).any(found)
                } else {
                    memchr::memchr2_iter(lead.0, lead.1, leads).any(found)
                }
            }
            Self::Other(lower) => row
                .cells()
                .flatten()
                .any(|c| c.to_lowercase().contains(lower.as_str())),
        }
    }
}

/// How rarely a byte is met in the trail's text (ARNs, ids, times, names), roughly: the
/// rarest of a filter's bytes leads the search, so few places are looked at twice.
fn rarity(b: u8) -> usize {
    // Most met first.
    const COMMON: &[u8] = b"-:/.0123456789 easrtonimlcdupgh";
    COMMON.iter().position(|&c| c == b).unwrap_or(COMMON.len())
}

/// Whether any cell of `row` holds `filter`, case-insensitively.
#[cfg(test)]
fn matches_filter(row: &Row, filter: &str) -> bool {
    Needle::new(filter).matches(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(v: &[Option<&str>]) -> Vec<Option<String>> {
        v.iter().map(|c| c.map(str::to_owned)).collect()
    }

    #[test]
    fn a_row_gives_back_its_cells_and_nulls() {
        let r = Row::new(&cells(&[Some("a"), None, Some(""), Some("dé\u{1b}[2Jf")]));
        assert_eq!(r.cell(0), Some("a"));
        assert_eq!(r.cell(1), None);
        assert_eq!(r.cell(2), Some(""));
        let last = r.cell(3).unwrap();
        assert!(last.starts_with("dé") && last.ends_with('f'), "{last}");
        assert!(!last.contains('\u{1b}'), "control characters never kept");
        assert_eq!(r.cell(4), None);
    }

    #[test]
    fn the_filter_keeps_matching_rows_including_later_pages() {
        let mut res = Results::default();
        let cols = vec!["eventtime".to_owned(), "eventname".to_owned()];
        res.push_page(&cols, &[cells(&[Some("t1"), Some("CreateEndpoint")])]);
        res.set_filter("create");
        res.push_page(
            &[],
            &[
                cells(&[Some("t2"), Some("DescribeEndpoint")]),
                cells(&[Some("t3"), Some("CreateModel")]),
            ],
        );
        assert_eq!(res.len(), 3);
        assert_eq!(res.visible_len(), 2);
        assert_eq!(res.visible(1).unwrap().cell(0), Some("t3"));
        res.set_filter("");
        assert_eq!(res.visible_len(), 3);
        assert!(res.is_events());
    }

    #[test]
    fn athena_labels_map_to_the_event_columns() {
        let mut res = Results::default();
        let cols: Vec<String> = crate::trail::sql::COLUMNS
            .iter()
            .map(|c| c.rsplit('.').next().unwrap().to_owned())
            .collect();
        res.push_page(&cols, &[]);
        for shown in Shown::ALL {
            assert!(res.column_of(shown).is_some(), "{shown:?} in {cols:?}");
        }
    }

    #[test]
    fn the_filter_ignores_case_in_ascii_and_beyond() {
        let row = Row::new(&cells(&[Some("AssumedRole/Alice"), Some("Ärger")]));
        assert!(matches_filter(&row, "alice"));
        assert!(matches_filter(&row, "ROLE/A"));
        assert!(matches_filter(&row, "ärg"));
        assert!(!matches_filter(&row, "bob"));
        // Never across two cells.
        assert!(!matches_filter(&row, "aliceä"));
    }

    #[test]
    fn typing_on_narrows_and_deleting_widens_again() {
        let mut res = Results::default();
        let rows: Vec<_> = ["alice", "alicia", "bob", "ALICE smith"]
            .iter()
            .map(|n| cells(&[Some(n)]))
            .collect();
        res.push_page(&["c".to_owned()], &rows);
        let mut seen = Vec::new();
        for f in ["a", "al", "ali", "alic", "alice", "alic", "", "bob"] {
            res.set_filter(f);
            seen.push(res.visible_len());
        }
        assert_eq!(seen, [3, 3, 3, 3, 2, 3, 4, 1]);
    }

    #[test]
    fn the_store_is_bounded() {
        let mut res = Results::default();
        let row = cells(&[Some("x")]);
        let page: Vec<_> = std::iter::repeat_n(row, 1000).collect();
        for _ in 0..101 {
            res.push_page(&["c".to_owned()], &page);
        }
        assert_eq!(res.len(), MAX_ROWS);
        assert_eq!(res.dropped, 1000);
    }

    /// What the filter means, the slow way: some cell, lower-cased, holds it lower-cased.
    fn naive(cells: &[Option<String>], filter: &str) -> bool {
        let needle = filter.to_lowercase();
        cells
            .iter()
            .flatten()
            .any(|c| clean(c).to_lowercase().contains(&needle))
    }

    #[test]
    fn the_filter_is_found_wherever_its_rarest_byte_leads() {
        // `alice` is led by its `c`; each place of the match in a cell, and a first `c`
        // that leads nowhere before one that does.
        for cell in [
            "alice",
            "xALICE",
            "ALICEx",
            "malice-c",
            "cc alice",
            "a-c-alice",
        ] {
            let row = Row::new(&cells(&[Some("0"), Some(cell), Some("1")]));
            assert!(matches_filter(&row, "alice"), "{cell}");
        }
        for cell in ["alic", "lice", "al ice", "c"] {
            let row = Row::new(&cells(&[Some(cell)]));
            assert!(!matches_filter(&row, "alice"), "{cell}");
        }
        // A match that would cross cells is passed over for a later one within a cell.
        let row = Row::new(&cells(&[Some("xal"), Some("icex alice")]));
        assert!(matches_filter(&row, "alice"));
        let row = Row::new(&cells(&[Some("xal"), None, Some("icex")]));
        assert!(!matches_filter(&row, "alice"));
        // A filter longer than the row, a row of NULLs, an empty row.
        assert!(!matches_filter(&Row::new(&cells(&[Some("ab")])), "abc"));
        assert!(!matches_filter(&Row::new(&cells(&[None, None])), "a"));
        assert!(!matches_filter(&Row::new(&[]), "a"));
        assert!(matches_filter(&Row::new(&[]), ""));
    }

    /// The fast filter keeps exactly the rows the slow definition keeps, ASCII or not: every
    /// row of up to three cells of a small alphabet (so that matches across two cells, in
    /// either case, come up often), against every filter of it.
    #[test]
    fn the_filter_keeps_what_its_definition_keeps() {
        let cells_of = [
            None,
            Some(""),
            Some("a"),
            Some("B"),
            Some("ab"),
            Some("bA"),
            Some("é:"),
        ];
        let filters = ["a", "b", "ab", "Ba", "aba", "bab", "é", "é:a", ":", "a:"];
        let mut rows: Vec<Vec<Option<String>>> = vec![Vec::new()];
        for _ in 0..3 {
            let longer: Vec<_> = rows
                .iter()
                .flat_map(|r| {
                    cells_of.iter().map(move |c| {
                        let mut r = r.clone();
                        r.push(c.map(str::to_owned));
                        r
                    })
                })
                .collect();
            rows.extend(longer);
        }
        let mut across = 0;
        for row in &rows {
            for filter in filters {
                let (fast, slow) = (matches_filter(&Row::new(row), filter), naive(row, filter));
                assert_eq!(fast, slow, "{row:?} / {filter}");
                let joined: String = row.iter().flatten().map(|c| c.to_lowercase()).collect();
                across += usize::from(!slow && joined.contains(&filter.to_lowercase()));
            }
        }
        assert!(across > 100, "matches across cells tried: {across}");
    }

    /// `:export` takes the rows and the filter's choice as they are held (the same
    /// allocations, not a copy), and what it holds does not change as pages go on arriving.
    #[test]
    fn an_export_shares_the_rows_and_keeps_them_as_they_were() {
        let mut res = Results::default();
        let page: Vec<_> = (0..BLOCK + 10)
            .map(|i| cells(&[Some(&format!("row {i}")), Some(["alice", "bob"][i % 2])]))
            .collect();
        res.push_page(&["c".to_owned(), "who".to_owned()], &page);
        res.set_filter("alice");
        let rows = res.shown();
        let shared = rows.source().downcast_ref::<ShownRows>().unwrap();
        assert!(shared.shares(&res));
        let before = rows.to_vecs();
        assert_eq!(before.len(), BLOCK / 2 + 5);
        assert_eq!(before[1], cells(&[Some("row 2"), Some("alice")]));
        res.push_page(&[], &page);
        assert_eq!(res.visible_len(), BLOCK + 10);
        assert_eq!(rows.to_vecs(), before, "the export's rows did not change");
        // The blocks it holds are still the view's own; only the last was copied to grow.
        assert!(Arc::ptr_eq(&shared.blocks[0], &res.blocks[0]));
        assert!(!Arc::ptr_eq(&shared.blocks[1], &res.blocks[1]));
        assert_eq!(res.visible(BLOCK / 2 + 5).unwrap().cell(0), Some("row 0"));
    }
}
