//! numpy's default generator, bit for bit: `np.random.default_rng(seed)` is a PCG64
//! (XSL-RR 128/64) seeded through `SeedSequence`, and sacrebleu's significance tests draw from it
//! with `Generator.choice(n, size, replace=True)` (bounded integers by Lemire's method on 32-bit
//! halves of the 64-bit outputs) and `Generator.integers(2, size, dtype=bool)` (one bit per
//! draw from a 32-bit buffer). Reproducing them gives sacrebleu's resamples, hence its p-values.
//! Also numpy's pairwise summation, which its `mean` uses.

use std::ops::Add;

const INIT_A: u32 = 0x43b0_d7e5;
const MULT_A: u32 = 0x931e_8875;
const INIT_B: u32 = 0x8b51_f9dd;
const MULT_B: u32 = 0x58f3_8ded;
const MIX_MULT_L: u32 = 0xca01_f9dd;
const MIX_MULT_R: u32 = 0x4973_f715;
const XSHIFT: u32 = 16;
const POOL_SIZE: usize = 4;
/// PCG's 128-bit LCG multiplier.
const PCG_MULT: u128 = 0x2360_ed05_1fc6_5da4_4385_df64_9fcc_f645;

/// `SeedSequence(entropy).generate_state(n_words, np.uint64)`.
pub(crate) fn seed_sequence_state(entropy: u64, n_words: usize) -> Vec<u64> {
    // The entropy as 32-bit words, least significant first (0 is one word).
    let mut words = vec![entropy as u32];
    if entropy >> 32 != 0 {
        words.push((entropy >> 32) as u32);
    }
    let mut hash_const = INIT_A;
    let mut hashmix = |value: u32| -> u32 {
        let mut v = value ^ hash_const;
        hash_const = hash_const.wrapping_mul(MULT_A);
        v = v.wrapping_mul(hash_const);
        v ^ (v >> XSHIFT)
    };
    let mix = |x: u32, y: u32| -> u32 {
        let r = MIX_MULT_L.wrapping_mul(x).wrapping_sub(MIX_MULT_R.wrapping_mul(y));
        r ^ (r >> XSHIFT)
    };
    let mut pool = [0u32; POOL_SIZE];
    for (i, p) in pool.iter_mut().enumerate() {
        *p = hashmix(words.get(i).copied().unwrap_or(0));
    }
    for src in 0..POOL_SIZE {
        for dst in 0..POOL_SIZE {
            if src != dst {
                let h = hashmix(pool[src]);
                pool[dst] = mix(pool[dst], h);
            }
        }
    }
    for &w in words.iter().skip(POOL_SIZE) {
        for p in pool.iter_mut() {
            let h = hashmix(w);
            *p = mix(*p, h);
        }
    }
    let mut hash_const = INIT_B;
    let state32: Vec<u32> = (0..2 * n_words)
        .map(|i| {
            let mut v = pool[i % POOL_SIZE] ^ hash_const;
            hash_const = hash_const.wrapping_mul(MULT_B);
            v = v.wrapping_mul(hash_const);
            v ^ (v >> XSHIFT)
        })
        .collect();
    state32.chunks(2).map(|c| c[0] as u64 | (c[1] as u64) << 32).collect()
}

/// numpy's `PCG64` bit generator with its 32-bit output buffer.
#[derive(Debug, Clone)]
pub(crate) struct Pcg64 {
    state: u128,
    inc: u128,
    /// The upper half of the last 64-bit output, not yet used by a 32-bit draw.
    buffered: Option<u32>,
}

impl Pcg64 {
    /// `np.random.default_rng(seed).bit_generator`.
    pub(crate) fn new(seed: u64) -> Pcg64 {
        let v = seed_sequence_state(seed, 4);
        let initstate = (v[0] as u128) << 64 | v[1] as u128;
        let initseq = (v[2] as u128) << 64 | v[3] as u128;
        let mut rng = Pcg64 { state: 0, inc: (initseq << 1) | 1, buffered: None };
        rng.step();
        rng.state = rng.state.wrapping_add(initstate);
        rng.step();
        rng
    }

    fn step(&mut self) {
        self.state = self.state.wrapping_mul(PCG_MULT).wrapping_add(self.inc);
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.step();
        let (hi, lo) = ((self.state >> 64) as u64, self.state as u64);
        (hi ^ lo).rotate_right((hi >> 58) as u32)
    }

