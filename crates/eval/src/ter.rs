//! TER (Snover et al., 2006) exactly as sacrebleu 2.x computes it (`metrics/ter.py`,
//! `metrics/lib_ter.py`): Tercom's greedy shifts with sacrebleu's limits (shift size 10,
//! distance 50, 1000 shift candidates per segment) and its beam edit distance (beam 25 around
//! the length-ratio diagonal), with the same tie-breaking. sacrebleu's row cache only saves work
//! (a row depends on the hypothesis prefix alone), so ours, with a different budget, gives the
//! same numbers.

use crate::metric::{Metric, SignatureField};
use crate::ngram::Interner;
use crate::real::{Np, Real};
use crate::score::Score;
use crate::tokenize::{number_passes, py_lower, py_normalize_space, space_punct};

const COST_INS: u32 = 1;
const COST_DEL: u32 = 1;
const COST_SUB: u32 = 1;
const MAX_SHIFT_SIZE: usize = 10;
const MAX_SHIFT_DIST: usize = 50;
const BEAM_WIDTH: i64 = 25;
const MAX_SHIFT_CANDIDATES: usize = 1000;
/// Cells of cached edit-distance rows kept per segment (sacrebleu: 10,000 rows).
const MAX_CACHE_CELLS: usize = 4 << 20;
/// Larger than any real distance; `INF + 1` must not overflow.
const INF: u32 = 1 << 30;

/// Edit operations, as lib_ter's one-letter codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Nop,
    Sub,
    Ins,
    Del,
    Undef,
}

#[derive(Debug, Clone, Copy)]
struct Cell {
    cost: u32,
    op: Op,
}

const EMPTY: Cell = Cell { cost: INF, op: Op::Undef };

/// A configured TER metric (sacrebleu's defaults: case-insensitive, no normalisation).
#[derive(Debug, Clone, Default)]
pub struct Ter {
    /// Keep case (TER lowercases by default).
    pub case_sensitive: bool,
    /// Tercom's normalisation: punctuation split off, XML entities decoded (`--ter-normalized`).
    pub normalized: bool,
    /// Punctuation removed (`--ter-no-punct`).
    pub no_punct: bool,
    /// CJK characters split (with `normalized`) and CJK punctuation removed (with `no_punct`)
    /// (`--ter-asian-support`).
    pub asian_support: bool,
}

/// Number of statistics per segment: `[edits, average reference length]`.
pub const N_STATS: usize = 2;

/// TER's statistics, as sacrebleu's `TERScore` keeps them.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TerDetail {
    /// Edits of the best reference, summed.
    pub edits: f64,
    /// Average reference lengths, summed.
    pub ref_length: f64,
}

impl Metric for Ter {
    fn name(&self) -> String {
        "TER".into()
    }

    /// TER is an error rate.
    fn higher_is_better(&self) -> bool {
        false
    }

    fn n_stats(&self) -> usize {
        N_STATS
    }

    fn signature_fields(&self) -> Vec<SignatureField> {
        vec![
            SignatureField::new("case", "c", if self.case_sensitive { "mixed" } else { "lc" }.to_string()),
            SignatureField::new("tok", "t", "tercom".to_string()),
            SignatureField::yes_no("norm", "nr", self.normalized),
            SignatureField::yes_no("punct", "pn", !self.no_punct),
            SignatureField::yes_no("asian", "as", self.asian_support),
        ]
    }

    /// `[best edits over references, average reference length]`.
    ///
    /// sacrebleu tokenizes each reference twice (`_cache_references`, then
    /// `_extract_reference_info`). Only the normalisation is changed by a second pass: its
    /// `'s ` rule then splits `andrew's .`, which the first pass had left whole before the
    /// period it spaced out; so a normalised reference is tokenized twice here too.
    fn segment_stats(&self, hyp: &str, refs: &[&str], out: &mut [f64]) {
        let hyp_t = self.preprocess(hyp);
        let refs_t: Vec<String> =
            refs.iter().map(|r| if self.normalized { self.preprocess(&self.preprocess(r)) } else { self.preprocess(r) }).collect();
        let mut interner = Interner::default();
        let hyp_ids = interner.ids(&hyp_t);
        let mut ref_lengths = 0usize;
        let mut best = u64::MAX;
        for ref_t in &refs_t {
            let ref_ids = interner.ids(ref_t);
            let (edits, len) = translation_edit_rate(&hyp_ids, &ref_ids);
            ref_lengths += len;
            best = best.min(edits as u64);
        }
        out[0] = best as f64;
        out[1] = ref_lengths as f64 / refs.len() as f64;
    }

