//! The report's plot: nanoseconds per element against table size, one panel per operation and
//! kind, ours against the baseline, Wasmtime and wasmi, on log-log axes. Drawn with `plotters`'
//! SVG backend, which lays out axes, ticks and labels and writes text as SVG text, so no font
//! files are read.

use crate::id::{Kind, Op, Storage};
use crate::number::significant;
use crate::report::{Report, Row};
use plotters::coord::Shift;
use plotters::drawing::DrawingAreaErrorKind;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::io;

/// The plot's title, above the legend.
pub const TITLE: &str = "ns per element against table size (log-log), medians of one run";
/// The description of every panel's x axis.
pub const X_AXIS: &str = "elements";
/// The description of every panel's y axis.
pub const Y_AXIS: &str = "ns per element";

const WIDTH: u32 = 1200;
const COLUMNS: usize = 4;
const PANEL_HEIGHT: u32 = 230;
const HEADER_HEIGHT: u32 = 64;
const LEGEND_ENTRY_WIDTH: i32 = 165;
const FONT: &str = "sans-serif";
/// The x axis spans at least 1e3 to 1e8 elements, and every size measured (the sizes beyond
/// the last-level cache are machine-dependent).
const SIZES: (f64, f64) = (1e3, 1e8);

/// One line of a panel: which figure of a row it plots, and how it looks.
pub struct Series {
    /// The name in the legend.
    pub name: &'static str,
    /// The line's colour, as red, green and blue.
    pub color: [u8; 3],
    /// The figure of a row this line plots, if the row has it.
    pub value: fn(&Row) -> Option<f64>,
}

impl Series {
    fn rgb(&self) -> RGBColor {
        let [red, green, blue] = self.color;
        RGBColor(red, green, blue)
    }
}

/// The lines of every panel, in legend order.
pub const SERIES: [Series; 7] = [
    Series {
        name: "ours, dynamic",
        color: [0x1f, 0x77, 0xb4],
        value: |row| (row.storage == Storage::Dynamic).then_some(row.ours),
    },
    Series {
        name: "ours, static",
        color: [0x17, 0xbe, 0xcf],
        value: |row| (row.storage == Storage::Static).then_some(row.ours),
    },
    Series {
        name: "baseline",
        color: [0x55, 0x55, 0x55],
        value: |row| row.baseline,
    },
    Series {
        name: "read+write",
        color: [0x8c, 0x56, 0x4b],
        value: |row| row.baseline_read_write,
    },
    Series {
        name: "Wasmtime wasm",
        color: [0xff, 0x7f, 0x0e],
        value: |row| row.wasmtime_wasm,
    },
    Series {
        name: "Wasmtime host",
        color: [0xd6, 0x27, 0x28],
        value: |row| row.wasmtime_host,
    },
    Series {
        name: "wasmi host",
        color: [0x2c, 0xa0, 0x2c],
        value: |row| row.wasmi_host,
    },
];

type Drawn<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// The plot of `report` as an SVG document.
///
/// # Errors
///
/// A drawing error `plotters` reports (its SVG backend writes to a string, so none is expected).
pub fn svg(report: &Report) -> io::Result<String> {
    let panels = panels(report);
    let sizes = size_decades(report);
    let rows = panels.len().div_ceil(COLUMNS).max(1);
    let height = HEADER_HEIGHT + PANEL_HEIGHT * rows as u32;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        draw(&root, &panels, rows, sizes).map_err(|error| io::Error::other(error.to_string()))?;
    }
    Ok(out)
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

/// The whole decades (as base-10 exponents) every panel's x axis spans: [`SIZES`] and every
/// size of the report.
fn size_decades(report: &Report) -> (i32, i32) {
    let sizes = report.rows().iter().map(|row| row.size as f64);
    decades(sizes.chain([SIZES.0, SIZES.1]))
}

/// The whole plot on `root`: the header, then the panels in a grid of `rows` by [`COLUMNS`],
/// each with an x axis over the decades `sizes`.
fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    panels: &[(Op, Kind, Vec<Row>)],
    rows: usize,
    sizes: (i32, i32),
) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let (header, body) = root.split_vertically(HEADER_HEIGHT);
    header_and_legend(&header)?;
    for ((op, kind, rows), cell) in panels.iter().zip(body.split_evenly((rows, COLUMNS))) {
        panel(&cell, *op, *kind, rows, sizes)?;
    }
    root.present()
}

