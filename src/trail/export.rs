//! TEMPORARY shim (replaced by the trail-kit branch at merge).
pub fn default_name(_now: i64, ext: &str) -> String {
    format!("x.{ext}")
}
pub fn write_csv<'a>(
    _p: &std::path::Path,
    _c: &[String],
    rows: impl Iterator<Item = &'a [Option<String>]>,
) -> std::io::Result<usize> {
    Ok(rows.count())
}
pub fn write_jsonl<'a>(
    _p: &std::path::Path,
    _c: &[String],
    rows: impl Iterator<Item = &'a [Option<String>]>,
) -> std::io::Result<usize> {
    Ok(rows.count())
}
