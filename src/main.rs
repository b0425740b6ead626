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
            if err.chain().any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
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
