//! sacrebleu's significance tests (`significance.py`), reproduced number for number:
//!
//! - paired bootstrap resampling (`--paired-bs`, after Koehn 2004): the same `n` resamples of the
//!   segment indices for every system, each system's resample scores give its mean and 95%
//!   interval, and the p-value against the baseline counts centred resample differences above
//!   the actual difference: `(#{d_k - mean(d) > |sys - base|} + 1) / (n + 1)`;
//! - paired approximate randomization (`--paired-ar`, after Riezler & Maxwell 2005): each trial
//!   swaps every segment between the two systems with probability 1/2;
//! - bootstrap confidence intervals of one system (`--confidence`).
//!
//! The draws are numpy's (`np.random.default_rng(seed)`, see `numpy_rng`) from
//! sacrebleu's seed (`SACREBLEU_SEED`, default 12345), and the resample scores are computed the
//! way sacrebleu computes them there: statistics summed as float32 and scored under numpy's
//! float32 rules ([`Np`]), means by numpy's pairwise summation. So the p-values, means and
//! intervals are sacrebleu's, not estimates of them (the checks are in `tests/sacrebleu.rs`).

use std::hash::{BuildHasher, Hasher};

use rayon::prelude::*;

use crate::metric::add_to;
use crate::numpy_rng::{pairwise_sum, Pcg64};
use crate::real::{Np, Real};
use crate::{Metric, Stats, TestSet};

/// sacrebleu's default `SACREBLEU_SEED`.
pub const DEFAULT_SEED: u64 = 12345;

/// A paired test and its number of resamples (bootstrap) or trials (randomization).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairedTest {
    /// Paired bootstrap resampling with this many resamples (`--paired-bs`).
    Bootstrap(usize),
    /// Paired approximate randomization with this many trials (`--paired-ar`).
    Randomization(usize),
}

impl PairedTest {
    /// The signature key: `bs` or `ar`.
    pub fn key(self) -> &'static str {
        match self {
            PairedTest::Bootstrap(_) => "bs",
            PairedTest::Randomization(_) => "ar",
        }
    }

    /// The number of resamples or trials.
    pub fn samples(self) -> usize {
        match self {
            PairedTest::Bootstrap(n) | PairedTest::Randomization(n) => n,
        }
    }
}

/// The seed of the draws: `None` is sacrebleu's `SACREBLEU_SEED=none` (entropy from the OS).
pub(crate) fn seed_or_entropy(seed: Option<u64>) -> u64 {
    seed.unwrap_or_else(|| std::collections::hash_map::RandomState::new().build_hasher().finish())
}

/// The signature's `seed` value: the number, or `none`.
pub fn seed_label(seed: Option<u64>) -> String {
    seed.map_or_else(|| "none".into(), |s| s.to_string())
}

/// One system's result of a paired test, as sacrebleu's `Result`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PairedSystem {
    /// The system's name (`Baseline: FILE` for the first).
    pub system: String,
    /// True for the baseline.
    pub baseline: bool,
    /// The score on the whole test set.
    pub score: f64,
    /// Against the baseline (none for the baseline itself).
    pub p_value: Option<f64>,
    /// Mean of the bootstrap resample scores (bootstrap only).
    pub mean: Option<f64>,
    /// Half-width of the 95% interval of the resample scores (bootstrap only).
    pub ci: Option<f64>,
}

/// One metric's results of a paired test.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PairedMetric {
    /// The metric's name.
    pub name: String,
    /// Its signature, with the test's fields.
    pub signature: String,
    /// The short form of the signature.
    #[serde(skip)]
    pub signature_short: String,
    /// False for TER.
    pub higher_is_better: bool,
    /// The baseline first.
    pub systems: Vec<PairedSystem>,
}

/// Results of a paired test, per metric.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PairedResult {
    /// `bs` or `ar`.
    pub test: &'static str,
    /// Resamples or trials.
    pub samples: usize,
    /// The seed of the draws (`None`: drawn from the OS).
    pub seed: Option<u64>,
    /// Number of segments.
    pub segments: usize,
    /// The reference files.
    pub refs: Vec<String>,
    /// Per metric, every system.
    pub metrics: Vec<PairedMetric>,
}

/// Resample scores as the numpy array sacrebleu builds from them: `float32` when every score
/// is a `np.float32` (chrF, TER), else `float64` (BLEU's scores are Python floats).
#[derive(Debug, Clone)]
pub(crate) struct Scores {
    /// True for a float32 array.
    pub(crate) f32: bool,
    /// The scores, as Python floats.
    pub(crate) values: Vec<f64>,
}

