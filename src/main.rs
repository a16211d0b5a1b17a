//! The `toluu` command line: a thin layer over the library (see [`toluu::cli`]).

use std::process::ExitCode;

fn main() -> ExitCode {
    no_huge_pages();
    toluu::cli::main()
}

/// Asks Linux not to back this process's memory with transparent huge pages. mimalloc asks
/// for them, and the kernel then zeroes a fresh 2 MB page wherever a build first touches
/// memory: in a warm build that was a third of the CPU time and 50 MB of peak RSS
/// (docs/src/performance.md). A build is short-lived and touches its memory once.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and changes only this process's flags.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// The allocator: rendering thousands of pages is allocation-bound, and mimalloc is markedly
/// faster than the system allocator under rayon's threads (see README "Performance").
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