    /// `_compute_score_from_stats`, with the statistics.
    fn score(&self, stats: &[f64]) -> Score {
        Score { ter: Some(TerDetail { edits: stats[0], ref_length: stats[1] }), ..Score::new(self.name(), self.score_as::<f64>(stats)) }
    }

    fn bootstrap_score(&self, stats: &[f64]) -> Np {
        self.score_as::<Np>(stats)
    }
}

impl Ter {
    /// sacrebleu's `TercomTokenizer`: lowercase unless case-sensitive, the optional
    /// normalisation and punctuation removal, whitespace collapsed.
    fn preprocess(&self, sent: &str) -> String {
        if sent.is_empty() {
            return String::new();
        }
        let lowered;
        let mut s: &str = if self.case_sensitive {
            sent
        } else {
            lowered = py_lower(sent);
            &lowered
        };
        if !self.normalized && !self.no_punct {
            return py_normalize_space(s);
        }
        let normalized;
        if self.normalized {
            normalized = normalize_general_and_western(s, self.asian_support);
            s = &normalized;
        }
        if self.no_punct {
            let kept: String = s.chars().filter(|&c| !(is_ter_punct(c) || self.asian_support && is_asian_punct(c))).collect();
            return py_normalize_space(&kept);
        }
        py_normalize_space(s)
    }

    /// `_compute_score_from_stats` in the arithmetic `R` (see [`Real`]).
    fn score_as<R: Real>(&self, stats: &[f64]) -> R {
        let (edits, ref_len) = (R::stat(stats[0]), R::stat(stats[1]));
        let zero = R::py(0.0);
        let score = if ref_len > zero {
            edits / ref_len
        } else if edits > zero {
            R::py(1.0)
        } else {
            zero
        };
        R::py(100.0) * score
    }
}

/// `_normalize_general_and_western`, then `_normalize_asian` when `asian`.
fn normalize_general_and_western(sent: &str, asian: bool) -> String {
    let mut s = sent.replace("\n-", "").replace('\n', " ");
    if s.contains('&') {
        s = s.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
    }
    // f" {sent} " and punctuation spaced out, then `'s ` -> ` 's ` (`'s$` never matches: the
    // padded line ends with a space).
    let spaced = String::from_utf8(space_punct(&s, true)).expect("spaces are inserted between characters");
    let spaced = spaced.replace("'s ", " 's ");
    let mut out = number_passes(spaced.as_bytes());
    if asian {
        // Each listed character gets spaces around it. The hiragana, katakana and
        // phonetic-extension patterns of `_normalize_asian` are anchored at the start of a
        // line that begins with a space here, so they never match.
        let mut a = String::with_capacity(out.len() * 2);
        for c in out.chars() {
            if is_asian_split(c) || is_asian_punct(c) {
                a.extend([' ', c, ' ']);
            } else {
                a.push(c);
            }
        }
        out = a;
    }
    out
}

/// The character classes `_normalize_asian` splits.
fn is_asian_split(c: char) -> bool {
    matches!(c as u32,
        0x4e00..=0x9fff | 0x3400..=0x4dbf | 0x31c0..=0x31ef | 0x2e80..=0x2eff | 0x3300..=0x33ff
        | 0xf900..=0xfaff | 0xfe30..=0xfe4f | 0x3200..=0x3f22)
}

/// `ASIAN_PUNCT` and `FULL_WIDTH_PUNCT` of `TercomTokenizer`.
fn is_asian_punct(c: char) -> bool {
    matches!(c as u32,
        0x3001 | 0x3002 | 0x3008..=0x3011 | 0x3014..=0x301f | 0xff61..=0xff65 | 0x30fb
        | 0xff0e | 0xff0c | 0xff1f | 0xff1a | 0xff1b | 0xff01 | 0xff02 | 0xff08 | 0xff09)
}

/// `_remove_punct`'s class `[\.,\?:;!\"\(\)]`.
fn is_ter_punct(c: char) -> bool {
    matches!(c, '.' | ',' | '?' | ':' | ';' | '!' | '"' | '(' | ')')
}

