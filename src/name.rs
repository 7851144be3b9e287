//! Interned names: the account ids, namespaces, metric names, regions and dimensions that
//! series keys are made of. The 60,000 series of 10,000 endpoints share a few tens of
//! thousands of strings; a key holds pointers to them, so cloning a key allocates nothing and
//! two names compare and hash by address (equal text is one allocation).
//!
//! Names are never freed: they are the organisation's own (accounts, endpoints, variants,
//! schedules, regions), and an endpoint deleted leaves a few dozen bytes behind. So a name is
//! a thin `&'static` pointer (8 bytes, cloned without a reference count), which keeps a
//! series key at 48 bytes.

use rustc_hash::{FxHashMap, FxHashSet};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::{Arc, LazyLock, Mutex};

/// Clone, not Copy: a clone is a pointer copy, and the code reads the same as with any key.
#[derive(Clone)]
pub struct Name(&'static String);

/// Every name made, by its text.
static NAMES: LazyLock<Mutex<FxHashMap<&'static str, &'static String>>> =
    LazyLock::new(Default::default);

/// A series' dimensions: (name, value) pairs sorted by name, shared by every series of the
/// same dimensions (an endpoint variant's CPU, memory, disk...). A thin pointer (not
/// `Arc<[_]>`): a key is 48 bytes with its region, and 60,000 of them sit in the store.
pub type Dimensions = Arc<Vec<(Name, Name)>>;

static DIMENSIONS: LazyLock<Mutex<FxHashSet<Dimensions>>> = LazyLock::new(Default::default);

/// `pairs` sorted by name, as the one shared list of them.
pub fn dimensions(mut pairs: Vec<(Name, Name)>) -> Dimensions {
    pairs.sort();
    let mut held = DIMENSIONS.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(d) = held.get(&pairs) {
        return Arc::clone(d);
    }
    let d: Dimensions = Arc::new(pairs);
    held.insert(Arc::clone(&d));
    d
}

impl Name {
    pub fn new(text: &str) -> Self {
        let mut names = NAMES.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(held) = names.get(text) {
            return Self(held);
        }
        // Never freed (see above): the set holds it for as long as the process runs.
        let held: &'static String = Box::leak(Box::new(text.to_owned()));
        names.insert(held.as_str(), held);
        Self(held)
    }

    pub fn as_str(&self) -> &str {
        self.0
    }
}

// Every name is interned: the same text is the same allocation, so the address is the text.
impl PartialEq for Name {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for Name {}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(std::ptr::from_ref(self.0) as usize);
    }
}

/// By text: sorted keys read in the order a person expects.
impl Ord for Name {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl Default for Name {
    fn default() -> Self {
        Self::new("")
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<&String> for Name {
    fn from(text: &String) -> Self {
        Self::new(text)
    }
}

impl From<String> for Name {
    fn from(text: String) -> Self {
        Self::new(&text)
    }
}

impl From<&Name> for String {
    fn from(name: &Name) -> Self {
        name.as_str().to_owned()
    }
}

macro_rules! eq_text {
    ($($t:ty),*) => {$(
        impl PartialEq<$t> for Name {
            fn eq(&self, other: &$t) -> bool {
                self.as_str() == AsRef::<str>::as_ref(other)
            }
        }
        impl PartialEq<Name> for $t {
            fn eq(&self, other: &Name) -> bool {
                AsRef::<str>::as_ref(self) == other.as_str()
            }
        }
    )*};
}
eq_text!(str, &str, String);

impl crate::sanitize::Sanitize for Name {
    fn sanitize(&mut self) {
        if let std::borrow::Cow::Owned(clean) = crate::sanitize::clean(self) {
            *self = Self::new(&clean);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_text_is_one_name_and_compares_by_it() {
        let a = Name::new("fraud-detector");
        let b = Name::from(String::from("fraud-detector"));
        assert!(std::ptr::eq(a.0, b.0), "interned once");
        assert_eq!(a, b);
        assert_ne!(a, Name::new("fraud-detector-2"));
        assert_eq!(a, "fraud-detector");
        assert_eq!("fraud-detector".to_owned(), a);
        assert!(Name::new("a") < Name::new("b"));
        let mut set = FxHashSet::default();
        set.insert(a);
        assert!(set.contains(&b));
    }

    #[test]
    fn a_name_with_control_characters_is_cleaned_into_another_name() {
        use crate::sanitize::Sanitize;
        let mut n = Name::new("evil\u{1b}[2J");
        n.sanitize();
        assert!(!n.contains('\u{1b}'), "{n:?}");
        let mut clean = Name::new("clean");
        let before = clean.clone();
        clean.sanitize();
        assert!(
            std::ptr::eq(clean.0, before.0),
            "a clean name is kept as it is"
        );
    }
}
