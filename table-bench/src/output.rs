//! Writing the report and its plot next to criterion's results.

use crate::chart;
use crate::report::Report;
use std::io;
use std::path::{Path, PathBuf};

/// The report's file name in the target directory.
pub const REPORT_FILE: &str = "bench-report.md";
/// The plot's file name in the target directory.
pub const PLOT_FILE: &str = "bench-plot.svg";

/// The files [`write()`] produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFiles {
    /// The Markdown report.
    pub report: PathBuf,
    /// The SVG plot.
    pub plot: PathBuf,
}

/// Writes `report` as [`REPORT_FILE`] (Markdown, linking the plot) and [`PLOT_FILE`] (SVG) in
/// `dir`, creating `dir` if needed.
///
/// # Errors
///
/// Any I/O error creating the directory or writing a file, or a drawing error from the plot
/// (see [`chart::svg`]).
pub fn write(dir: &Path, report: &Report) -> io::Result<ReportFiles> {
    std::fs::create_dir_all(dir)?;
    let files = ReportFiles {
        report: dir.join(REPORT_FILE),
        plot: dir.join(PLOT_FILE),
    };
    let mut markdown = report.markdown();
    markdown.push_str(&format!(
        "\n## Plot\n\n![ns per element against size]({PLOT_FILE})\n"
    ));
    std::fs::write(&files.report, markdown)?;
    std::fs::write(&files.plot, chart::svg(report)?)?;
    Ok(files)
}
