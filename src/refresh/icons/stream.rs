//! Pictures looked up while the feeds are still being fetched: each feed's icon is asked for
//! as soon as its feed is in ([`Lookups::want`]), on threads of their own, so that a cold
//! build waits for the slowest of the two, not for both one after the other.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;

use chrono::{DateTime, Utc};

use super::lookup::Fetchers;
use super::store::{IconStore, Picture};
use super::{Pictures, Wanted, collect, from_state, refresh_one};
use crate::site::FetchConfig;

/// What one lookup gave: the picture kept, and the warnings.
type Looked = (Option<Picture>, Vec<String>);

/// Lookups under way: [`Lookups::want`] hands one on, [`Lookups::finish`] waits for all.
pub struct Lookups {
    tx: Mutex<Option<mpsc::Sender<Wanted>>>,
    asked: Mutex<HashSet<String>>,
    workers: Vec<JoinHandle<Vec<(String, Looked)>>>,
    store: IconStore,
    /// Why nothing was fetched (the client could not be made).
    failed: Option<String>,
}

impl Lookups {
    /// Starts `config.concurrency` lookup threads, keeping the pictures in `dir`.
    pub fn start(config: &FetchConfig, dir: &Path, now: DateTime<Utc>) -> Lookups {
        let store = IconStore::new(dir);
        let (tx, rx) = mpsc::channel::<Wanted>();
        let mut lookups = Lookups {
            tx: Mutex::new(Some(tx)),
            asked: Mutex::new(HashSet::new()),
            workers: Vec::new(),
            store: IconStore::new(dir),
            failed: None,
        };
        let fetchers = match Fetchers::new(config) {
            Ok(f) => Arc::new(f),
            Err(e) => {
                lookups.failed = Some(format!("icons not fetched: {e}"));
                lookups.tx = Mutex::new(None);
                return lookups;
            }
        };
        let rx = Arc::new(Mutex::new(rx));
        let store = Arc::new(store);
        for i in 0..config.concurrency.max(1) {
            let (rx, fetchers, store) = (rx.clone(), fetchers.clone(), store.clone());
            let spawned = std::thread::Builder::new()
                .name(format!("toluu-icons-{i}"))
                .spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let next = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                        let Ok(w) = next else { break };
                        let looked = refresh_one(&w, &fetchers, &store, now);
                        done.push((w.key, looked));
                    }
                    done
                });
            match spawned {
                Ok(handle) => lookups.workers.push(handle),
                Err(_) => break,
            }
        }
        lookups
    }

    /// Asks for the picture of `w` (once per key; later asks for the same key are ignored).
    pub fn want(&self, w: Wanted) {
        if !self
            .asked
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(w.key.clone())
        {
            return;
        }
        if let Some(tx) = &*self.tx.lock().unwrap_or_else(|e| e.into_inner()) {
            // A send fails only when every worker is gone: that picture comes from the state.
            let _ = tx.send(w);
        }
    }

    /// Waits for every lookup asked for; the pictures of `wanted`, in its order (those never
    /// asked for, or whose lookup was lost, as the state has them).
    pub fn finish(self, wanted: &[Wanted]) -> Pictures {
        drop(self.tx.lock().unwrap_or_else(|e| e.into_inner()).take());
        let mut looked: HashMap<String, Looked> = HashMap::new();
        for worker in self.workers {
            if let Ok(done) = worker.join() {
                looked.extend(done);
            }
        }
        let results = wanted
            .iter()
            .map(|w| {
                looked.remove(&w.key).unwrap_or_else(|| {
                    let mut state = from_state(std::slice::from_ref(w), &self.store);
                    let picture = state.by_key.remove(&w.key);
                    (picture, state.warnings)
                })
            })
            .collect();
        let mut pictures = collect(wanted, results);
        pictures.warnings.extend(self.failed);
        pictures
    }
}
