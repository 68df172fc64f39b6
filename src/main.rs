//! The `chipbot` binary: a thin shell around [`chipbot::cli`].

fn main() -> std::process::ExitCode {
    chipbot::cli::main()
}