/// The title and one entry per series: a short line with a point, and the series' name. One
/// legend for all panels, since every panel draws the same series the same way.
fn header_and_legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> Drawn<DB> {
    let left = |text_style: TextStyle<'static>| text_style.pos(Pos::new(HPos::Left, VPos::Center));
    area.draw(&Text::new(
        TITLE,
        (10, 16),
        left((FONT, 17.0, FontStyle::Bold).into()),
    ))?;
    let y = 44;
    for (index, series) in SERIES.iter().enumerate() {
        let x = 10 + LEGEND_ENTRY_WIDTH * index as i32;
        area.draw(&PathElement::new(
            vec![(x, y), (x + 28, y)],
            series.rgb().stroke_width(2),
        ))?;
        area.draw(&Circle::new((x + 14, y), 3, series.rgb().filled()))?;
        area.draw(&Text::new(
            series.name,
            (x + 36, y),
            left((FONT, 14.0).into()),
        ))?;
    }
    Ok(())
}

/// One panel: the measured series of one operation and kind against size, over the decades
/// `sizes`.
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    op: Op,
    kind: Kind,
    rows: &[Row],
    sizes: (i32, i32),
) -> Drawn<DB> {
    let lines: Vec<(&Series, Vec<(f64, f64)>)> = SERIES
        .iter()
        .map(|series| (series, points(series, rows)))
        .filter(|(_, points)| !points.is_empty())
        .collect();
    let measured = lines.iter().flat_map(|(_, points)| points.iter());
    let (low, high) = decades(measured.map(|&(_, ns)| ns));
    // A hair beyond the outer decades, so that rounding in the axis's own arithmetic cannot drop
    // the first or last tick.
    let y_range = 10f64.powi(low) * 0.999..10f64.powi(high) * 1.001;
    let x_range = 10f64.powi(sizes.0) * 0.999..10f64.powi(sizes.1) * 1.001;

    let mut chart = ChartBuilder::on(area)
        .caption(format!("{op} · {kind}"), (FONT, 16.0, FontStyle::Bold))
        .margin(8)
        .x_label_area_size(34)
        .y_label_area_size(54)
        .build_cartesian_2d(x_range.log_scale(), y_range.log_scale())?;
    chart
        .configure_mesh()
        .x_desc(X_AXIS)
        .y_desc(Y_AXIS)
        // One label per decade: as many labels as decades keeps the axis from adding 2x and 5x.
        .x_labels((sizes.1 - sizes.0) as usize)
        .y_labels((high - low) as usize)
        .x_label_formatter(&|size| power_of_ten(*size))
        .y_label_formatter(&|ns| power_of_ten(*ns))
        .label_style((FONT, 12.0))
        .axis_desc_style((FONT, 12.0))
        .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
        // Grid lines at the labelled decades only: the 2x..9x lines in between would outnumber
        // everything else in the file several times over.
        .light_line_style(TRANSPARENT)
        .draw()?;
    for (series, points) in &lines {
        chart.draw_series(LineSeries::new(
            points.iter().copied(),
            series.rgb().stroke_width(2),
        ))?;
        chart.draw_series(
            points
                .iter()
                .map(|&point| Circle::new(point, 3, series.rgb().filled())),
        )?;
    }
    Ok(())
}

/// The `(size, ns per element)` points of `series` in `rows`, one per size, smallest first.
fn points(series: &Series, rows: &[Row]) -> Vec<(f64, f64)> {
    let mut points: Vec<(u64, f64)> = rows
        .iter()
        .filter_map(|row| (series.value)(row).map(|ns| (row.size, ns)))
        .filter(|(_, ns)| *ns > 0.0 && ns.is_finite())
        .collect();
    // The baseline and the peers appear once per storage row: keep one point per size.
    points.sort_by_key(|(size, _)| *size);
    points.dedup_by_key(|(size, _)| *size);
    points
        .into_iter()
        .map(|(size, ns)| (size as f64, ns))
        .collect()
}

/// The whole decades (as base-10 exponents) that enclose `values`, at least one apart.
fn decades(values: impl Iterator<Item = f64>) -> (i32, i32) {
    let exponents: Vec<f64> = values.map(f64::log10).collect();
    let low = exponents
        .iter()
        .map(|e| e.floor())
        .fold(f64::INFINITY, f64::min);
    let high = exponents
        .iter()
        .map(|e| e.ceil())
        .fold(f64::NEG_INFINITY, f64::max);
    if !low.is_finite() || !high.is_finite() {
        return (0, 1);
    }
    let (low, high) = (low as i32, high as i32);
    (low, high.max(low + 1))
}

/// `1e3`, `1e-6` for powers of ten (within rounding), three significant digits otherwise.
fn power_of_ten(value: f64) -> String {
    let exponent = value.log10();
    if (exponent - exponent.round()).abs() < 1e-6 {
        format!("1e{}", exponent.round() as i32)
    } else {
        significant(value, 3)
    }
}
