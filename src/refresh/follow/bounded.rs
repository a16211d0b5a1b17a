//! The follower's visits, made on a few threads within the build's deadline.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Instant;

/// The visits made at once: each is to a different site, and waits mostly on the network.
const FOLLOW_THREADS: usize = 16;

/// A visit to make, on one of the follower's threads.
pub(super) type Job<T> = Box<dyn FnOnce() -> T + Send>;

/// Runs `jobs` on a few threads until all are done or `deadline` passes; a job not done by
/// then gives `None` (its thread ends with its request's own timeout, its result unused).
pub(super) fn run_bounded<T: Send + 'static>(
    jobs: Vec<Job<T>>,
    deadline: Instant,
) -> Vec<Option<T>> {
    let n = jobs.len();
    let mut out: Vec<Option<T>> = (0..n).map(|_| None).collect();
    let queue = Arc::new(Mutex::new(
        jobs.into_iter().enumerate().collect::<VecDeque<_>>(),
    ));
    let (tx, rx) = mpsc::channel::<(usize, T)>();
    for _ in 0..n.min(FOLLOW_THREADS) {
        let (queue, tx) = (queue.clone(), tx.clone());
        let spawned = std::thread::Builder::new()
            .name("toluu-follow".to_owned())
            .spawn(move || {
                loop {
                    let job = queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front();
                    let Some((i, job)) = job else { break };
                    if tx.send((i, job())).is_err() {
                        break;
                    }
                }
            });
        if spawned.is_err() {
            break;
        }
    }
    drop(tx);
    let mut received = 0;
    while received < n {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((i, value)) => {
                out[i] = Some(value);
                received += 1;
            }
            Err(_) => break,
        }
    }
    // What was not started is not started now.
    queue.lock().unwrap_or_else(|e| e.into_inner()).clear();
    out
}
