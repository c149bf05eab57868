//! The report's plot: nanoseconds per element against table size, one panel per operation and
//! kind, ours against the baseline, Wasmtime and wasmi, on log-log axes. Plain SVG, drawn here.

use crate::id::{Kind, Op};
use crate::report::{Report, Row, size_label};
use std::fmt::Write as _;

const PANEL_WIDTH: f64 = 300.0;
const PANEL_HEIGHT: f64 = 210.0;
const COLUMNS: usize = 4;
const LEGEND_HEIGHT: f64 = 50.0;
/// Margins inside a panel: left (y labels), right, top (title), bottom (x labels).
const MARGIN: (f64, f64, f64, f64) = (52.0, 12.0, 26.0, 30.0);
/// The x axis spans the sizes benchmarked: 1e3 to 1e8 elements.
const X_DECADES: (f64, f64) = (3.0, 8.0);

/// One line of a panel.
struct Series {
    name: &'static str,
    color: &'static str,
    dash: &'static str,
    value: fn(&Row) -> Option<f64>,
}

const SERIES: [Series; 6] = [
    Series {
        name: "ours, dynamic",
        color: "#1f77b4",
        dash: "",
        value: |row| (row.storage == crate::id::Storage::Dynamic).then_some(row.ours),
    },
    Series {
        name: "ours, static",
        color: "#17becf",
        dash: "6 3",
        value: |row| (row.storage == crate::id::Storage::Static).then_some(row.ours),
    },
    Series {
        name: "baseline",
        color: "#555555",
        dash: "2 3",
        value: |row| row.baseline,
    },
    Series {
        name: "Wasmtime wasm",
        color: "#ff7f0e",
        dash: "",
        value: |row| row.wasmtime_wasm,
    },
    Series {
        name: "Wasmtime host",
        color: "#d62728",
        dash: "6 3",
        value: |row| row.wasmtime_host,
    },
    Series {
        name: "wasmi host",
        color: "#2ca02c",
        dash: "2 2",
        value: |row| row.wasmi_host,
    },
];

/// The plot of `report` as an SVG document.
pub fn svg(report: &Report) -> String {
    let panels = panels(report);
    let rows = panels.len().div_ceil(COLUMNS).max(1);
    let width = PANEL_WIDTH * COLUMNS as f64;
    let height = LEGEND_HEIGHT + PANEL_HEIGHT * rows as f64;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="10">"#
    );
    let _ = writeln!(
        out,
        r#"<rect width="{width}" height="{height}" fill="white"/><text x="8" y="18" font-size="13" font-weight="bold">ns per element against table size (log-log), medians of one run</text>"#
    );
    for (index, series) in SERIES.iter().enumerate() {
        let x = 8.0 + index as f64 * 150.0;
        let _ = writeln!(
            out,
            r#"<line x1="{x}" y1="36" x2="{}" y2="36" stroke="{}" stroke-width="2" stroke-dasharray="{}"/><text x="{}" y="40">{}</text>"#,
            x + 24.0,
            series.color,
            series.dash,
            x + 30.0,
            series.name
        );
    }
    for (index, (op, kind, rows)) in panels.iter().enumerate() {
        let left = PANEL_WIDTH * (index % COLUMNS) as f64;
        let top = LEGEND_HEIGHT + PANEL_HEIGHT * (index / COLUMNS) as f64;
        panel(&mut out, left, top, *op, *kind, rows);
    }
    out.push_str("</svg>\n");
    out
}

/// The report's rows grouped by operation and kind, in report order.
fn panels(report: &Report) -> Vec<(Op, Kind, Vec<Row>)> {
    let mut panels: Vec<(Op, Kind, Vec<Row>)> = Vec::new();
    for row in report.rows() {
        match panels.last_mut() {
            Some((op, kind, rows)) if *op == row.op && *kind == row.kind => rows.push(*row),
            _ => panels.push((row.op, row.kind, vec![*row])),
        }
    }
    panels
}

