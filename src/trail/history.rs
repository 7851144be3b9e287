//! TEMPORARY shim (replaced by the trail-kit branch at merge).
pub fn save_items(
    _path: &std::path::Path,
    _items: &[crate::views::trail::history::Item],
) -> std::io::Result<()> {
    Ok(())
}
