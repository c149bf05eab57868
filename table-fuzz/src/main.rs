//! `table-fuzz [--seconds N] [--seed S] [--operations N]`: runs random scenarios until the time is
//! up (or replays one seed) and prints how many operations ran.

use std::process::ExitCode;
use std::time::{Duration, Instant};
use table_fuzz::{Rng, run_scenario};

const USAGE: &str = "usage: table-fuzz [--seconds N] [--seed S] [--operations N]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("table-fuzz: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut seconds = 10u64;
    let mut seed = None;
    let mut operations = 200u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| -> Result<u64, String> {
            let text = args
                .next()
                .ok_or(format!("{name} needs a value\n{USAGE}"))?;
            let parsed = match text.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => text.parse(),
            };
            parsed.map_err(|_| format!("{name}: `{text}` is not a number"))
        };
        match arg.as_str() {
            "--seconds" => seconds = value("--seconds")?,
            "--seed" => seed = Some(value("--seed")?),
            "--operations" => operations = value("--operations")?,
            _ => return Err(format!("unknown argument `{arg}`\n{USAGE}")),
        }
    }

    if let Some(seed) = seed {
        let report = run_scenario(seed, operations)?;
        println!("seed {seed:#x}: {report:?}: passed");
        return Ok(());
    }

    let master = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    println!(
        "table-fuzz: master seed {master:#x}, {seconds} s, {operations} operations per scenario"
    );
    let mut seeds = Rng::new(master);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let (mut scenarios, mut total, mut by_flavour) =
        (0u64, 0u64, std::collections::BTreeMap::new());
    while Instant::now() < deadline {
        let seed = seeds.next_u64();
        let report = run_scenario(seed, operations).map_err(|error| {
            format!("{error}\nreplay: cargo xtask fuzz --seed {seed:#x} --operations {operations}")
        })?;
        scenarios += 1;
        total += report.operations;
        *by_flavour
            .entry(format!(
                "{:?}/{}",
                report.flavour,
                if report.is_static {
                    "static"
                } else {
                    "dynamic"
                }
            ))
            .or_insert(0u64) += report.operations;
    }
    for (flavour, count) in &by_flavour {
        println!("  {flavour:<20} {count} operations");
    }
    println!("table-fuzz: {total} operations in {scenarios} scenarios, no failure");
    Ok(())
}