/// lib_ter's `translation_edit_rate`: (number of edits, reference length).
pub(crate) fn translation_edit_rate(words_hyp: &[u32], words_ref: &[u32]) -> (usize, usize) {
    if words_ref.is_empty() {
        return (words_hyp.len(), 0);
    }
    let mut ed = BeamEditDistance::new(words_ref, words_hyp.len());
    let mut shifts = 0;
    let mut input = words_hyp.to_vec();
    let mut checked = 0usize;
    loop {
        let (delta, new_input) = shift(&input, words_ref, &mut ed, &mut checked);
        if checked >= MAX_SHIFT_CANDIDATES || delta <= 0 {
            break;
        }
        shifts += 1;
        input = new_input;
    }
    let (distance, _) = ed.distance(&input, false);
    (shifts + distance as usize, words_ref.len())
}

/// Python's `seq[a:b]` with non-negative bounds (clamped).
fn slice<T>(v: &[T], a: usize, b: usize) -> &[T] {
    let b = b.min(v.len());
    &v[a.min(b)..b]
}

/// lib_ter's `_perform_shift`.
fn perform_shift(words: &[u32], start: usize, length: usize, target: usize) -> Vec<u32> {
    let mut out = Vec::with_capacity(words.len());
    if target < start {
        out.extend_from_slice(slice(words, 0, target));
        out.extend_from_slice(slice(words, start, start + length));
        out.extend_from_slice(slice(words, target, start));
        out.extend_from_slice(slice(words, start + length, words.len()));
    } else if target > start + length {
        out.extend_from_slice(slice(words, 0, start));
        out.extend_from_slice(slice(words, start + length, target));
        out.extend_from_slice(slice(words, start, start + length));
        out.extend_from_slice(slice(words, target, words.len()));
    } else {
        out.extend_from_slice(slice(words, 0, start));
        out.extend_from_slice(slice(words, start + length, length + target));
        out.extend_from_slice(slice(words, start, start + length));
        out.extend_from_slice(slice(words, length + target, words.len()));
    }
    out
}

/// lib_ter's `_find_shifted_pairs`: `(start_h, start_r, length)` of matching word runs, in
/// the generator's order.
fn shifted_pairs(words_h: &[u32], words_r: &[u32], mut visit: impl FnMut(usize, usize, usize) -> bool) {
    let (nh, nr) = (words_h.len(), words_r.len());
    for start_h in 0..nh {
        for start_r in 0..nr {
            if start_r.abs_diff(start_h) > MAX_SHIFT_DIST {
                continue;
            }
            let mut length = 0;
            while words_h[start_h + length] == words_r[start_r + length] && length < MAX_SHIFT_SIZE {
                length += 1;
                if !visit(start_h, start_r, length) {
                    return;
                }
                if nh == start_h + length || nr == start_r + length {
                    break;
                }
            }
        }
    }
}

/// A shift candidate's rank: (gain, length, -start_h, -target), compared like sacrebleu's
/// tuples (highest gain, then longest, then earliest).
type ShiftRank = (i64, usize, i64, i64);

/// lib_ter's `_shift`: the best shift of `words_h` (score gain, shifted words).
fn shift(words_h: &[u32], words_r: &[u32], ed: &mut BeamEditDistance, checked: &mut usize) -> (i64, Vec<u32>) {
    let (pre_score, inv_trace) = ed.distance(words_h, true);
    // Rewrite the reference into the hypothesis: flip insertions and deletions.
    let trace: Vec<Op> = inv_trace
        .into_iter()
        .map(|op| match op {
            Op::Ins => Op::Del,
            Op::Del => Op::Ins,
            o => o,
        })
        .collect();
    let (align, ref_err, hyp_err) = trace_to_alignment(&trace, words_r.len());
    let mut best: Option<(ShiftRank, Vec<u32>)> = None;
    shifted_pairs(words_h, words_r, |start_h, start_r, length| {
        if slice(&hyp_err, start_h, start_h + length).iter().all(|&e| !e) {
            return true;
        }
        if slice(&ref_err, start_r, start_r + length).iter().all(|&e| !e) {
            return true;
        }
        // Don't shift within the subsequence.
        let a = align[start_r];
        if start_h as i64 <= a && a < (start_h + length) as i64 {
            return true;
        }
        let mut prev_idx: i64 = -1;
        for offset in -1..length as i64 {
            let pos = start_r as i64 + offset;
            let idx = if pos == -1 {
                0
            } else if (pos as usize) < align.len() {
                // Insert before the index (Tercom inserts after).
                align[pos as usize] + 1
            } else {
                break;
            };
            if idx == prev_idx {
                continue;
            }
            prev_idx = idx;
            let shifted = perform_shift(words_h, start_h, length, idx as usize);
            let (d, _) = ed.distance(&shifted, false);
            let key = (pre_score as i64 - d as i64, length, -(start_h as i64), -idx);
            *checked += 1;
            if best.as_ref().is_none_or(|(b, _)| key > *b) {
                best = Some((key, shifted));
            }
        }
        *checked < MAX_SHIFT_CANDIDATES
    });
    match best {
        None => (0, words_h.to_vec()),
        Some(((gain, ..), shifted)) => (gain, shifted),
    }
}