/// An element type of numpy arrays.
trait Elem:
    Copy
    + PartialOrd
    + std::ops::Add<Output = Self>
    + std::ops::Sub<Output = Self>
    + std::ops::Mul<Output = Self>
    + std::ops::Div<Output = Self>
    + From<i8>
{
    fn of(x: f64) -> Self;
    fn f64(self) -> f64;
    fn abs(self) -> Self;
}

impl Elem for f32 {
    fn of(x: f64) -> Self {
        x as f32
    }
    fn f64(self) -> f64 {
        self as f64
    }
    fn abs(self) -> Self {
        f32::abs(self)
    }
}

impl Elem for f64 {
    fn of(x: f64) -> Self {
        x
    }
    fn f64(self) -> f64 {
        self
    }
    fn abs(self) -> Self {
        f64::abs(self)
    }
}

/// `arr.mean()`: pairwise sum, then divided by the count, in the array's type.
fn mean<T: Elem>(a: &[T]) -> T {
    pairwise_sum(a) / T::of(a.len() as f64)
}

/// `significance.estimate_ci` on an array of `T`: (mean of the sorted scores, half the distance
/// between the `n/40`-th scores from each end).
fn estimate_ci_of<T: Elem>(scores: &[f64]) -> (f64, f64) {
    let mut sorted: Vec<T> = scores.iter().map(|&x| T::of(x)).collect();
    sorted.sort_by(|a, b| a.partial_cmp(b).expect("scores are numbers"));
    let (lower, upper) = ci_bounds(&sorted);
    let ci = T::of(0.5) * (upper - lower);
    (mean(&sorted).f64(), ci.f64())
}

/// The sorted scores that bound the 95% interval: the `n/40`-th from each end.
fn ci_bounds<T: Copy>(sorted: &[T]) -> (T, T) {
    let lower = sorted.len() / 40;
    (sorted[lower], sorted[sorted.len() - lower - 1])
}

/// sacrebleu's `estimate_ci` (the paired tests'): `(mean, ci)`.
pub(crate) fn estimate_ci(s: &Scores) -> (f64, f64) {
    if s.f32 {
        estimate_ci_of::<f32>(&s.values)
    } else {
        estimate_ci_of::<f64>(&s.values)
    }
}

/// `_compute_p_value(stats, real_difference)`: `(#{stats > real} + 1) / (n + 1)`, the
/// comparison in the array's type (numpy casts the Python float to float32 for float32 arrays).
fn p_value_of<T: Elem>(stats: &[T], real_difference: f64) -> f64 {
    let real = T::of(real_difference);
    let c = stats.iter().filter(|&&d| d > real).count();
    (c + 1) as f64 / (stats.len() + 1) as f64
}

/// The bootstrap p-value: `|sys - base|` per resample, centred on its mean, against the
/// actual difference.
fn bootstrap_p_value<T: Elem>(sys: &[f64], base: &[f64], real_difference: f64) -> f64 {
    let diffs: Vec<T> = sys.iter().zip(base).map(|(&a, &b)| (T::of(a) - T::of(b)).abs()).collect();
    let m = mean(&diffs);
    let centred: Vec<T> = diffs.iter().map(|&d| d - m).collect();
    p_value_of(&centred, real_difference)
}

/// Scores of the resamples `idxs` (`samples` rows of `n` segment indices): each resample's
/// statistics summed in float32, in index order (`stats[idxs].sum(0)` on a float32 array),
/// then scored under numpy's rules.
pub(crate) fn resample_scores(metric: &dyn Metric, stats: &Stats, idxs: &[usize], n: usize) -> Scores {
    let scored: Vec<Np> = idxs
        .par_chunks(n.max(1))
        .map(|rows| {
            let mut sums = vec![0f32; stats.width()];
            for &i in rows {
                for (s, &v) in sums.iter_mut().zip(stats.row(i)) {
                    *s += v as f32;
                }
            }
            let sums: Vec<f64> = sums.iter().map(|&s| s as f64).collect();
            metric.bootstrap_score(&sums)
        })
        .collect();
    Scores { f32: scored.iter().all(|s| s.is_f32()), values: scored.iter().map(|s| s.to_f64()).collect() }
}

/// `Score.estimate_ci` (the `--confidence` one): Python's `sorted`, `statistics.mean` (the
/// exact mean rounded once, then to float32 for float32 scores), the half-width computed in the
/// scores' type.
pub(crate) fn confidence_interval(s: &Scores) -> (f64, f64) {
    let mut sorted = s.values.clone();
    sorted.sort_by(f64::total_cmp);
    let (lower, upper) = ci_bounds(&sorted);
    let ci = if s.f32 { (0.5f32 * (upper as f32 - lower as f32)) as f64 } else { 0.5 * (upper - lower) };
    let m = exact_mean(&sorted);
    (if s.f32 { m as f32 as f64 } else { m }, ci)
}

