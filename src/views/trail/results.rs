//! A query's result rows, held compactly (one string and its cell ends per row: 100,000
//! events cost tens of megabytes, not hundreds), with the `/` filter over them and the map
//! from Athena's column labels to what the event table shows.

use crate::sanitize::clean;

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

/// The rows of one query, the columns they came with, and the `/` filter's view of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Results {
    pub columns: Vec<String>,
    rows: Vec<Row>,
    /// Indices of the rows the `/` filter keeps, in order.
    visible: Vec<u32>,
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
        for cells in rows {
            if self.rows.len() >= MAX_ROWS {
                self.dropped += 1;
                continue;
            }
            let row = Row::new(cells);
            if matches_filter(&row, &self.filter) {
                self.visible.push(self.rows.len() as u32);
            }
            self.rows.push(row);
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Rows the filter keeps.
    pub fn visible_len(&self) -> usize {
        self.visible.len()
    }

    /// The `i`-th row the filter keeps.
    pub fn visible(&self, i: usize) -> Option<&Row> {
        self.rows.get(*self.visible.get(i)? as usize)
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
        let candidates: Vec<u32> = if narrowing {
            std::mem::take(&mut self.visible)
        } else {
            (0..self.rows.len() as u32).collect()
        };
        self.visible = candidates
            .into_iter()
            .filter(|&i| matches_filter(&self.rows[i as usize], text))
            .collect();
        self.filter = text.to_owned();
    }

    /// Every row, in order (for export).
    pub fn rows(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter()
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
        self.rows.iter().map(Row::heap_bytes).sum::<usize>()
            + self.rows.len() * std::mem::size_of::<Row>()
            + self.visible.len() * 4
    }
}

/// Whether any cell of `row` holds `filter`, case-insensitively. An ASCII filter (almost
/// every one: names, ids, addresses) is compared in place, without copying 100,000 rows'
/// cells to lower case on each key typed.
fn matches_filter(row: &Row, filter: &str) -> bool {
    if filter.is_empty() {
        return true;
    }
    if filter.is_ascii() {
        let needle = filter.as_bytes();
        return row.cells().flatten().any(|c| {
            c.as_bytes()
                .windows(needle.len())
                .any(|w| w.eq_ignore_ascii_case(needle))
        });
    }
    let needle = filter.to_lowercase();
    row.cells()
        .flatten()
        .any(|c| c.to_lowercase().contains(&needle))
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
}
