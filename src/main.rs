//! The `verbatim` binary: parse the command line, run it, turn the outcome into an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match verbatim::cli::Cli::try_parse_args() {
        Ok(cli) => cli,
        Err(err) if !err.use_stderr() => {
            // --help and --version.
            let _ = err.print();
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            eprint!("verbatim: {}", err.render());
            return ExitCode::from(2);
        }
    };
    match verbatim::run(cli) {
        Ok(outcome) => outcome.exit_code(),
        Err(err) => {
            // A closed pipe (`verbatim search … | head`) is the reader's choice, not an error.
            if err.chain().any(is_broken_pipe) {
                return ExitCode::SUCCESS;
            }
            eprintln!("verbatim: error: {err:#}");
            // The shell's code for a run stopped by Ctrl-C.
            if err.chain().any(|cause| {
                matches!(
                    cause.downcast_ref(),
                    Some(verbatim::error::Error::Interrupted)
                )
            }) {
                return ExitCode::from(130);
            }
            ExitCode::from(2)
        }
    }
}

/// Whether `cause` is a write to a pipe whose reader has gone, as an I/O error of its own or
/// inside the library's error, which shows it transparently.
fn is_broken_pipe(cause: &(dyn std::error::Error + 'static)) -> bool {
    let io = cause.downcast_ref::<std::io::Error>().or_else(|| {
        match cause.downcast_ref::<verbatim::error::Error>() {
            Some(verbatim::error::Error::Io(io)) => Some(io),
            _ => None,
        }
    });
    io.is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