/// The mean of `values` rounded once (Python's `float(Fraction(sum) / n)`): of the floats next
/// to `fsum / n`, the one whose product with `n` is nearest the exact sum (products and
/// residuals computed exactly, with FMA and [`fsum`]).
fn exact_mean(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let q = fsum(values) / n;
    let residual = |c: f64| -> f64 {
        let p = c * n;
        let e = c.mul_add(n, -p); // c * n == p + e exactly
        let mut terms = values.to_vec();
        terms.extend([-p, -e]);
        fsum(&terms)
    };
    let candidates = [q.next_down(), q, q.next_up()];
    let mut best = q;
    let mut best_r = residual(q).abs();
    for c in candidates {
        let r = residual(c).abs();
        if r < best_r || (r == best_r && c.to_bits() & 1 == 0 && best.to_bits() & 1 == 1) {
            best = c;
            best_r = r;
        }
    }
    best
}

/// Python's `math.fsum`: the correctly rounded sum (Shewchuk's exact partials).
fn fsum(values: &[f64]) -> f64 {
    let mut partials: Vec<f64> = Vec::new();
    for &x in values {
        let mut x = x;
        let mut i = 0;
        for j in 0..partials.len() {
            let mut y = partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                partials[i] = lo;
                i += 1;
            }
            x = hi;
        }
        partials.truncate(i);
        partials.push(x);
    }
    // Sum the partials from the top, with the half-way correction of math.fsum.
    let Some(mut hi) = partials.pop() else { return 0.0 };
    let mut lo = 0.0;
    while let Some(y) = partials.pop() {
        let x = hi;
        hi = x + y;
        let yr = hi - x;
        lo = y - yr;
        if lo != 0.0 {
            break;
        }
    }
    if let Some(&next) = partials.last() {
        if (lo < 0.0 && next < 0.0) || (lo > 0.0 && next > 0.0) {
            let y = lo * 2.0;
            let x = hi + y;
            if y == x - hi {
                hi = x;
            }
        }
    }
    hi
}

/// Bootstrap resampling of one system for `--confidence`: `(mean, ci)` per metric, and the
/// signature fields sacrebleu adds (`bs`, `seed`).
pub fn confidence(metric: &dyn Metric, stats: &Stats, n_samples: usize, seed: Option<u64>) -> (f64, f64) {
    let n = stats.len();
    confidence_interval(&resample_scores(metric, stats, &resample_indices(n, n_samples, seed), n))
}

/// The segment indices of `n_samples` bootstrap resamples of `n` segments, as `--confidence`
/// and `--paired-bs` draw them (`n_samples` rows of `n`); drawn once, they serve every metric
/// and system of the same test set.
pub(crate) fn resample_indices(n: usize, n_samples: usize, seed: Option<u64>) -> Vec<usize> {
    Pcg64::new(seed_or_entropy(seed)).choice(n, n_samples * n)
}

/// A paired test of every system against the first (the baseline), as `PairedTest.__call__`.
pub fn paired(set: &TestSet, metrics: &[Box<dyn Metric>], test: PairedTest, seed: Option<u64>) -> PairedResult {
    let stats: Vec<Vec<Stats>> =
        metrics.iter().map(|m| set.systems.iter().map(|s| m.corpus_stats(&s.lines, &set.refs)).collect()).collect();
    paired_with_stats(set, metrics, &stats, test, seed)
}

