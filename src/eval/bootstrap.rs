//! Paired bootstrap resampling, the method of sacrebleu's `--paired-bs` (`significance.py`,
//! after Koehn 2004 and Moses' `bootstrap-hypothesis-difference-significance.pl`):
//!
//! - draw `n` resamples of the segment indices with replacement, the same resamples for every
//!   system and metric (sacrebleu draws them from one seeded generator, so its baseline and
//!   systems share them too);
//! - score each resample from summed segment statistics; each system's mean and 95% interval
//!   (half the distance between the `n/40`-th sorted scores from each end) come from its
//!   resample scores;
//! - p-value of a system against the baseline: with `d_k = |sys_k - base_k|` centred on its
//!   mean, `(#{d_k - mean(d) > |sys - base|} + 1) / (n + 1)`.
//!
//! Differences from sacrebleu, on purpose: the resampled indices come from our own generator
//! (xoshiro256**, one stream per resample seeded from `(seed, resample)` through SplitMix64, so
//! results do not depend on the number of threads), not numpy's PCG64, so individual draws
//! differ; and statistics are summed exactly in f64 where sacrebleu sums float32 arrays. Same
//! seed, same numbers; sacrebleu's default seed (12345) is ours.

use rayon::prelude::*;

use super::{segment_stats, Metric, TestSet};

/// sacrebleu's default `SACREBLEU_SEED`.
pub const DEFAULT_SEED: u64 = 12345;

/// Results of a paired test, per metric.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PairedResult {
    pub test: &'static str,
    pub resamples: usize,
    pub seed: u64,
    pub segments: usize,
    pub refs: Vec<String>,
    pub metrics: Vec<PairedMetric>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PairedMetric {
    pub name: String,
    pub signature: String,
    pub higher_is_better: bool,
    /// The baseline first.
    pub systems: Vec<PairedSystem>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PairedSystem {
    pub system: String,
    pub baseline: bool,
    /// The score on the whole test set.
    pub score: f64,
    /// Mean of the resample scores.
    pub mean: f64,
    /// Half-width of the 95% interval of the resample scores.
    pub ci: f64,
    /// Against the baseline (none for the baseline itself).
    pub p_value: Option<f64>,
}

/// SplitMix64: seeds the per-resample generators.
fn splitmix64(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// xoshiro256** (Blackman & Vigna).
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// The generator of resample `stream` under `seed`.
    pub fn new(seed: u64, stream: u64) -> Rng {
        let mut x = seed ^ stream.wrapping_mul(0xd1b5_4a32_d192_ed03);
        let mut s = [0u64; 4];
        for v in &mut s {
            *v = splitmix64(&mut x);
        }
        Rng { s }
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` without bias (Lemire's multiply-and-reject).
    pub fn below(&mut self, n: u64) -> u64 {
        let mut m = self.next_u64() as u128 * n as u128;
        if (m as u64) < n {
            let threshold = n.wrapping_neg() % n;
            while (m as u64) < threshold {
                m = self.next_u64() as u128 * n as u128;
            }
        }
        (m >> 64) as u64
    }
}

/// sacrebleu's `estimate_ci`: (mean, half-width of the 95% interval).
pub fn estimate_ci(scores: &[f64]) -> (f64, f64) {
    let mut sorted = scores.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let lower = n / 40;
    let upper = n - lower - 1;
    let ci = 0.5 * (sorted[upper] - sorted[lower]);
    (sorted.iter().sum::<f64>() / n as f64, ci)
}

/// sacrebleu's `_compute_p_value` on centred resample differences.
pub fn p_value(sample_diffs: &[f64], real_diff: f64) -> f64 {
    let mean = sample_diffs.iter().sum::<f64>() / sample_diffs.len() as f64;
    let c = sample_diffs.iter().filter(|&&d| d - mean > real_diff).count();
    (c + 1) as f64 / (sample_diffs.len() + 1) as f64
}

/// Paired bootstrap of every system against the first (the baseline).
pub fn paired(set: &TestSet, metrics: &[Metric], resamples: usize, seed: u64) -> PairedResult {
    let n = set.refs[0].len();
    let n_sys = set.systems.len();
    // stats[m][s]
    let stats: Vec<Vec<_>> = metrics.iter().map(|m| set.systems.iter().map(|s| segment_stats(m, &s.lines, &set.refs)).collect()).collect();
    let actual: Vec<Vec<f64>> =
        metrics.iter().zip(&stats).map(|(m, per_sys)| per_sys.iter().map(|st| m.score(&st.sum_all()).score).collect()).collect();

    // scores[k][m * n_sys + s]: resample k of metric m, system s.
    let scores: Vec<Vec<f64>> = (0..resamples)
        .into_par_iter()
        .map(|k| {
            let mut rng = Rng::new(seed, k as u64);
            let idx: Vec<usize> = (0..n).map(|_| rng.below(n as u64) as usize).collect();
            let mut out = Vec::with_capacity(metrics.len() * n_sys);
            for (m, per_sys) in metrics.iter().zip(&stats) {
                for st in per_sys {
                    out.push(m.score(&st.sum(idx.iter().copied())).score);
                }
            }
            out
        })
        .collect();

    let nrefs = set.refs.len();
    let extra = [("bs", resamples.to_string()), ("seed", seed.to_string())];
    let metrics_out = metrics
        .iter()
        .enumerate()
        .map(|(mi, m)| {
            let column = |s: usize| -> Vec<f64> { scores.iter().map(|row| row[mi * n_sys + s]).collect() };
            let base = column(0);
            let systems = (0..n_sys)
                .map(|s| {
                    let col = column(s);
                    let (mean, ci) = estimate_ci(&col);
                    let p = (s > 0).then(|| {
                        let diffs: Vec<f64> = col.iter().zip(&base).map(|(a, b)| (a - b).abs()).collect();
                        p_value(&diffs, (actual[mi][0] - actual[mi][s]).abs())
                    });
                    PairedSystem {
                        system: set.systems[s].path.display().to_string(),
                        baseline: s == 0,
                        score: actual[mi][s],
                        mean,
                        ci,
                        p_value: p,
                    }
                })
                .collect();
            PairedMetric { name: m.name(), signature: m.signature(nrefs, &extra), higher_is_better: m.higher_is_better(), systems }
        })
        .collect();
    PairedResult {
        test: "paired bootstrap resampling",
        resamples,
        seed,
        segments: n,
        refs: set.ref_paths.iter().map(|p| p.display().to_string()).collect(),
        metrics: metrics_out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_draws() {
        let mut rng = Rng::new(DEFAULT_SEED, 0);
        let mut counts = [0usize; 10];
        for _ in 0..100_000 {
            counts[rng.below(10) as usize] += 1;
        }
        assert!(counts.iter().all(|&c| (9_000..11_000).contains(&c)), "{counts:?}");
        assert_ne!(Rng::new(1, 0).next_u64(), Rng::new(1, 1).next_u64());
    }

    #[test]
    fn ci_and_p_value_like_sacrebleu() {
        let scores: Vec<f64> = (0..1000).map(|i| i as f64).collect();
        // n // 40 = 25: the 25th and 974th sorted values.
        assert_eq!(estimate_ci(&scores), (499.5, 0.5 * (974.0 - 25.0)));
        assert_eq!(p_value(&[1.0, 1.0, 1.0], 0.0), 1.0 / 4.0);
        assert_eq!(p_value(&[0.0, 2.0], 0.5), 2.0 / 3.0);
    }
}
