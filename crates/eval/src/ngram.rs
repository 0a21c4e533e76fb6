//! N-gram counting shared by BLEU and chrF: tokens interned to small integer ids per segment,
//! n-grams of every order packed into integer keys and counted with one sort, clipped matches
//! of two sorted count lists.

use std::ops::{BitAnd, BitOr, Shl, Shr, Sub};

use rustc_hash::FxHashMap;

use crate::tokenize;

/// Per-segment string → small integer ids (from 1; 0 pads n-gram keys), so n-grams become
/// fixed-size keys.
pub(crate) struct Interner<'a> {
    map: FxHashMap<&'a str, u32>,
}

impl Default for Interner<'_> {
    fn default() -> Self {
        Interner { map: FxHashMap::with_capacity_and_hasher(64, Default::default()) }
    }
}

impl<'a> Interner<'a> {
    pub(crate) fn id(&mut self, w: &'a str) -> u32 {
        let next = self.map.len() as u32 + 1;
        *self.map.entry(w).or_insert(next)
    }

    /// Number of distinct strings seen.
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    /// Ids of the tokens of a line split as Python's `str.split()` splits it (the `none` and
    /// `char` tokenizers leave tabs and other whitespace in place).
    pub(crate) fn ids(&mut self, line: &'a str) -> Vec<u32> {
        tokenize::py_split(line).map(|t| self.id(t)).collect()
    }
}

/// An integer wide enough to pack `max_order` ids (u64 or u128).
pub(crate) trait Key:
    Copy
    + Ord
    + Default
    + From<u32>
    + Shl<u32, Output = Self>
    + Shr<u32, Output = Self>
    + BitOr<Output = Self>
    + BitAnd<Output = Self>
    + Sub<Output = Self>
{
}
impl Key for u64 {}
impl Key for u128 {}

/// Counted n-grams of orders `1..=max_order` of a sequence of ids (each in `1..2^bits`), one
/// sorted list of `(key, count)` per order.
///
/// One sort serves every order: position `i` gets the key of the `max_order` ids starting
/// there (zero-padded past the end), and keys sorted in full are also sorted by any prefix,
/// so the n-grams of order `n` are the runs of equal `n`-id prefixes (a prefix ending in the
/// padding is no n-gram).
pub(crate) fn ngram_groups<K: Key>(ids: &[u32], max_order: usize, bits: u32) -> Vec<Vec<(K, u32)>> {
    let mut keys: Vec<K> = (0..ids.len())
        .map(|i| (0..max_order).fold(K::default(), |k, j| (k << bits) | K::from(ids.get(i + j).copied().unwrap_or(0))))
        .collect();
    keys.sort_unstable();
    let slot = (K::from(1) << bits) - K::from(1);
    (1..=max_order)
        .map(|n| {
            let shift = bits * (max_order - n) as u32;
            let mut out: Vec<(K, u32)> = Vec::with_capacity(keys.len());
            for &k in &keys {
                let p = k >> shift;
                if p & slot == K::default() {
                    continue;
                }
                match out.last_mut() {
                    Some((lk, c)) if *lk == p => *c += 1,
                    _ => out.push((p, 1)),
                }
            }
            out
        })
        .collect()
}

/// [`ngram_groups`] for orders too long to pack into an integer: each n-gram is its slice.
pub(crate) fn ngram_groups_slices(ids: &[u32], max_order: usize) -> Vec<Vec<(&[u32], u32)>> {
    (1..=max_order)
        .map(|n| {
            let mut grams: Vec<&[u32]> = ids.windows(n).collect();
            grams.sort_unstable();
            let mut out: Vec<(&[u32], u32)> = Vec::with_capacity(grams.len());
            for g in grams {
                match out.last_mut() {
                    Some((last, c)) if *last == g => *c += 1,
                    _ => out.push((g, 1)),
                }
            }
            out
        })
        .collect()
}

/// `(hyp n-grams, ref n-grams, clipped matches)` of two sorted count lists.
pub(crate) fn match_counts<K: Ord + Copy>(hyp: &[(K, u32)], refs: &[(K, u32)]) -> (u64, u64, u64) {
    let (mut hc, mut mc, mut r) = (0u64, 0u64, 0usize);
    for &(k, c) in hyp {
        hc += c as u64;
        while r < refs.len() && refs[r].0 < k {
            r += 1;
        }
        if r < refs.len() && refs[r].0 == k {
            mc += c.min(refs[r].1) as u64;
        }
    }
    (hc, refs.iter().map(|&(_, c)| c as u64).sum(), mc)
}
