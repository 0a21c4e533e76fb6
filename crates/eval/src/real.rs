//! The arithmetic of sacrebleu's score functions, as a type parameter.
//!
//! sacrebleu computes a score from summed statistics with Python floats, except in its
//! bootstrap resampling (`--paired-bs`, `--confidence`), where the sums are numpy `float32`
//! arrays: there, under numpy 2's promotion rules (NEP 50), every operation that touches a
//! statistic is a `float32` operation, a Python number meeting a `float32` is first cast to
//! `float32` (comparisons too), and a value derived only from Python numbers stays a Python
//! float. The score functions are written once over [`Real`]; `f64` gives the ordinary scores,
//! [`Np`] the bootstrap's, bit for bit.

use std::ops::{Add, Div, Mul, Sub};

/// Numbers as a sacrebleu score function sees them.
pub(crate) trait Real:
    Copy + PartialOrd + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Div<Output = Self>
{
    /// A Python float or int constant (or a value computed from Python numbers only).
    fn py(x: f64) -> Self;
    /// A summed statistic.
    fn stat(x: f64) -> Self;
    /// The value as a Python float (`math.log(x)`, `float(x)`: exact).
    fn to_f64(self) -> f64;
    /// Whether the value is a numpy `float32` (decides the dtype of an array of scores).
    fn is_f32(self) -> bool {
        false
    }
}

impl Real for f64 {
    fn py(x: f64) -> Self {
        x
    }
    fn stat(x: f64) -> Self {
        x
    }
    fn to_f64(self) -> f64 {
        self
    }
}

/// A numpy 2 scalar in sacrebleu's bootstrap: a Python float, or a `np.float32`.
#[derive(Debug, Clone, Copy)]
pub enum Np {
    /// A Python float.
    Py(f64),
    /// A numpy `float32`.
    F32(f32),
}

impl Np {
    fn f32(self) -> f32 {
        match self {
            Np::Py(x) => x as f32,
            Np::F32(x) => x,
        }
    }

    fn op(self, other: Np, py: fn(f64, f64) -> f64, single: fn(f32, f32) -> f32) -> Np {
        match (self, other) {
            (Np::Py(a), Np::Py(b)) => Np::Py(py(a, b)),
            (a, b) => Np::F32(single(a.f32(), b.f32())),
        }
    }
}

impl PartialEq for Np {
    fn eq(&self, other: &Np) -> bool {
        self.partial_cmp(other) == Some(std::cmp::Ordering::Equal)
    }
}

impl PartialOrd for Np {
    fn partial_cmp(&self, other: &Np) -> Option<std::cmp::Ordering> {
        match (self, other) {
            (Np::Py(a), Np::Py(b)) => a.partial_cmp(b),
            (a, b) => a.f32().partial_cmp(&b.f32()),
        }
    }
}

impl Add for Np {
    type Output = Np;
    fn add(self, o: Np) -> Np {
        self.op(o, |a, b| a + b, |a, b| a + b)
    }
}

impl Sub for Np {
    type Output = Np;
    fn sub(self, o: Np) -> Np {
        self.op(o, |a, b| a - b, |a, b| a - b)
    }
}

impl Mul for Np {
    type Output = Np;
    fn mul(self, o: Np) -> Np {
        self.op(o, |a, b| a * b, |a, b| a * b)
    }
}

impl Div for Np {
    type Output = Np;
    fn div(self, o: Np) -> Np {
        self.op(o, |a, b| a / b, |a, b| a / b)
    }
}

impl Real for Np {
    fn py(x: f64) -> Self {
        Np::Py(x)
    }
    fn stat(x: f64) -> Self {
        Np::F32(x as f32)
    }
    fn to_f64(self) -> f64 {
        match self {
            Np::Py(x) => x,
            Np::F32(x) => x as f64,
        }
    }
    fn is_f32(self) -> bool {
        matches!(self, Np::F32(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numpy_promotion() {
        // np.float32(0.1) == 0.1 is True in numpy 2: the Python float is cast first.
        assert!(Np::F32(0.1) == Np::Py(0.1));
        // 100.0 * np.float32(1) / np.float32(3) is a float32 operation throughout.
        let x = Np::py(100.0) * Np::stat(1.0) / Np::stat(3.0);
        assert_eq!(x.to_f64(), (100.0f32 / 3.0f32) as f64);
        assert!(x.is_f32());
        assert!(!(Np::py(1.0) / Np::py(3.0)).is_f32());
    }
}