    /// `next_uint32`: the low half of a 64-bit output, then its high half.
    pub(crate) fn next_u32(&mut self) -> u32 {
        if let Some(b) = self.buffered.take() {
            return b;
        }
        let x = self.next_u64();
        self.buffered = Some((x >> 32) as u32);
        x as u32
    }

    /// One of `Generator.integers(0, n)` for `1 <= n <= 2^32` (`buffered_bounded_lemire_uint32`).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        debug_assert!((1..=1 << 32).contains(&n));
        let rng = n - 1; // numpy's inclusive range
        if rng == 0 {
            return 0; // no draw
        }
        if rng == 0xffff_ffff {
            return self.next_u32() as u64;
        }
        let excl = n;
        let mut m = self.next_u32() as u64 * excl;
        let mut leftover = m as u32 as u64;
        if leftover < excl {
            let threshold = (u32::MAX as u64 - rng) % excl;
            while leftover < threshold {
                m = self.next_u32() as u64 * excl;
                leftover = m as u32 as u64;
            }
        }
        m >> 32
    }

    /// `Generator.choice(n, size=count, replace=True)`, row-major.
    pub(crate) fn choice(&mut self, n: usize, count: usize) -> Vec<usize> {
        (0..count).map(|_| self.below(n as u64) as usize).collect()
    }

    /// `Generator.integers(2, size=count, dtype=bool)`: the bits of 32-bit draws, lowest first.
    pub(crate) fn bools(&mut self, count: usize) -> Vec<bool> {
        let (mut buf, mut left) = (0u32, 0u32);
        (0..count)
            .map(|_| {
                if left == 0 {
                    buf = self.next_u32();
                    left = 31;
                } else {
                    buf >>= 1;
                    left -= 1;
                }
                buf & 1 != 0
            })
            .collect()
    }
}

/// numpy's pairwise summation (`@TYPE@_pairwise_sum`, blocks of 128 unrolled by 8), which
/// `ndarray.sum()` and `mean()` use on a contiguous array.
pub(crate) fn pairwise_sum<T: Copy + Add<Output = T> + From<i8>>(a: &[T]) -> T {
    let n = a.len();
    if n < 8 {
        // numpy starts from -0.0; -0.0 + x == x for every x, and the sum of nothing is added
        // to the reduction's 0.0 anyway.
        return a.iter().fold(T::from(0), |acc, &x| acc + x);
    }
    if n <= 128 {
        let mut r = [a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]];
        let mut i = 8;
        while i < n - n % 8 {
            for (j, rj) in r.iter_mut().enumerate() {
                *rj = *rj + a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &x in &a[i..] {
            res = res + x;
        }
        return res;
    }
    let mut n2 = n / 2;
    n2 -= n2 % 8;
    pairwise_sum(&a[..n2]) + pairwise_sum(&a[n2..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_like_numpy() {
        // Values printed by numpy 2.4.6.
        // np.random.default_rng(12345).bit_generator.random_raw(3)
        let mut r = Pcg64::new(12345);
        let first: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
        assert_eq!(first, [4193609425186963869, 5843160025838961886, 14708796524633321433]);
        // np.random.default_rng(12345).choice(2000, size=(2, 5))
        assert_eq!(Pcg64::new(12345).choice(2000, 10), [1398, 454, 1577, 633, 408, 1594, 1285, 1352, 1976, 782]);
        // np.random.default_rng(2**40 + 5).choice(7, size=6): two entropy words
        assert_eq!(Pcg64::new((1 << 40) + 5).choice(7, 6), [0, 0, 3, 2, 6, 4]);
        // np.random.default_rng(12345).integers(2, size=40, dtype=bool)
        let bits: Vec<u8> = Pcg64::new(12345).bools(40).into_iter().map(u8::from).collect();
        let want = "1011100110000011111111110100110110110001";
        assert_eq!(bits.iter().map(|b| b.to_string()).collect::<String>(), want);
        // Halves: low first, then high.
        let mut a = Pcg64::new(7);
        let mut b = Pcg64::new(7);
        let x = a.next_u64();
        assert_eq!((b.next_u32(), b.next_u32()), (x as u32, (x >> 32) as u32));
    }

    #[test]
    fn pairwise_sum_blocks() {
        let v: Vec<f64> = (0..1000).map(|i| i as f64 * 0.1).collect();
        let s = pairwise_sum(&v);
        assert!((s - 49950.0).abs() < 1e-6);
        assert_eq!(pairwise_sum::<f32>(&[]), 0.0);
    }
}
