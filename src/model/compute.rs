//! Choosing the compute type by measurement, once per model and machine.
//!
//! Whether int8 or float32 is faster depends on the CPU (int8 wins by 2x where oneDNN has
//! VNNI kernels, loses where the int8 GEMM is no faster than float32) and on the model (small
//! matrices pay int8's quantization pass per product). So when `--compute-type` is not given,
//! the engine translates a few calibration sentences in each type and keeps the faster; the
//! result is cached under the model fingerprint and a signature of the CPU, the build and the
//! thread layout, so it is measured once, not on every run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Indonesian news sentences of typical length, translated to time each compute type. The
/// first two warm the engine up (oneDNN generates its kernels on first use) and are not timed.
pub(crate) const CALIBRATION: &[&str] = &[
    "Pemerintah menetapkan harga bahan bakar minyak yang baru mulai pekan depan.",
    "Hujan deras mengguyur Jakarta sejak pagi hari.",
    "Menteri Keuangan mengatakan pertumbuhan ekonomi pada kuartal ketiga mencapai 5,2 persen, lebih tinggi dari perkiraan para analis.",
    "Ribuan warga memadati alun-alun kota untuk menyaksikan perayaan hari kemerdekaan.",
    "Polisi masih menyelidiki penyebab kebakaran yang menghanguskan puluhan kios di pasar tradisional itu.",
    "Menurut Badan Meteorologi, Klimatologi, dan Geofisika, gelombang tinggi diperkirakan terjadi di perairan selatan Jawa hingga akhir pekan.",
    "Presiden meminta para kepala daerah mempercepat penyaluran bantuan sosial kepada masyarakat yang terdampak banjir.",
    "Tim nasional berhasil mengalahkan lawannya dengan skor 2-1 dalam pertandingan yang berlangsung di Stadion Utama Gelora Bung Karno.",
    "Harga cabai rawit di sejumlah pasar naik hingga Rp 80.000 per kilogram karena pasokan dari petani berkurang.",
    "Para ahli mengingatkan bahwa vaksinasi tetap penting untuk mencegah penyebaran penyakit menular di sekolah.",
    "Kementerian Pendidikan akan mengevaluasi kurikulum baru setelah menerima masukan dari guru dan orang tua murid di berbagai provinsi.",
    "Bandara internasional itu melayani lebih dari dua puluh juta penumpang sepanjang tahun lalu.",
    "Gubernur menegaskan bahwa proyek pembangunan jalan tol tersebut harus selesai sebelum musim mudik tahun depan.",
    "Sejumlah nelayan tidak melaut karena cuaca buruk dan angin kencang yang melanda pesisir utara.",
];

/// Sentences of `CALIBRATION` that warm the engine up before timing.
pub(crate) const WARM_UP: usize = 2;

/// One measured (or cached) choice.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub(crate) struct Choice {
    /// The compute type chosen ("int8", "float32").
    pub(crate) compute: String,
    /// Seconds to translate the timed calibration sentences, per compute type.
    pub(crate) seconds: BTreeMap<String, f64>,
    /// When it was measured (Unix seconds).
    pub(crate) measured_unix: u64,
}

impl Choice {
    /// The reason shown in the manifest and the run's note.
    pub(crate) fn reason(&self, cached: bool) -> String {
        let times: Vec<String> = self.seconds.iter().map(|(c, s)| format!("{c} {s:.2} s")).collect();
        let how = if cached { "measured earlier on this machine" } else { "measured now" };
        format!(
            "{} is the faster on this CPU ({how}: {} for {} calibration sentences)",
            self.compute,
            times.join(", "),
            CALIBRATION.len() - WARM_UP
        )
    }
}

/// `$XDG_CACHE_HOME/terjemah`, else `~/.cache/terjemah`: the translation memory and the
/// compute-type measurements live there.
pub(crate) fn cache_dir() -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("terjemah")
}

/// The file of cached measurements, keyed by [`key`].
pub(crate) fn cache_file() -> PathBuf {
    cache_dir().join("compute-types.json")
}

/// What the choice depends on besides the model: the CPU (name and the instruction sets the
/// GEMM kernels use, and oneDNN's ISA cap), the GEMM backends of this build, and how the
/// threads are split into replicas for each measured type (`layouts`, e.g. `int8 2x1, float32 2x1`).
pub(crate) fn key(fingerprint: &str, layouts: &str) -> String {
    format!("{fingerprint} | {} | {} | {layouts}", cpu_signature(), backends())
}

fn backends() -> String {
    if cfg!(feature = "dnnl") {
        format!("dnnl+{}", loaded_runtimes())
    } else if cfg!(feature = "openblas") {
        "openblas+ruy".to_string()
    } else {
        "ruy".to_string()
    }
}

