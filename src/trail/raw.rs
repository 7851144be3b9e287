//! TEMPORARY (replaced by the trail-shell branch at merge).
use super::sql::Layout;
pub struct RawCheck(bool);
impl RawCheck {
    pub fn is_pruned(&self) -> bool {
        self.0
    }
    pub fn warning(&self) -> &str {
        "no \"timestamp\" predicate: it may scan the whole trail"
    }
}
pub fn check(sql: &str, _layout: Layout) -> Result<RawCheck, String> {
    if sql.trim().is_empty() {
        return Err("expected a SELECT".into());
    }
    Ok(RawCheck(sql.contains("\"timestamp\"")))
}