/// lib_ter's `trace_to_alignment`: reference position → hypothesis position (-1 before the
/// first), and the error flags of each reference and hypothesis position.
fn trace_to_alignment(trace: &[Op], n_ref: usize) -> (Vec<i64>, Vec<bool>, Vec<bool>) {
    let (mut pos_hyp, mut pos_ref) = (-1i64, -1i64);
    let mut align = vec![-1i64; n_ref];
    let (mut ref_err, mut hyp_err) = (Vec::with_capacity(n_ref), Vec::new());
    for &op in trace {
        match op {
            Op::Nop | Op::Sub => {
                pos_hyp += 1;
                pos_ref += 1;
                align[pos_ref as usize] = pos_hyp;
                let err = op == Op::Sub;
                hyp_err.push(err);
                ref_err.push(err);
            }
            Op::Ins => {
                pos_hyp += 1;
                hyp_err.push(true);
            }
            Op::Del => {
                pos_ref += 1;
                align[pos_ref as usize] = pos_hyp;
                ref_err.push(true);
            }
            Op::Undef => break,
        }
    }
    (align, ref_err, hyp_err)
}

/// A stored row of the edit-distance matrix: cells `lo..lo + len` live at `arena[at..]`;
/// cells outside are infinite (never computed, as in sacrebleu's beam).
#[derive(Debug, Clone, Copy)]
struct Row {
    lo: usize,
    len: usize,
    at: usize,
}

/// A node of the prefix cache: the row after the hypothesis prefix leading to it.
struct Node {
    children: Vec<(u32, usize)>,
    row: Row,
}

/// lib_ter's `BeamEditDistance`: beam-limited Levenshtein distance with a prefix cache of
/// rows and the trace of operations.
struct BeamEditDistance<'a> {
    words_ref: &'a [u32],
    length_ratio: f64,
    beam_width: i64,
    arena: Vec<Cell>,
    nodes: Vec<Node>,
    cached_cells: usize,
}

impl<'a> BeamEditDistance<'a> {
    /// All hypotheses scored against one reference are shifts of one another: same length,
    /// hence the same beam.
    fn new(words_ref: &'a [u32], n_hyp: usize) -> Self {
        let n_ref = words_ref.len();
        let length_ratio = if n_hyp > 0 { n_ref as f64 / n_hyp as f64 } else { 1.0 };
        let beam_width =
            if (BEAM_WIDTH as f64) < length_ratio / 2.0 { (length_ratio / 2.0 + BEAM_WIDTH as f64).ceil() as i64 } else { BEAM_WIDTH };
        // First row: insertions of the reference words.
        let arena: Vec<Cell> = (0..=n_ref).map(|j| Cell { cost: j as u32 * COST_INS, op: Op::Ins }).collect();
        let root = Node { children: Vec::new(), row: Row { lo: 0, len: n_ref + 1, at: 0 } };
        BeamEditDistance { words_ref, length_ratio, beam_width, arena, nodes: vec![root], cached_cells: 0 }
    }

    fn cell(&self, row: Row, j: usize) -> Cell {
        if j >= row.lo && j < row.lo + row.len {
            self.arena[row.at + j - row.lo]
        } else {
            EMPTY
        }
    }

