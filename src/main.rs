//! The `toluu` command line: a thin layer over the library (see [`toluu::cli`]).

use std::process::ExitCode;

fn main() -> ExitCode {
    toluu::cli::main()
}

/// The allocator: rendering thousands of pages is allocation-bound, and mimalloc is markedly
/// faster than the system allocator under rayon's threads (see README "Performance").
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
