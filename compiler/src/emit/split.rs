//! Which declarations share a stack, when a program outgrows one.
//!
//! Input: the declarations in dependency order (what is referred to comes
//! first, ties broken by name) with the resources and bytes each lowers to,
//! and a stack's budget. Output: consecutive runs of that order, one per
//! stack.
//! Invariants: a declaration's resources are never divided; a stack never
//! passes the budget unless one declaration alone does; because runs follow
//! the dependency order, a stack refers only to stacks before it, so the
//! stacks always deploy in order and never form a cycle; the same input
//! gives the same runs.
//!
//! Why cut points are chosen by hash: cutting the order into equal runs
//! would move every declaration after an insertion into the next stack,
//! and a resource that changes stack is deleted and created again. Here a
//! segment ends after a declaration whose name hashes below its share of a
//! target size (content-defined chunking, as backup tools cut files), so a
//! cut depends on that declaration, not on its position. A stack is named
//! after the declaration that closes its segment, and a segment too big for
//! one stack is cut into numbered parts from its start. A new declaration
//! therefore joins one stack, shifts one declaration across each part
//! boundary of its segment, or (rarely) closes a segment of its own.

use std::ops::Range;

/// What one declaration weighs.
#[derive(Clone, Copy, Debug)]
pub struct Item<'a> {
    pub name: &'a str,
    pub resources: u64,
    pub bytes: u64,
}

/// What one stack may hold.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    pub resources: u64,
    pub bytes: u64,
}

/// One stack's share of the order.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub range: Range<usize>,
    /// The declaration the stack is named after: the one that closes its
    /// segment. `None` for the program's last segment, which keeps the
    /// program's name.
    pub named_after: Option<usize>,
    /// Which piece of a segment too big for one stack, from 1; `None` for
    /// a segment's last piece (or a whole segment).
    pub part: Option<usize>,
}

