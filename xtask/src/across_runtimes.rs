//! The module fuzzer's comparison of one module's traces from two different runtimes (stock
//! Wasmtime, stock wasmi, the table-spec interpreter), after normalising what
//! `docs/semantics.md` §9 lists as legitimately different between them.
//!
//! A trace (see `trace_module` in `integrations/wasmtime/runner/main.rs`) is cut into steps: the
//! instantiation and each call, each with the table snapshots after it; the `count` lines at the
//! end are the counters of the table instructions executed. What is normalised:
//! - fuel and call depth: each runtime counts fuel its own way and has its own stack limit, so
//!   the traces are compared up to the first step that ran out of fuel or stack on *either*
//!   runtime (that step and all after it are not compared, nor are the counters);
//! - export order: every runner calls the exports in the byte order of their names, so there is
//!   nothing left to normalise;
//! - trap names: the runtimes name the traps a module without memories can reach alike, but
//!   wasmi reports an active element segment that does not fit its table as an instantiation
//!   error (`instantiate error ElementSegmentDoesNotFit`) where the specification, Wasmtime and
//!   table-spec trap (`instantiate trap TableOutOfBounds`): the two are compared as equal;
//! - features: a module one of the runtimes does not run (`module rejected`, `unsupported ...`)
//!   is not compared.

/// How two runtimes' traces of one module compare.
#[derive(Debug, PartialEq, Eq)]
pub enum Across {
    /// Equal in every step, and in the counters.
    Equal,
    /// Equal in the first `steps` steps, after which one runtime ran out of fuel or stack
    /// (`by_first`: the first one did, perhaps both).
    EqualUntilStop { steps: usize, by_first: bool },
    /// Not compared: a runtime does not run this module (`first` tells which).
    NotRun { first: bool },
    /// Different: the 0-based step where they first differ.
    Differ { step: usize },
}

/// A trace cut into its steps (each a list of lines) and its counter lines; `None` for a
/// module the runtime does not run.
fn steps(trace: &str) -> Option<(Vec<Vec<&str>>, Vec<&str>)> {
    let mut steps: Vec<Vec<&str>> = Vec::new();
    let mut counts = Vec::new();
    for line in trace.lines() {
        if line == "module rejected" || line.starts_with("unsupported") {
            return None;
        }
        let line = normal(line);
        if line.starts_with("count ") {
            counts.push(line);
        } else if line.starts_with("instantiate ") || line.starts_with("call ") {
            steps.push(vec![line]);
        } else if let Some(step) = steps.last_mut() {
            step.push(line);
        }
    }
    Some((steps, counts))
}

/// `line` with a runtime's own name for a trap replaced by the specification's.
fn normal(line: &str) -> &str {
    match line {
        "instantiate error ElementSegmentDoesNotFit" => "instantiate trap TableOutOfBounds",
        line => line,
    }
}

/// Whether a step ran out of fuel or stack (its first line ends so).
fn stopped(step: &[&str]) -> bool {
    step.first().is_some_and(|line| {
        line.ends_with(" trap OutOfFuel") || line.ends_with(" trap StackOverflow")
    })
}

/// Compares `first`'s and `second`'s traces of one module.
pub fn compare(first: &str, second: &str) -> Across {
    let ((first_steps, first_counts), (second_steps, second_counts)) =
        match (steps(first), steps(second)) {
            (Some(first), Some(second)) => (first, second),
            (first, _) => {
                return Across::NotRun {
                    first: first.is_none(),
                };
            }
        };
    for (step, (a, b)) in first_steps.iter().zip(&second_steps).enumerate() {
        if stopped(a) || stopped(b) {
            return Across::EqualUntilStop {
                steps: step,
                by_first: stopped(a),
            };
        }
        if a != b {
            return Across::Differ { step };
        }
    }
    if first_steps.len() != second_steps.len() {
        return Across::Differ {
            step: first_steps.len().min(second_steps.len()),
        };
    }
    if first_counts != second_counts {
        return Across::Differ {
            step: first_steps.len(),
        };
    }
    Across::Equal
}

/// The lines of `trace`'s step `step` (the counters for the step after the last), for a report.
pub fn step_text(trace: &str, step: usize) -> String {
    match steps(trace) {
        Some((steps, counts)) => steps
            .get(step)
            .unwrap_or(&counts)
            .iter()
            .map(|line| format!("    {line}\n"))
            .collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRACE: &str = "instantiate ok\ntable t 2 n*2\ncall a ok 1\ntable t 2 n*2\n\
                         call b ok\ntable t 2 f:a*1,n*1\ncount __count:table.set:0 1\n";

    #[test]
    fn equal_traces_are_equal() {
        assert_eq!(compare(TRACE, TRACE), Across::Equal);
    }

    #[test]
    fn a_slot_that_differs_is_found_in_its_step() {
        let other = TRACE.replace("f:a*1,n*1", "n*2");

        assert_eq!(compare(TRACE, &other), Across::Differ { step: 2 });
        assert_eq!(step_text(&other, 2), "    call b ok\n    table t 2 n*2\n");
    }

    #[test]
    fn counters_that_differ_are_a_difference_after_the_last_step() {
        let other = TRACE.replace("table.set:0 1", "table.set:0 2");

        assert_eq!(compare(TRACE, &other), Across::Differ { step: 3 });
    }

    #[test]
    fn running_out_of_fuel_on_either_side_ends_the_comparison_there() {
        let out_of_fuel = TRACE.replace(
            "call a ok 1\ntable t 2 n*2",
            "call a trap OutOfFuel\ntable t 2 f:a*2",
        );
        let out_of_stack = TRACE.replace("call b ok\n", "call b trap StackOverflow\n");

        let stop = |steps, by_first| Across::EqualUntilStop { steps, by_first };
        assert_eq!(compare(TRACE, &out_of_fuel), stop(1, false));
        assert_eq!(compare(&out_of_fuel, TRACE), stop(1, true));
        assert_eq!(compare(TRACE, &out_of_stack), stop(2, false));
    }

    #[test]
    fn a_step_before_the_stop_is_still_compared() {
        let other = TRACE
            .replace("call a ok 1", "call a ok 2")
            .replace("call b ok\n", "call b trap OutOfFuel\n");

        assert_eq!(compare(TRACE, &other), Across::Differ { step: 1 });
    }

    #[test]
    fn a_trace_that_ends_early_differs() {
        let other = "instantiate trap TableOutOfBounds\n";

        assert_eq!(compare(TRACE, other), Across::Differ { step: 0 });
        let shorter = TRACE.replace("call b ok\ntable t 2 f:a*1,n*1\n", "");
        assert_eq!(compare(TRACE, &shorter), Across::Differ { step: 2 });
    }

    #[test]
    fn wasmis_segment_error_at_instantiation_is_the_specifications_trap() {
        let trap = "instantiate trap TableOutOfBounds\n";
        let error = "instantiate error ElementSegmentDoesNotFit\n";

        assert_eq!(compare(trap, error), Across::Equal);
        assert_eq!(
            compare("instantiate error\n", error),
            Across::Differ { step: 0 }
        );
    }

    #[test]
    fn a_module_a_runtime_does_not_run_is_not_compared() {
        assert_eq!(
            compare("module rejected\n", TRACE),
            Across::NotRun { first: true }
        );
        assert_eq!(
            compare(TRACE, "unsupported struct.new\n"),
            Across::NotRun { first: false }
        );
    }
}
