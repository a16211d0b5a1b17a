//! A dense accumulator reused across people or feeds, so that scoring one person touches only
//! the slots they reach and clears only those.

/// How many signals a slot accumulates: people, feeds, content.
pub(super) const SIGNALS: usize = 3;

/// `count` for how many times a slot was hit, `value` for each signal, and the list of touched
/// slots.
pub(super) struct Scratch {
    pub(super) value: Vec<[f32; SIGNALS]>,
    pub(super) count: Vec<u32>,
    pub(super) touched: Vec<u32>,
}

impl Scratch {
    pub(super) fn new(n: usize) -> Self {
        Scratch {
            value: vec![[0.0; SIGNALS]; n],
            count: vec![0; n],
            touched: Vec::new(),
        }
    }

    pub(super) fn add(&mut self, slot: u32, signal: usize, value: f32) {
        let i = slot as usize;
        if self.count[i] == 0 {
            self.touched.push(slot);
        }
        self.count[i] += 1;
        self.value[i][signal] += value;
    }

    pub(super) fn clear(&mut self) {
        for &t in &self.touched {
            self.value[t as usize] = [0.0; SIGNALS];
            self.count[t as usize] = 0;
        }
        self.touched.clear();
    }
}
