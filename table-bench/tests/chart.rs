//! The plot is drawn by `plotters` from the report: one panel per operation and kind with
//! labelled log axes, one line per measured series, one legend for all panels.

mod common;

use common::{MILLION, fill_func_million, measured};
use std::path::Path;
use table_bench::chart::{self, SERIES, Series};
use table_bench::{Kind, Measurement, Op, Report, Storage, Variant};

/// Every variant of `fill` on funcref tables at 1e3 and 1e6 elements.
fn fill_func_every_series() -> Vec<Measurement> {
    let variants = [
        Variant::Ours(Storage::Dynamic),
        Variant::Ours(Storage::Static),
        Variant::Baseline,
        Variant::BaselineReadWrite,
        Variant::WasmtimeWasm,
        Variant::WasmtimeHost,
        Variant::WasmiHost,
    ];
    let mut measurements = Vec::new();
    for size in [1_000, MILLION] {
        for (index, variant) in variants.into_iter().enumerate() {
            let ns_per_element = 1.0 + index as f64;
            measurements.push(measured(
                Op::Fill,
                Kind::Func,
                size,
                variant,
                ns_per_element * size as f64,
            ));
        }
    }
    measurements
}

fn svg_of(measurements: &[Measurement]) -> String {
    chart::svg(&Report::from_measurements(measurements)).expect("plotters draws into a string")
}

/// The text of every `<text>` element, trimmed.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|element| {
            let content = element.split_once('>')?.1;
            Some(content.split("</text>").next()?.trim().to_string())
        })
        .collect()
}

/// The `<polyline>` elements stroked in `series`' colour.
fn lines_of(svg: &str, series: &Series) -> Vec<String> {
    let [red, green, blue] = series.color;
    let stroke = format!(r##"stroke="#{red:02X}{green:02X}{blue:02X}""##);
    svg.split('<')
        .filter(|element| element.starts_with("polyline ") && element.contains(&stroke))
        .map(str::to_string)
        .collect()
}

fn series(name: &str) -> &'static Series {
    SERIES
        .iter()
        .find(|series| series.name == name)
        .unwrap_or_else(|| panic!("no series {name}"))
}

#[test]
fn each_measured_series_is_one_line_through_its_points_besides_its_legend_entry() {
    let svg = svg_of(&fill_func_every_series());
    assert!(svg.starts_with("<svg"));
    assert!(svg.trim_end().ends_with("</svg>"));
    for series in &SERIES {
        let lines = lines_of(&svg, series);
        assert_eq!(
            lines.len(),
            2,
            "{}: legend and panel, got {lines:?}",
            series.name
        );
        let panel_line = &lines[1];
        let points = panel_line
            .split_once("points=\"")
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(points, _)| points.split_whitespace().count());
        assert_eq!(points, Some(2), "{}: 1e3 and 1e6", series.name);
    }
}

#[test]
fn a_series_the_run_did_not_measure_keeps_only_its_legend_entry() {
    // Fill func at 1e6 without wasmi, and get on GC tables with ours (dynamic) alone.
    let mut measurements = fill_func_million();
    measurements.push(measured(
        Op::Fill,
        Kind::Func,
        1_000,
        Variant::Ours(Storage::Dynamic),
        2.0e3,
    ));
    for size in [1_000, MILLION] {
        measurements.push(measured(
            Op::Get,
            Kind::Gc,
            size,
            Variant::Ours(Storage::Dynamic),
            size as f64,
        ));
    }
    let svg = svg_of(&measurements);
    assert_eq!(
        lines_of(&svg, series("ours, dynamic")).len(),
        3,
        "legend, fill, get"
    );
    assert_eq!(lines_of(&svg, series("wasmi host")).len(), 1, "legend only");
}

#[test]
fn every_panel_is_titled_and_labels_both_log_axes_by_decade() {
    let mut measurements = fill_func_every_series();
    measurements.push(measured(
        Op::Get,
        Kind::Gc,
        1_000,
        Variant::Ours(Storage::Dynamic),
        1000.0,
    ));
    let texts = texts(&svg_of(&measurements));
    let count = |text: &str| texts.iter().filter(|found| *found == text).count();
    assert_eq!(count(chart::TITLE), 1);
    assert_eq!(count("fill · func"), 1, "{texts:?}");
    assert_eq!(count("get · gc"), 1, "{texts:?}");
    assert_eq!(count(chart::X_AXIS), 2, "one per panel");
    assert_eq!(count(chart::Y_AXIS), 2, "one per panel");
    for series in &SERIES {
        assert_eq!(count(series.name), 1, "legend entry {}", series.name);
    }
    // Sizes 1e3 to 1e8 on every x axis; fill's figures (1 to 6 ns) span 1e0 to 1e1.
    for decade in ["1e3", "1e4", "1e5", "1e6", "1e7", "1e8"] {
        assert_eq!(count(decade), 2, "x tick {decade} in {texts:?}");
    }
    assert!(count("1e0") >= 1 && count("1e1") >= 1, "{texts:?}");
    assert!(
        texts.iter().all(|text| !text.contains("00000")),
        "ticks are written as powers of ten: {texts:?}"
    );
}

/// What a hand-drawn plot would contain: SVG markup in the crate's own source.
fn draws_svg_by_hand(source: &str) -> bool {
    [
        "<svg",
        "<polyline",
        "<line ",
        "<circle",
        "<rect",
        "<text",
        "<path",
    ]
    .iter()
    .any(|tag| source.contains(tag))
}

#[test]
fn table_bench_writes_no_svg_markup_of_its_own() {
    assert!(draws_svg_by_hand(
        r#"out.push_str("<polyline points=\"0,0\"/>");"#
    ));
    assert!(!draws_svg_by_hand(
        "chart.draw_series(LineSeries::new(points, style))?;"
    ));
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    assert!(
        !src.join("plot.rs").exists(),
        "the hand-written plot is gone"
    );
    for entry in std::fs::read_dir(&src).expect("read src") {
        let path = entry.expect("entry").path();
        let source = std::fs::read_to_string(&path).expect("read source");
        assert!(
            !draws_svg_by_hand(&source),
            "{} writes SVG markup",
            path.display()
        );
    }
}

/// The sizes beyond the last-level cache depend on the machine: every axis reaches the decade
/// above the largest, as well as 1e3 to 1e8.
#[test]
fn every_x_axis_reaches_the_largest_size_measured() {
    let mut measurements = fill_func_every_series();
    measurements.push(measured(
        Op::Fill,
        Kind::Gc,
        260_000_000,
        Variant::Ours(Storage::Dynamic),
        2.6e8,
    ));
    let texts = texts(&svg_of(&measurements));
    let count = |text: &str| texts.iter().filter(|found| *found == text).count();
    for decade in ["1e3", "1e4", "1e5", "1e6", "1e7", "1e8", "1e9"] {
        assert_eq!(count(decade), 2, "x tick {decade} in {texts:?}");
    }
}
