//! The one order every ranking in discovery uses: best first, ties broken by id, so that the
//! same input always gives the same lists.

/// Keeps the `k` best items, sorted best first, without sorting the rest.
pub(super) fn keep_best<T>(items: &mut Vec<T>, k: usize, key: impl Fn(&T) -> (f64, u32)) {
    let order = |a: &T, b: &T| {
        let (sa, ia) = key(a);
        let (sb, ib) = key(b);
        sb.total_cmp(&sa).then(ia.cmp(&ib))
    };
    if items.len() > k && k > 0 {
        items.select_nth_unstable_by(k - 1, order);
    }
    items.truncate(k);
    items.shrink_to_fit();
    items.sort_by(order);
}

/// Sorts best first: by score descending, then id ascending (a total, fixed order).
pub(super) fn sort_best<T>(items: &mut [T], key: impl Fn(&T) -> (f64, u32)) {
    items.sort_by(|a, b| {
        let (sa, ia) = key(a);
        let (sb, ib) = key(b);
        sb.total_cmp(&sa).then(ia.cmp(&ib))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_first_then_lowest_id() {
        let mut v = vec![(0.5, 3), (0.9, 7), (0.5, 1), (0.1, 0), (0.9, 2)];
        keep_best(&mut v, 3, |x| (x.0, x.1));
        assert_eq!(v, [(0.9, 2), (0.9, 7), (0.5, 1)]);
        let mut w = vec![(0.5, 3), (0.5, 1), (0.7, 9)];
        sort_best(&mut w, |x| (x.0, x.1));
        assert_eq!(w, [(0.7, 9), (0.5, 1), (0.5, 3)]);
    }
}
