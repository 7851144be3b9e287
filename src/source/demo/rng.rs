//! A tiny hash-based noise source, written out here instead of using `rand` so that the demo's
//! numbers stay identical across dependency upgrades (snapshot tests depend on it).

/// splitmix64's finaliser: a well-mixed 64-bit hash of one word.
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Combines two words; order matters so (a, b) and (b, a) differ.
pub fn mix(a: u64, b: u64) -> u64 {
    splitmix64(a ^ splitmix64(b))
}

/// Hashes a string (FNV-1a, then mixed): stable identities for accounts, endpoints, series.
pub fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    splitmix64(h)
}

/// Uniform in `[0, 1)`, from the top 53 bits so every value is an exact f64.
pub fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// Uniform in `[-1, 1)`.
pub fn signed(h: u64) -> f64 {
    2.0 * unit(h) - 1.0
}

/// Uniform in `[lo, hi)`: profile parameters drawn from a name's hash.
pub fn range(h: u64, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * unit(h)
}

/// Smooth noise in `[-1, 1]`: random knots every `knot` seconds, eased between them, so a
/// series wanders the way real load does instead of jumping at every minute.
pub fn value_noise(h: u64, t: i64, knot: i64) -> f64 {
    let k = t.div_euclid(knot);
    let frac = t.rem_euclid(knot) as f64 / knot as f64;
    let a = signed(mix(h, k as u64));
    let b = signed(mix(h, (k + 1) as u64));
    let s = frac * frac * (3.0 - 2.0 * frac);
    a + (b - a) * s
}

/// A version-4 UUID's text from two random words: event and request ids.
pub fn uuid_of(a: u64, b: u64) -> String {
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

/// A small deterministic stream (splitmix64 over a counter), for choices made in turn.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        splitmix64(self.0)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.next().checked_rem(n as u64).unwrap_or(0) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_frozen() {
        // If this changes, every demo snapshot changes: the constants are part of the format.
        assert_eq!(splitmix64(0), 0xE220_A839_7B1D_CDAF);
        assert_ne!(mix(1, 2), mix(2, 1));
        assert_ne!(hash_str("prod"), hash_str("prd"));
    }

    #[test]
    fn unit_and_noise_stay_in_range() {
        for i in 0..10_000u64 {
            let u = unit(splitmix64(i));
            assert!((0.0..1.0).contains(&u));
            let v = value_noise(i, i as i64 * 37, 900);
            assert!((-1.0..=1.0).contains(&v), "{v}");
        }
    }

    #[test]
    fn value_noise_is_continuous() {
        let h = 42;
        for t in 0..5_000 {
            let d = (value_noise(h, t + 1, 900) - value_noise(h, t, 900)).abs();
            assert!(d < 0.01, "jump of {d} at {t}");
        }
    }
}