/// The runs of `items`, one per stack: the whole of it when it fits.
pub fn partition(items: &[Item<'_>], budget: Budget) -> Vec<Run> {
    let total = items
        .iter()
        .fold((0, 0), |(r, b), it| (r + it.resources, b + it.bytes));
    let whole = |range| Run {
        range,
        named_after: None,
        part: None,
    };
    if total.0 <= budget.resources && total.1 <= budget.bytes {
        return vec![whole(0..items.len())];
    }
    let mut runs = vec![];
    for seg in segments(items, budget) {
        let named_after = (seg.end < items.len()).then(|| seg.end - 1);
        let pieces = pieces(items, seg, budget);
        let last = pieces.len();
        runs.extend(pieces.into_iter().enumerate().map(|(i, range)| Run {
            range,
            named_after,
            part: (i + 1 < last).then_some(i + 1),
        }));
    }
    runs
}

/// The order cut after every declaration that ends a segment. Segments are
/// half the budget on average, which leaves each room to grow, and none
/// smaller than an eighth of it, so a program is not strewn over stacks of
/// one declaration.
fn segments(items: &[Item<'_>], budget: Budget) -> Vec<Range<usize>> {
    let target = (budget.resources / 2).max(1);
    let least = budget.resources / 8;
    let mut out = vec![];
    let (mut start, mut r) = (0, 0);
    for (i, it) in items.iter().enumerate() {
        r += it.resources;
        if r >= least && ends_segment(it, target) {
            out.push(start..i + 1);
            (start, r) = (i + 1, 0);
        }
    }
    if start < items.len() {
        out.push(start..items.len());
    }
    out
}

/// A segment cut, from its start, into pieces that fit the budget. An
/// insertion shifts each later cut by that one declaration, no more.
fn pieces(items: &[Item<'_>], seg: Range<usize>, budget: Budget) -> Vec<Range<usize>> {
    let mut out = vec![];
    let mut start = seg.start;
    let (mut r, mut b) = (0, 0);
    for i in seg.clone() {
        let Some(it) = items.get(i) else { break };
        if i > start && (r + it.resources > budget.resources || b + it.bytes > budget.bytes) {
            out.push(start..i);
            start = i;
            (r, b) = (0, 0);
        }
        r += it.resources;
        b += it.bytes;
    }
    out.push(start..seg.end);
    out
}

/// Whether a segment ends after `it`: with a chance of its share of
/// `target`, decided by its name alone.
fn ends_segment(it: &Item<'_>, target: u64) -> bool {
    it.resources > 0 && hash(it.name) % target < it.resources
}

/// FNV-1a, finished with SplitMix64's mixer so that names differing in one
/// trailing digit land far apart. Fixed here rather than taken from std,
/// whose hasher may change between Rust releases: stack membership must
/// not.
fn hash(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// The name of `run`'s stack: the program's name, then the closing
/// declaration in kebab case, then `PartN`. Declared names are lower case,
/// so the capital keeps a part from meeting a declaration's name.
pub fn stack_name(project: &str, run: &Run, items: &[Item<'_>]) -> String {
    let mut name = project.to_string();
    if let Some(it) = run.named_after.and_then(|i| items.get(i)) {
        name.push('-');
        name.push_str(&crate::lower::kebab(it.name));
    }
    if let Some(n) = run.part {
        name.push_str(&format!("-Part{n}"));
    }
    name
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    const BUDGET: Budget = Budget {
        resources: 500,
        bytes: 1_000_000,
    };

    fn items(names: &[String], weight: impl Fn(usize) -> u64) -> Vec<Item<'_>> {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| Item {
                name: n,
                resources: weight(i),
                bytes: weight(i) * 1000,
            })
            .collect()
    }

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("pool_{i:04}")).collect()
    }

    /// Each declaration's stack name.
    fn stacks(names: &[String], weight: impl Fn(usize) -> u64) -> BTreeMap<String, String> {
        let its = items(names, weight);
        let mut out = BTreeMap::new();
        for run in partition(&its, BUDGET) {
            let stack = stack_name("p", &run, &its);
            for it in &its[run.range.clone()] {
                out.insert(it.name.to_string(), stack.clone());
            }
        }
        out
    }

    #[test]
    fn a_program_that_fits_is_one_stack() {
        let n = names(166);
        let runs = partition(&items(&n, |_| 3), BUDGET);
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].range, 0..166);
        assert_eq!(stack_name("retail", &runs[0], &items(&n, |_| 3)), "retail");
    }

    #[test]
    fn runs_cover_the_order_keep_to_the_budget_and_have_distinct_names() {
        let n = names(1000);
        let its = items(&n, |i| 1 + (i % 7) as u64);
        let runs = partition(&its, BUDGET);
        assert!(runs.len() > 1);
        let mut next = 0;
        let mut seen = std::collections::BTreeSet::new();
        for run in &runs {
            assert_eq!(run.range.start, next);
            next = run.range.end;
            let r: u64 = its[run.range.clone()].iter().map(|i| i.resources).sum();
            assert!(r <= BUDGET.resources, "{run:?} holds {r}");
            assert!(seen.insert(stack_name("p", run, &its)), "{run:?}");
        }
        assert_eq!(next, its.len());
        assert_eq!(
            runs.last().map(|r| stack_name("p", r, &its)),
            Some("p".to_string())
        );
        assert_eq!(runs, partition(&its, BUDGET));
    }

    #[test]
    fn bytes_cut_a_run_too() {
        let n = names(100);
        let its: Vec<Item<'_>> = n
            .iter()
            .map(|name| Item {
                name,
                resources: 1,
                bytes: 100_000,
            })
            .collect();
        for run in partition(&its, BUDGET) {
            assert!(run.range.len() <= 10, "{run:?}");
        }
    }

    #[test]
    fn a_declaration_past_the_budget_has_a_stack_of_its_own() {
        let n = names(3);
        let runs = partition(&items(&n, |i| if i == 1 { 600 } else { 10 }), BUDGET);
        assert!(runs.iter().any(|r| r.range == (1..2)), "{runs:?}");
    }

    /// Inserting one declaration anywhere moves few of the others to
    /// another stack: never more than one stack's worth, and a handful on
    /// average (an equal split would move everything after the insertion).
    #[test]
    fn an_insertion_moves_few_declarations() {
        let all = names(2001);
        let weight = |i: usize| 1 + (i % 5) as u64;
        let mut moved_total = 0;
        let mut trials = 0;
        for k in (1..2000).step_by(37) {
            let before: Vec<String> = all
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != k)
                .map(|(_, n)| n.clone())
                .collect();
            let a = stacks(&before, |i| weight(if i >= k { i + 1 } else { i }));
            let b = stacks(&all, weight);
            let moved = a.iter().filter(|(n, s)| b.get(*n) != Some(*s)).count();
            assert!(moved <= 167, "inserting {k} moved {moved}");
            moved_total += moved;
            trials += 1;
        }
        assert!(moved_total / trials < 20, "{moved_total} over {trials}");
    }
}