/// Draws one panel with its top-left corner at (`left`, `top`).
fn panel(out: &mut String, left: f64, top: f64, op: Op, kind: Kind, rows: &[Row]) {
    let (margin_left, margin_right, margin_top, margin_bottom) = MARGIN;
    let plot_left = left + margin_left;
    let plot_right = left + PANEL_WIDTH - margin_right;
    let plot_top = top + margin_top;
    let plot_bottom = top + PANEL_HEIGHT - margin_bottom;

    let values: Vec<f64> = rows
        .iter()
        .flat_map(|row| SERIES.iter().filter_map(|series| (series.value)(row)))
        .filter(|value| *value > 0.0 && value.is_finite())
        .collect();
    let (low, high) = decades(&values);
    let x_of = |size: u64| {
        let fraction = ((size as f64).log10() - X_DECADES.0) / (X_DECADES.1 - X_DECADES.0);
        plot_left + fraction * (plot_right - plot_left)
    };
    let y_of = |ns: f64| {
        let fraction = (ns.log10() - low) / (high - low);
        plot_bottom - fraction * (plot_bottom - plot_top)
    };

    let _ = writeln!(
        out,
        r#"<text x="{}" y="{}" font-size="12" font-weight="bold">{op} · {kind}</text>"#,
        plot_left,
        top + 16.0
    );
    let _ = writeln!(
        out,
        r##"<rect x="{plot_left}" y="{plot_top}" width="{}" height="{}" fill="none" stroke="#999"/>"##,
        plot_right - plot_left,
        plot_bottom - plot_top
    );
    let mut decade = low;
    while decade <= high {
        let y = y_of(10f64.powf(decade));
        let _ = writeln!(
            out,
            r##"<line x1="{plot_left}" y1="{y:.1}" x2="{plot_right}" y2="{y:.1}" stroke="#eee"/><text x="{}" y="{:.1}" text-anchor="end">1e{decade}</text>"##,
            plot_left - 4.0,
            y + 3.0
        );
        decade += 1.0;
    }
    for size in [1_000, 1_000_000, 100_000_000] {
        let x = x_of(size);
        let _ = writeln!(
            out,
            r##"<line x1="{x:.1}" y1="{plot_top}" x2="{x:.1}" y2="{plot_bottom}" stroke="#eee"/><text x="{x:.1}" y="{}" text-anchor="middle">{}</text>"##,
            plot_bottom + 12.0,
            size_label(size)
        );
    }
    let _ = writeln!(
        out,
        r#"<text x="{}" y="{}" text-anchor="middle">elements</text>"#,
        (plot_left + plot_right) / 2.0,
        plot_bottom + 24.0
    );

    for series in &SERIES {
        let mut points: Vec<(u64, f64)> = rows
            .iter()
            .filter_map(|row| (series.value)(row).map(|ns| (row.size, ns)))
            .filter(|(_, ns)| *ns > 0.0 && ns.is_finite())
            .collect();
        // The baseline and the peers appear once per storage row: keep one point per size.
        points.sort_by_key(|(size, _)| *size);
        points.dedup_by_key(|(size, _)| *size);
        let coordinates: Vec<String> = points
            .iter()
            .map(|&(size, ns)| format!("{:.1},{:.1}", x_of(size), y_of(ns)))
            .collect();
        if coordinates.len() > 1 {
            let _ = writeln!(
                out,
                r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2" stroke-dasharray="{}"/>"#,
                coordinates.join(" "),
                series.color,
                series.dash
            );
        }
        for &(size, ns) in &points {
            let _ = writeln!(
                out,
                r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{}"><title>{}: {} ns/elem at {}</title></circle>"#,
                x_of(size),
                y_of(ns),
                series.color,
                series.name,
                crate::number::format_ns(ns),
                size_label(size)
            );
        }
    }
}

/// The whole decades (as base-10 exponents) that enclose `values`, at least one apart.
fn decades(values: &[f64]) -> (f64, f64) {
    let low = values
        .iter()
        .map(|value| value.log10().floor())
        .fold(f64::INFINITY, f64::min);
    let high = values
        .iter()
        .map(|value| value.log10().ceil())
        .fold(f64::NEG_INFINITY, f64::max);
    if !low.is_finite() || !high.is_finite() {
        return (0.0, 1.0);
    }
    if high > low {
        (low, high)
    } else {
        (low, low + 1.0)
    }
}
