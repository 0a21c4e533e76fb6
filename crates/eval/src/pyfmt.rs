//! Python's text forms that sacrebleu's command line prints: `repr(float)`, `json.dumps`
//! (with its `indent` and `ensure_ascii`), and the two `tabulate` layouts of its tables
//! (`fancy_grid` for `-f text`, `latex_booktabs` for `-f latex`).

/// Python's `repr(x)` of a float: the shortest digits that round-trip (as Rust's), fixed
/// notation for exponents -4..16 with at least one decimal, else `1e-05` / `1.5e+16`.
pub(crate) fn py_repr(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into(); // json.dumps' spelling; repr would say nan
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    let sci = format!("{x:e}"); // "-1.2345e-5": shortest round-trip digits
    let (mantissa, exp) = sci.split_once('e').expect("LowerExp has an exponent");
    let exp: i32 = exp.parse().expect("integer exponent");
    let (sign, mantissa) = mantissa.strip_prefix('-').map_or(("", mantissa), |m| ("-", m));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if (-4..16).contains(&exp) {
        let point = exp + 1; // digits before the decimal point
        let body = if point <= 0 {
            format!("0.{}{digits}", "0".repeat((-point) as usize))
        } else if point as usize >= digits.len() {
            format!("{digits}{}.0", "0".repeat(point as usize - digits.len()))
        } else {
            format!("{}.{}", &digits[..point as usize], &digits[point as usize..])
        };
        format!("{sign}{body}")
    } else {
        let m = if digits.len() > 1 { format!("{}.{}", &digits[..1], &digits[1..]) } else { digits };
        format!("{sign}{m}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    }
}

/// `float(f"{x:.{width}f}")` as Python prints it: the score sacrebleu puts in its JSON.
pub(crate) fn rounded(x: f64, width: usize) -> f64 {
    format!("{x:.width$}").parse().expect("a formatted float parses")
}

/// A JSON value as Python's `json` module writes it (keys keep their order).
#[derive(Debug, Clone)]
pub(crate) enum Json {
    Null,
    Float(f64),
    Str(String),
    List(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// `json.dumps(value, indent=indent, ensure_ascii=ensure_ascii)`.
pub(crate) fn dumps(value: &Json, indent: usize, ensure_ascii: bool) -> String {
    let mut out = String::new();
    write_json(&mut out, value, indent, 0, ensure_ascii);
    out
}

fn write_json(out: &mut String, v: &Json, indent: usize, level: usize, ascii: bool) {
    let pad = |n: usize| " ".repeat(indent * n);
    match v {
        Json::Null => out.push_str("null"),
        Json::Float(x) => out.push_str(&py_repr(*x)),
        Json::Str(s) => write_str(out, s, ascii),
        Json::List(items) if items.is_empty() => out.push_str("[]"),
        Json::Object(items) if items.is_empty() => out.push_str("{}"),
        Json::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i > 0 { ",\n" } else { "\n" });
                out.push_str(&pad(level + 1));
                write_json(out, item, indent, level + 1, ascii);
            }
            out.push('\n');
            out.push_str(&pad(level));
            out.push(']');
        }
        Json::Object(items) => {
            out.push('{');
            for (i, (k, item)) in items.iter().enumerate() {
                out.push_str(if i > 0 { ",\n" } else { "\n" });
                out.push_str(&pad(level + 1));
                write_str(out, k, ascii);
                out.push_str(": ");
                write_json(out, item, indent, level + 1, ascii);
            }
            out.push('\n');
            out.push_str(&pad(level));
            out.push('}');
        }
    }
}

fn write_str(out: &mut String, s: &str, ascii: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (ascii && !c.is_ascii()) => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Column alignment of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Right,
    Center,
}

/// Python's `"{:^w}"` / `"{:>w}"`: centring puts the odd space on the right.
fn pad(s: &str, width: usize, align: Align) -> String {
    let n = s.chars().count();
    let fill = width.saturating_sub(n);
    match align {
        Align::Right => format!("{}{s}", " ".repeat(fill)),
        Align::Center => format!("{}{s}{}", " ".repeat(fill / 2), " ".repeat(fill - fill / 2)),
    }
}

/// `tabulate(columns, headers="keys", tablefmt="fancy_grid" or "latex_booktabs",
/// colalign=("right",), stralign="center", numalign="center")` as sacrebleu calls it, on cells
/// already formatted (sacrebleu formats numbers with the same width as tabulate's `floatfmt`,
/// so tabulate's number parsing gives back the same text).
pub(crate) fn tabulate(headers: &[String], rows: &[Vec<String>], latex: bool) -> String {
    let aligns: Vec<Align> = (0..headers.len()).map(|c| if c == 0 { Align::Right } else { Align::Center }).collect();
    let multiline = !latex && rows.iter().flatten().chain(headers).any(|c| c.contains('\n'));
    let lines_of = |s: &str| -> Vec<String> {
        if multiline {
            s.lines().map(|l| l.trim().to_string()).collect()
        } else {
            vec![s.trim().to_string()]
        }
    };
    // Widths: the widest line of a column, at least its header plus 2 (tabulate's MIN_PADDING).
    let widths: Vec<usize> = (0..headers.len())
        .map(|c| {
            let cells = rows.iter().flat_map(|r| lines_of(&r[c])).map(|l| l.chars().count()).max().unwrap_or(0);
            let header = headers[c].lines().map(|l| l.chars().count()).max().unwrap_or(0);
            cells.max(header + 2)
        })
        .collect();
    let cell_lines = |row: &[String]| -> Vec<Vec<String>> {
        let cells: Vec<Vec<String>> =
            row.iter().enumerate().map(|(c, s)| lines_of(s).iter().map(|l| pad(l, widths[c], aligns[c])).collect()).collect();
        let n = cells.iter().map(Vec::len).max().unwrap_or(1);
        cells
            .into_iter()
            .enumerate()
            .map(|(c, mut l)| {
                l.resize(n, " ".repeat(widths[c]));
                l
            })
            .collect()
    };
    if latex {
        let escape = |s: &str| -> String {
            s.chars()
                .map(|c| match c {
                    '&' => "\\&".to_string(),
                    '%' => "\\%".into(),
                    '$' => "\\$".into(),
                    '#' => "\\#".into(),
                    '_' => "\\_".into(),
                    '^' => "\\^{}".into(),
                    '{' => "\\{".into(),
                    '}' => "\\}".into(),
                    '~' => "\\textasciitilde{}".into(),
                    '\\' => "\\textbackslash{}".into(),
                    '<' => "\\ensuremath{<}".into(),
                    '>' => "\\ensuremath{>}".into(),
                    c => c.to_string(),
                })
                .collect()
        };
        let row_line = |row: &[String]| -> String {
            let cells: Vec<String> = cell_lines(row).iter().map(|l| escape(&format!(" {} ", l[0]))).collect();
            format!("{}\\\\", cells.join("&")).trim_end().to_string()
        };
        let spec: String = aligns.iter().map(|a| if *a == Align::Right { 'r' } else { 'c' }).collect();
        let mut out = vec![format!("\\begin{{tabular}}{{{spec}}}"), "\\toprule".into(), row_line(headers), "\\midrule".into()];
        out.extend(rows.iter().map(|r| row_line(r)));
        out.push("\\bottomrule\n\\end{tabular}".into());
        return out.join("\n");
    }
    let rule = |l: char, fill: char, mid: char, r: char| -> String {
        let parts: Vec<String> = widths.iter().map(|w| fill.to_string().repeat(w + 2)).collect();
        format!("{l}{}{r}", parts.join(&mid.to_string()))
    };
    let mut out = vec![rule('╒', '═', '╤', '╕')];
    let push_row = |out: &mut Vec<String>, row: &[String]| {
        let cells = cell_lines(row);
        for i in 0..cells[0].len() {
            let line: Vec<String> = cells.iter().map(|c| format!(" {} ", c[i])).collect();
            out.push(format!("│{}│", line.join("│")).trim_end().to_string());
        }
    };
    push_row(&mut out, headers);
    out.push(rule('╞', '═', '╪', '╡'));
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            out.push(rule('├', '─', '┼', '┤'));
        }
        push_row(&mut out, row);
    }
    out.push(rule('╘', '═', '╧', '╛'));
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_like_python() {
        for (x, s) in [
            (55.7, "55.7"),
            (100.0, "100.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1e16, "1e+16"),
            (123456789012345.6, "123456789012345.6"),
            (0.000999000999000999, "0.000999000999000999"),
            (-2.5e-7, "-2.5e-07"),
        ] {
            assert_eq!(py_repr(x), s, "{x}");
        }
        assert_eq!(rounded(55.737577, 1), 55.7);
    }

    #[test]
    fn json_like_python() {
        let v = Json::Object(vec![("a".into(), Json::Float(1.0)), ("b".into(), Json::List(vec![Json::Str("é\"\n".into()), Json::Null]))]);
        assert_eq!(dumps(&v, 1, false), "{\n \"a\": 1.0,\n \"b\": [\n  \"é\\\"\\n\",\n  null\n ]\n}");
        assert_eq!(dumps(&Json::Str("é😀".into()), 4, true), "\"\\u00e9\\ud83d\\ude00\"");
    }
}
