//! The `toluu` command line: a thin layer over the library (see [`toluu::cli`]).

use std::process::ExitCode;

fn main() -> ExitCode {
    no_huge_pages();
    prompt_purge();
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

/// mimalloc's `mi_option_purge_delay` (its place in the list of options, v2 and v3 alike).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Asks mimalloc to give memory a thread freed back to the system after 50 ms, not a second:
/// the icon lookups run on threads of their own beside the feeds' fetches, and each of those
/// threads otherwise kept about a megabyte it no longer used into the render (a cold build of
/// 1,000 feeds peaked at 245-256 MB instead of 181-190; a warm build's CPU is the same;
/// docs/src/performance.md).
fn prompt_purge() {
    // SAFETY: sets one integer option, before any other thread exists.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 50);
    }
}

/// The allocator: rendering thousands of pages is allocation-bound, and mimalloc is markedly
/// faster than the system allocator under rayon's threads (see README "Performance").
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
