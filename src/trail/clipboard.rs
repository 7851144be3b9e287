//! TEMPORARY shim (replaced by the trail-kit branch at merge).
pub fn osc52(_text: &str) -> String {
    String::new()
}