/// [`paired`] on statistics already computed (`stats[metric][system]`), which the comparison
/// report shares with its other tables.
pub(crate) fn paired_with_stats(
    set: &TestSet,
    metrics: &[Box<dyn Metric>],
    stats: &[Vec<Stats>],
    test: PairedTest,
    seed: Option<u64>,
) -> PairedResult {
    let n = set.refs[0].len();
    let samples = test.samples();
    // One seed for all draws (sacrebleu seeds a fresh generator with the same value each time).
    let seed_value = seed_or_entropy(seed);
    let idxs = match test {
        PairedTest::Bootstrap(_) => Pcg64::new(seed_value).choice(n, samples * n),
        PairedTest::Randomization(_) => Vec::new(),
    };
    let swaps = match test {
        PairedTest::Randomization(_) => Pcg64::new(seed_value).bools(samples * n),
        PairedTest::Bootstrap(_) => Vec::new(),
    };
    let extra: Vec<(&str, String)> = vec![(test.key(), samples.to_string()), ("seed", seed_label(seed))];
    let metrics_out = metrics
        .iter()
        .zip(stats)
        .map(|(m, stats)| {
            let m = m.as_ref();
            let actual: Vec<f64> = stats.iter().map(|st| m.score(&st.sum_all()).score).collect();
            let base_scores = match test {
                PairedTest::Bootstrap(_) => Some(resample_scores(m, &stats[0], &idxs, n)),
                PairedTest::Randomization(_) => None,
            };
            let systems = (0..set.systems.len())
                .map(|s| {
                    let diff = (actual[0] - actual[s]).abs();
                    let (p_value, mean, ci) = match (&base_scores, s) {
                        (Some(base), 0) => {
                            let (mean, ci) = estimate_ci(base);
                            (None, Some(mean), Some(ci))
                        }
                        (Some(base), _) => {
                            let sys = resample_scores(m, &stats[s], &idxs, n);
                            let (mean, ci) = estimate_ci(&sys);
                            let p = if sys.f32 && base.f32 {
                                bootstrap_p_value::<f32>(&sys.values, &base.values, diff)
                            } else {
                                bootstrap_p_value::<f64>(&sys.values, &base.values, diff)
                            };
                            (Some(p), Some(mean), Some(ci))
                        }
                        (None, 0) => (None, None, None),
                        (None, _) => (Some(randomization_p_value(m, &stats[0], &stats[s], &swaps, n, diff)), None, None),
                    };
                    PairedSystem { system: set.systems[s].name.clone(), baseline: s == 0, score: actual[s], p_value, mean, ci }
                })
                .collect();
            let signature = m.signature(set.refs.len(), &extra);
            PairedMetric {
                name: m.name(),
                signature: signature.to_string(),
                signature_short: signature.format(true),
                higher_is_better: m.higher_is_better(),
                systems,
            }
        })
        .collect();
    PairedResult {
        test: test.key(),
        samples,
        seed,
        segments: n,
        refs: set.ref_paths.iter().map(|p| p.display().to_string()).collect(),
        metrics: metrics_out,
    }
}

/// `_paired_ar_test`'s p-value: per trial, pseudo-system A takes the baseline's statistics
/// where the coin says so and the system's elsewhere, B the opposite (`pos @ bl + neg @ sys`,
/// each product summed on its own), both scored as Python numbers; the p-value counts
/// `|A - B|` above the actual difference.
fn randomization_p_value(metric: &dyn Metric, base: &Stats, sys: &Stats, swaps: &[bool], n: usize, diff: f64) -> f64 {
    let width = base.width();
    let diffs: Vec<f64> = swaps
        .par_chunks(n.max(1))
        .map(|coins| {
            let (mut a_bl, mut a_sys, mut b_bl, mut b_sys) = (vec![0.0; width], vec![0.0; width], vec![0.0; width], vec![0.0; width]);
            for (i, &pos) in coins.iter().enumerate() {
                let (into_bl, into_sys) = if pos { (&mut a_bl, &mut b_sys) } else { (&mut b_bl, &mut a_sys) };
                add_to(into_bl, base.row(i));
                add_to(into_sys, sys.row(i));
            }
            let a: Vec<f64> = a_bl.iter().zip(&a_sys).map(|(x, y)| x + y).collect();
            let b: Vec<f64> = b_bl.iter().zip(&b_sys).map(|(x, y)| x + y).collect();
            (metric.score(&a).score - metric.score(&b).score).abs()
        })
        .collect();
    p_value_of(&diffs, diff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_and_p_value_like_sacrebleu() {
        let scores = Scores { f32: false, values: (0..1000).map(|i| i as f64).collect() };
        // n // 40 = 25: the 25th and 974th sorted values.
        assert_eq!(estimate_ci(&scores), (499.5, 0.5 * (974.0 - 25.0)));
        assert_eq!(p_value_of(&[1.0f64, 1.0, 1.0], 0.0), 1.0);
        assert_eq!(p_value_of(&[0.0f64, 2.0], 0.5), 2.0 / 3.0);
        // Centred: |d| = (1, 1, 1) has mean 1, nothing above 0.
        assert_eq!(bootstrap_p_value::<f64>(&[2.0, 2.0, 2.0], &[1.0, 1.0, 1.0], 0.0), 1.0 / 4.0);
        assert_eq!(fsum(&[1e100, 1.0, -1e100, 1e-3]), 1.001);
    }
}