/// The oneDNN and OpenMP libraries this process loaded, by file name (the loader's pick, which
/// the rpath or LD_LIBRARY_PATH decide, not the build): `libdnnl.so.3 libiomp5.so` for the
/// prebuilt oneDNN, `libomp.so.5` alone for the static, source-built one threaded by LLVM's
/// runtime. Speeds differ between them (README, Performance), so measurements do too. Two
/// runtimes under one file name (scripts/fetch-onednn puts LLVM's under Intel's name) are not
/// told apart.
fn loaded_runtimes() -> String {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap_or_default();
    let mut names: Vec<&str> = maps
        .lines()
        .filter_map(|l| l.split_whitespace().nth(5))
        .filter_map(|p| p.rsplit('/').next())
        .filter(|n| ["libdnnl.so", "libiomp5", "libomp.so", "libgomp"].iter().any(|k| n.starts_with(k)))
        .collect();
    names.sort_unstable();
    names.dedup();
    if names.is_empty() {
        "static".to_string()
    } else {
        names.join(" ")
    }
}

/// CPU model and the ISA extensions that decide GEMM speed, e.g.
/// `AMD EPYC avx2 avx512f avx512_vnni avx512_bf16` (plus `ONEDNN_MAX_CPU_ISA=...` when set).
fn cpu_signature() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| {
        info.lines().find(|l| l.starts_with(name)).and_then(|l| l.split_once(':')).map(|(_, v)| v.trim().to_string()).unwrap_or_default()
    };
    let model = field("model name");
    let flags = field("flags");
    let flags: Vec<&str> = flags.split_whitespace().collect();
    let mut sig = if model.is_empty() { std::env::consts::ARCH.to_string() } else { model };
    for f in ["avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_int8", "avx_vnni", "asimddp", "i8mm"] {
        if flags.contains(&f) {
            sig.push(' ');
            sig.push_str(f);
        }
    }
    if let Ok(cap) = std::env::var("ONEDNN_MAX_CPU_ISA") {
        sig.push_str(&format!(" ONEDNN_MAX_CPU_ISA={cap}"));
    }
    sig
}

/// The cached choice for `key`, if any.
pub(crate) fn cached(file: &Path, key: &str) -> Option<Choice> {
    let bytes = std::fs::read(file).ok()?;
    let mut all: BTreeMap<String, Choice> = serde_json::from_slice(&bytes).ok()?;
    all.remove(key)
}

/// Add a measurement to the cache (atomically: concurrent runs each leave a valid file). An
/// unwritable cache only means measuring again next time, so failures are returned for a
/// warning, not raised.
pub(crate) fn store(file: &Path, key: &str, choice: &Choice) -> std::io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut all: BTreeMap<String, Choice> = std::fs::read(file).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
    all.insert(key.to_string(), choice.clone());
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    serde_json::to_writer_pretty(&mut tmp, &all)?;
    tmp.persist(file).map_err(|e| e.error)?;
    Ok(())
}

/// Pick the faster of the measured compute types (ties go to the first measured).
pub(crate) fn fastest(seconds: &BTreeMap<String, f64>, order: &[&str]) -> String {
    let mut best = order[0];
    for c in order {
        if seconds.get(*c).copied().unwrap_or(f64::INFINITY) < seconds.get(best).copied().unwrap_or(f64::INFINITY) {
            best = c;
        }
    }
    best.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_faster_type_wins_and_ties_keep_the_first() {
        let s = |a: f64, b: f64| BTreeMap::from([("int8".to_string(), a), ("float32".to_string(), b)]);
        assert_eq!(fastest(&s(0.5, 0.9), &["int8", "float32"]), "int8");
        assert_eq!(fastest(&s(0.9, 0.5), &["int8", "float32"]), "float32");
        assert_eq!(fastest(&s(0.5, 0.5), &["int8", "float32"]), "int8");
    }

    #[test]
    fn measurements_are_cached_per_key() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sub").join("compute-types.json");
        let choice =
            Choice { compute: "int8".into(), seconds: BTreeMap::from([("int8".into(), 0.25), ("float32".into(), 0.5)]), measured_unix: 1 };
        assert_eq!(cached(&file, "k1"), None);
        store(&file, "k1", &choice).unwrap();
        store(&file, "k2", &Choice { compute: "float32".into(), ..choice.clone() }).unwrap();
        assert_eq!(cached(&file, "k1"), Some(choice.clone()));
        assert_eq!(cached(&file, "k2").unwrap().compute, "float32");
        assert!(choice.reason(true).starts_with("int8 is the faster on this CPU (measured earlier"));
        assert!(choice.reason(false).contains("float32 0.50 s, int8 0.25 s for 12 calibration sentences"));
    }

    #[test]
    fn the_key_names_cpu_build_and_layout() {
        let k = key("abc", "int8 1x2, float32 1x2");
        assert!(k.starts_with("abc | ") && k.ends_with(" | int8 1x2, float32 1x2"), "{k}");
        assert!(k.contains(&backends()));
    }
}