    /// The distance to `words_h` and, if asked, the trace of operations (hypothesis → reference).
    fn distance(&mut self, words_h: &[u32], want_trace: bool) -> (u32, Vec<Op>) {
        let n_ref = self.words_ref.len();
        let n = words_h.len();
        // Rows already known for the longest cached prefix.
        let mut rows: Vec<Row> = Vec::with_capacity(n + 1);
        let mut path = vec![0usize];
        let mut node = 0;
        rows.push(self.nodes[0].row);
        for &w in words_h {
            match self.nodes[node].children.iter().find(|(cw, _)| *cw == w) {
                Some(&(_, child)) => {
                    node = child;
                    path.push(child);
                    rows.push(self.nodes[child].row);
                }
                None => break,
            }
        }
        let start_h = rows.len() - 1;
        let arena_mark = self.arena.len();
        for i in start_h + 1..=n {
            let pseudo_diag = (i as f64 * self.length_ratio).floor() as i64;
            let min_j = (pseudo_diag - self.beam_width).max(0) as usize;
            let mut max_j = (n_ref as i64 + 1).min(pseudo_diag + self.beam_width).max(0) as usize;
            if i == n {
                max_j = n_ref + 1;
            }
            let prev = rows[i - 1];
            let at = self.arena.len();
            let len = max_j.saturating_sub(min_j);
            self.arena.resize(at + len, EMPTY);
            let row = Row { lo: min_j, len, at };
            for j in min_j..max_j {
                let mut best = EMPTY;
                if j == 0 {
                    best = Cell { cost: self.cell(prev, 0).cost + COST_DEL, op: Op::Del };
                } else {
                    let (cost_sub, op_sub) = if words_h[i - 1] == self.words_ref[j - 1] { (0, Op::Nop) } else { (COST_SUB, Op::Sub) };
                    // Tercom prefers no-op/substitution, then insertion, then deletion; the
                    // trace is flipped later, hence deletion before insertion here.
                    let ops = [
                        (self.cell(prev, j - 1).cost + cost_sub, op_sub),
                        (self.cell(prev, j).cost + COST_DEL, Op::Del),
                        (self.arena[at + j - 1 - min_j].cost.min(INF) + COST_INS, Op::Ins),
                    ];
                    for (k, (cost, op)) in ops.into_iter().enumerate() {
                        // The left neighbour is outside this row's window when j == min_j.
                        if k == 2 && j == min_j {
                            continue;
                        }
                        if best.cost > cost {
                            best = Cell { cost, op };
                        }
                    }
                }
                self.arena[at + j - min_j] = best;
            }
            rows.push(row);
        }
        let distance = self.cell(rows[n], n_ref).cost;
        let trace = if want_trace { self.trace(&rows, n, n_ref) } else { Vec::new() };

        // Cache the new rows under their prefixes, within the budget; otherwise drop them.
        let new_cells = self.arena.len() - arena_mark;
        if n > start_h && self.cached_cells + new_cells <= MAX_CACHE_CELLS {
            self.cached_cells += new_cells;
            let mut parent = *path.last().unwrap();
            for i in start_h + 1..=n {
                let id = self.nodes.len();
                self.nodes.push(Node { children: Vec::new(), row: rows[i] });
                self.nodes[parent].children.push((words_h[i - 1], id));
                parent = id;
            }
        } else {
            self.arena.truncate(arena_mark);
        }
        (distance, trace)
    }

    fn trace(&self, rows: &[Row], n: usize, n_ref: usize) -> Vec<Op> {
        let (mut i, mut j) = (n, n_ref);
        let mut rev = Vec::with_capacity(n + n_ref);
        while i > 0 || j > 0 {
            let op = self.cell(rows[i], j).op;
            rev.push(op);
            match op {
                Op::Nop | Op::Sub => {
                    i -= 1;
                    j -= 1;
                }
                Op::Ins => j -= 1,
                Op::Del => i -= 1,
                // Unreachable with sacrebleu's beam (it would raise); stop rather than loop.
                Op::Undef => break,
            }
        }
        rev.reverse();
        rev
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ter(h: &str, r: &str) -> (usize, usize) {
        let mut i = Interner::default();
        let (h, r) = (i.ids(h), i.ids(r));
        translation_edit_rate(&h, &r)
    }

    #[test]
    fn edits_and_shifts() {
        assert_eq!(ter("a b c", "a b c"), (0, 3));
        assert_eq!(ter("", "a b c"), (3, 3));
        assert_eq!(ter("a b c", ""), (3, 0));
        // One shift moves "c d" to the front.
        assert_eq!(ter("a b c d", "c d a b"), (1, 4));
        assert_eq!(ter("x a b", "a b y"), (2, 3));
    }
}
