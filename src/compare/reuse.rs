//! Text reuse: maximal word sequences shared by two or more statements, found with shingle
//! hashing rather than by comparing every pair of passages.

use std::cmp::Reverse;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use serde::Serialize;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, SimpleTokenizer, TextAnalyzer, TokenStream,
};

/// A passage as `reuse` reads it.
#[derive(Debug, Clone)]
pub struct ReusePassage {
    /// Index of its statement in the caller's list; passages of one statement share it.
    pub statement: usize,
    /// Sort key of the statement: the earliest statement of a finding is its likely source.
    /// Ties are broken by `statement` then `n`.
    pub date_key: u64,
    pub citation: String,
    pub n: u64,
    pub text: String,
}

/// One place a shared sequence appears.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReusePlace {
    /// Index into the caller's passage list.
    pub passage: usize,
    /// Byte range of the shared words in that passage's text.
    pub start: usize,
    pub end: usize,
    /// Number of words shared there (at most the finding's length).
    pub words: usize,
}

/// A shared word sequence and every place it appears, earliest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReuseFinding {
    /// The sequence as written at its earliest place.
    pub text: String,
    /// Its length in words.
    pub words: usize,
    pub places: Vec<ReusePlace>,
}

/// Finds maximal word sequences of at least `min_words` words (compared after case and
/// punctuation folding) shared by passages of two or more different statements.
///
/// Words are those of the search index: runs of alphanumeric characters, lower-cased and
/// folded to ASCII, so a match survives changes of case, accents, punctuation and spacing.
/// Each finding is anchored at the earliest place of its sequence (by `date_key`, then
/// `statement`, then `n`); every other place is in a different statement than the anchor,
/// and a passage appears at most once per finding. Sequences whose earliest places overlap
/// in one passage are reported as one finding over their union. A `min_words` below 2 is
/// treated as 2: single shared words are not reuse.
pub fn find_reuse(passages: &[ReusePassage], min_words: usize) -> Vec<ReuseFinding> {
    let threads = std::thread::available_parallelism()
        .map(|count| count.get())
        .unwrap_or(1)
        .min(MAX_THREADS);
    find_reuse_within(
        passages,
        min_words,
        SHINGLE_MEMORY_BUDGET,
        threads,
        hash_word,
    )
}

/// Bytes the shingle tables of all threads may take at once; larger corpora are processed
/// in several passes over slices of the hash space.
const SHINGLE_MEMORY_BUDGET: usize = 256 << 20;

/// More threads than this would multiply memory without much gain: most of the work is
/// sorting and random reads, which are bound by memory bandwidth.
const MAX_THREADS: usize = 8;

/// The hash space is counted in buckets by this many top bits. The counts let passes be cut
/// to size (frequent shingles would overflow an even split) and let each pass place every
/// shingle in its bucket directly, leaving only small buckets to sort.
const BUCKET_BITS: u32 = 12;

/// Odd, so that multiplying by it is invertible modulo 2^64 and no information is lost.
const ROLLING_BASE: u64 = 0xff51_afd7_ed55_8ccd;

fn find_reuse_within(
    passages: &[ReusePassage],
    min_words: usize,
    budget_bytes: usize,
    threads: usize,
    hash_word: fn(&str) -> u64,
) -> Vec<ReuseFinding> {
    let window = min_words.max(2);
    let threads = threads.max(1);
    let ranking = Ranking::new(passages);
    let corpus = Corpus::tokenise(passages, &ranking, threads, hash_word);
    let shingler = Shingler::new(window);

    let bucket_counts = count_buckets(&corpus, &shingler, threads);
    let max_per_chunk = (budget_bytes / threads / std::mem::size_of::<Shingle>()).max(1);
    let chunks = plan_chunks(&bucket_counts, max_per_chunk);
    if chunks.is_empty() {
        return Vec::new();
    }

    let context = SeedContext {
        corpus: &corpus,
        window,
        anchors: AnchorMarks::new(corpus.total_words()),
    };
    let runs: Vec<PairRun> = if let [only] = chunks.as_slice() {
        let shingles = sorted_shingles(&corpus, &shingler, only);
        context.mark_anchors(&shingles, 0);
        context.pair_runs(&shingles)
    } else {
        // Whether a seed starts its run depends on anchors in other slices of the hash space,
        // so every slice is marked before any is paired. The groups met while marking are
        // usually a small share of the shingles and are kept if they fit a quarter of the
        // budget; a slice whose groups do not fit is built and sorted a second time.
        let keep_limit = budget_bytes / 4 / chunks.len() / std::mem::size_of::<Shingle>();
        let kept_groups = map_in_parallel(chunks.len(), threads, |index| {
            let shingles = sorted_shingles(&corpus, &shingler, &chunks[index]);
            context.mark_anchors(&shingles, keep_limit)
        });
        map_in_parallel(chunks.len(), threads, |index| match &kept_groups[index] {
            Some(groups) => context.pair_runs(groups),
            None => context.pair_runs(&sorted_shingles(&corpus, &shingler, &chunks[index])),
        })
        .into_iter()
        .flatten()
        .collect()
    };
    drop(context);
    drop(corpus);

    let drafts = merge_runs(runs);
    into_findings(&drafts, passages, &ranking, window, threads)
}

/// Passages renumbered in the order that decides anchors — (date_key, statement, n, index) —
/// so that the earliest place of a group is just its smallest (rank, position), found without
/// reading the passages.
struct Ranking {
    /// The caller's index of the passage at each rank.
    passage_of_rank: Vec<u32>,
}

impl Ranking {
    fn new(passages: &[ReusePassage]) -> Self {
        // Ranks are `u32` in the shingle table; passages past that are ignored.
        let count = passages.len().min(u32::MAX as usize) as u32;
        let mut passage_of_rank: Vec<u32> = (0..count).collect();
        passage_of_rank.sort_unstable_by_key(|&index| {
            let passage = &passages[index as usize];
            (passage.date_key, passage.statement, passage.n, index)
        });
        Ranking { passage_of_rank }
    }

    fn passage(&self, rank: u32) -> usize {
        self.passage_of_rank[rank as usize] as usize
    }
}

/// The analysis of the search index's exact field, minus its long-word filter: a dropped
/// word would make two different sequences look adjacent.
fn folding_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Positions are stored as `u32`; words past this in one passage are ignored.
const MAX_WORDS_PER_PASSAGE: usize = u32::MAX as usize;

/// Calls `visit` with each folded word and its byte range until it returns `false`.
fn for_each_word(
    analyzer: &mut TextAnalyzer,
    text: &str,
    mut visit: impl FnMut(&str, usize, usize) -> bool,
) {
    let mut stream = analyzer.token_stream(text);
    let mut seen = 0usize;
    while seen < MAX_WORDS_PER_PASSAGE && stream.advance() {
        let token = stream.token();
        if !visit(&token.text, token.offset_from, token.offset_to) {
            break;
        }
        seen += 1;
    }
}

/// A 64-bit hash of a folded word. Words of up to eight bytes (most of them) cannot collide:
/// folded words hold no NUL byte, so zero padding keeps them apart, and `mix64` is a
/// bijection. Longer words could, which is why findings are checked word by word at the end.
fn hash_word(word: &str) -> u64 {
    let bytes = word.as_bytes();
    let mut state = bytes.len() as u64;
    for chunk in bytes.chunks(8) {
        let mut padded = [0u8; 8];
        padded[..chunk.len()].copy_from_slice(chunk);
        state = mix64(state ^ u64::from_le_bytes(padded));
    }
    state
}

/// The SplitMix64 finaliser: a bijection that spreads every input bit over the output.
fn mix64(mut value: u64) -> u64 {
    value ^= value >> 30;
    value = value.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    value ^= value >> 27;
    value = value.wrapping_mul(0x94d0_49bb_1331_11eb);
    value ^ (value >> 31)
}

/// Every passage as word hashes, indexed by rank. Hashes rather than interned ids: interning
/// looks every word up in a vocabulary far larger than the CPU caches, which costs several
/// times the tokenising itself and cannot be shared between threads.
struct Corpus {
    words: Vec<Box<[u64]>>,
    /// Global index of each passage's first word, for the anchor bit set; one extra at the end.
    first_word: Vec<usize>,
    statements: Vec<usize>,
}

impl Corpus {
    fn tokenise(
        passages: &[ReusePassage],
        ranking: &Ranking,
        threads: usize,
        hash_word: fn(&str) -> u64,
    ) -> Self {
        let ranks = ranking.passage_of_rank.len();
        let batch = ranks.div_ceil(threads * 16).max(1);
        let words: Vec<Box<[u64]>> = map_in_parallel(ranks.div_ceil(batch), threads, |index| {
            let mut analyzer = folding_analyzer();
            let mut hashes = Vec::new();
            ranking
                .passage_of_rank
                .iter()
                .skip(index * batch)
                .take(batch)
                .map(|&passage| {
                    hashes.clear();
                    for_each_word(
                        &mut analyzer,
                        &passages[passage as usize].text,
                        |word, _, _| {
                            hashes.push(hash_word(word));
                            true
                        },
                    );
                    Box::<[u64]>::from(hashes.as_slice())
                })
                .collect::<Vec<_>>()
        })
        .into_iter()
        .flatten()
        .collect();
        let mut first_word = Vec::with_capacity(words.len() + 1);
        let mut total = 0;
        for passage_words in &words {
            first_word.push(total);
            total += passage_words.len();
        }
        first_word.push(total);
        let statements = ranking
            .passage_of_rank
            .iter()
            .map(|&passage| passages[passage as usize].statement)
            .collect();
        Corpus {
            words,
            first_word,
            statements,
        }
    }

    fn total_words(&self) -> usize {
        self.first_word.last().copied().unwrap_or(0)
    }

    fn passage_words(&self, rank: u32) -> &[u64] {
        &self.words[rank as usize]
    }

    fn global_position(&self, rank: u32, position: usize) -> usize {
        self.first_word[rank as usize] + position
    }

    fn statement(&self, rank: u32) -> usize {
        self.statements[rank as usize]
    }

    /// Every shingle's window lies inside its passage; the empty fallback only keeps a broken
    /// invariant from panicking, and equals no real window.
    fn window_words(&self, shingle: &Shingle, window: usize) -> &[u64] {
        let start = shingle.position as usize;
        self.passage_words(shingle.rank)
            .get(start..start + window)
            .unwrap_or_default()
    }
}

/// Hashes every window of `window` consecutive words with a rolling polynomial, so a
/// window costs the same whatever `min_words` is.
struct Shingler {
    window: usize,
    /// `ROLLING_BASE` to the power `window - 1`: the weight of the word leaving the window.
    leaving_weight: u64,
}

impl Shingler {
    fn new(window: usize) -> Self {
        let exponent = u32::try_from(window - 1).unwrap_or(u32::MAX);
        Shingler {
            window,
            leaving_weight: ROLLING_BASE.wrapping_pow(exponent),
        }
    }

    fn for_each(&self, words: &[u64], mut visit: impl FnMut(u32, u64)) {
        if words.len() < self.window {
            return;
        }
        let mut rolling = 0u64;
        for (index, &word) in words.iter().enumerate() {
            if index >= self.window {
                let leaving = words[index - self.window].wrapping_mul(self.leaving_weight);
                rolling = rolling.wrapping_sub(leaving);
            }
            rolling = rolling.wrapping_mul(ROLLING_BASE).wrapping_add(word);
            if index + 1 >= self.window {
                // `index` < MAX_WORDS_PER_PASSAGE, so the start fits.
                visit((index + 1 - self.window) as u32, mix64(rolling));
            }
        }
    }
}

fn bucket_of(hash: u64) -> usize {
    (hash >> (64 - BUCKET_BITS)) as usize
}

fn count_buckets(corpus: &Corpus, shingler: &Shingler, threads: usize) -> Vec<usize> {
    let batch = corpus.words.len().div_ceil(threads).max(1);
    let partial_counts = map_in_parallel(corpus.words.len().div_ceil(batch), threads, |index| {
        let mut counts = vec![0usize; 1 << BUCKET_BITS];
        for words in corpus.words.iter().skip(index * batch).take(batch) {
            shingler.for_each(words, |_, hash| counts[bucket_of(hash)] += 1);
        }
        counts
    });
    let mut counts = vec![0usize; 1 << BUCKET_BITS];
    for partial in partial_counts {
        for (total, count) in counts.iter_mut().zip(partial) {
            *total += count;
        }
    }
    counts
}

/// A slice of the hash space small enough to sort in memory.
struct HashChunk {
    buckets: Range<usize>,
    /// Where each bucket's shingles start in the chunk's table, and the table's length last.
    bucket_starts: Vec<usize>,
}

impl HashChunk {
    fn shingles(&self) -> usize {
        self.bucket_starts.last().copied().unwrap_or(0)
    }
}

/// Cuts the buckets into consecutive chunks of at most `max_per_chunk` shingles; a single
/// bucket above the limit (one shingle repeated everywhere) still gets a chunk of its own.
fn plan_chunks(bucket_counts: &[usize], max_per_chunk: usize) -> Vec<HashChunk> {
    let mut chunks: Vec<HashChunk> = Vec::new();
    let mut current = HashChunk {
        buckets: 0..0,
        bucket_starts: vec![0],
    };
    for (bucket, &count) in bucket_counts.iter().enumerate() {
        let shingles = current.shingles();
        if shingles > 0 && shingles + count > max_per_chunk {
            let next_start = current.buckets.end;
            chunks.push(std::mem::replace(
                &mut current,
                HashChunk {
                    buckets: next_start..next_start,
                    bucket_starts: vec![0],
                },
            ));
        }
        current.buckets.end = bucket + 1;
        let end = current.shingles() + count;
        current.bucket_starts.push(end);
    }
    if current.shingles() > 0 {
        chunks.push(current);
    }
    chunks
}

/// One window of words: its hash and where it starts.
#[derive(Debug, Clone, Copy)]
struct Shingle {
    hash: u64,
    rank: u32,
    position: u32,
}

impl Shingle {
    /// Smallest first: the earliest place, which anchors its group.
    fn place(&self) -> (u32, u32) {
        (self.rank, self.position)
    }
}

/// The chunk's shingles sorted by hash. Bucket sizes are known from the count, so each
/// shingle goes straight to its bucket's part of the table, and only those small parts,
/// which fit in the CPU caches, are sorted.
fn sorted_shingles(corpus: &Corpus, shingler: &Shingler, chunk: &HashChunk) -> Vec<Shingle> {
    let empty = Shingle {
        hash: 0,
        rank: 0,
        position: 0,
    };
    let mut shingles = vec![empty; chunk.shingles()];
    let mut next_slot = chunk.bucket_starts.clone();
    for (rank, words) in corpus.words.iter().enumerate() {
        // There are at most u32::MAX ranks.
        let rank = rank as u32;
        shingler.for_each(words, |position, hash| {
            let Some(offset) = bucket_of(hash).checked_sub(chunk.buckets.start) else {
                return;
            };
            if offset >= chunk.buckets.len() {
                return;
            }
            // The counts came from the same hashes, so every slot gets filled exactly once.
            if let Some(slot) = next_slot.get_mut(offset)
                && let Some(entry) = shingles.get_mut(*slot)
            {
                *entry = Shingle {
                    hash,
                    rank,
                    position,
                };
                *slot += 1;
            }
        });
    }
    for bounds in chunk.bucket_starts.windows(2) {
        if let Some(bucket) = shingles.get_mut(bounds[0]..bounds[1]) {
            bucket.sort_unstable_by_key(|shingle| shingle.hash);
        }
    }
    shingles
}

/// One bit per word of the corpus: set where a window is the anchor of its seed group.
struct AnchorMarks {
    bits: Vec<AtomicU64>,
}

impl AnchorMarks {
    fn new(words: usize) -> Self {
        AnchorMarks {
            bits: (0..words.div_ceil(64)).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    fn mark(&self, position: usize) {
        self.bits[position / 64].fetch_or(1 << (position % 64), Ordering::Relaxed);
    }

    fn is_marked(&self, position: usize) -> bool {
        self.bits[position / 64].load(Ordering::Relaxed) & (1 << (position % 64)) != 0
    }
}

/// A word range of one passage, which is given by rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct WordSpan {
    rank: u32,
    start: u32,
    end: u32,
}

impl WordSpan {
    fn len(&self) -> u32 {
        self.end - self.start
    }
}

/// A maximal run of equal words between an anchor passage and a passage of another statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct PairRun {
    anchor: WordSpan,
    other: WordSpan,
}

struct SeedContext<'a> {
    corpus: &'a Corpus,
    window: usize,
    anchors: AnchorMarks,
}

impl SeedContext<'_> {
    fn spans_statements(&self, members: &[Shingle]) -> bool {
        let Some(first) = members.first() else {
            return false;
        };
        let statement = self.corpus.statement(first.rank);
        members
            .iter()
            .any(|member| self.corpus.statement(member.rank) != statement)
    }

    /// Marks the earliest member of every hash group found in two or more statements, and
    /// returns those groups (still grouped by hash, so `pair_runs` can take them in place of
    /// the whole slice) unless they hold more than `keep_limit` shingles.
    ///
    /// Words are not compared here, to spare a random read per member. A mark is only
    /// consulted where two passages of different statements hold the same words, and the
    /// earliest member of a hash group is then also the earliest of those holding these words:
    /// a shingle hash collision cannot make a wrong mark count. It can leave a true anchor
    /// unmarked, which makes `pair_runs` find that run twice; `merge_runs` drops the copy.
    fn mark_anchors(&self, shingles: &[Shingle], keep_limit: usize) -> Option<Vec<Shingle>> {
        let mut groups = Vec::new();
        let mut fits = true;
        for group in shingles.chunk_by(|left, right| left.hash == right.hash) {
            if group.len() < 2 || !self.spans_statements(group) {
                continue;
            }
            if let Some(anchor) = group.iter().min_by_key(|member| member.place()) {
                let position = self
                    .corpus
                    .global_position(anchor.rank, anchor.position as usize);
                self.anchors.mark(position);
            }
            if fits && groups.len() + group.len() > keep_limit {
                fits = false;
                groups = Vec::new();
            }
            if fits {
                groups.extend_from_slice(group);
            }
        }
        fits.then_some(groups)
    }

    /// Calls `visit` with the anchor and members of every group of identical windows found in
    /// two or more statements. Equal shingle hashes are checked word by word, so a collision
    /// splits a group instead of joining different texts.
    fn for_each_seed_group(
        &self,
        shingles: &[Shingle],
        mut visit: impl FnMut(Shingle, &[Shingle]),
    ) {
        let mut scratch: Vec<Shingle> = Vec::new();
        for group in shingles.chunk_by(|left, right| left.hash == right.hash) {
            if group.len() < 2 {
                continue;
            }
            let reference = self.corpus.window_words(&group[0], self.window);
            if group
                .iter()
                .all(|member| self.corpus.window_words(member, self.window) == reference)
            {
                self.visit_if_shared(group, &mut visit);
                continue;
            }
            scratch.clear();
            scratch.extend_from_slice(group);
            while let Some(first) = scratch.first().copied() {
                let reference = self.corpus.window_words(&first, self.window);
                let mut same = 0;
                for index in 0..scratch.len() {
                    if self.corpus.window_words(&scratch[index], self.window) == reference {
                        scratch.swap(index, same);
                        same += 1;
                    }
                }
                self.visit_if_shared(&scratch[..same], &mut visit);
                scratch.drain(..same);
            }
        }
    }

    fn visit_if_shared(&self, members: &[Shingle], visit: &mut impl FnMut(Shingle, &[Shingle])) {
        if !self.spans_statements(members) {
            return;
        }
        if let Some(&anchor) = members.iter().min_by_key(|member| member.place()) {
            visit(anchor, members);
        }
    }

    /// Pairs each anchor with every member from another statement. A run shared by the same
    /// two passages contains many seeds; it is extended only from the first seed on it that
    /// is an anchor, so each run costs its length once rather than once per seed.
    fn pair_runs(&self, shingles: &[Shingle]) -> Vec<PairRun> {
        let mut runs = Vec::new();
        self.for_each_seed_group(shingles, |anchor, members| {
            let anchor_statement = self.corpus.statement(anchor.rank);
            for member in members {
                if self.corpus.statement(member.rank) != anchor_statement
                    && let Some(run) = self.run_from_seed(&anchor, member)
                {
                    runs.push(run);
                }
            }
        });
        runs
    }

    /// The maximal run through the seed pair, or `None` when an earlier anchor on the same
    /// diagonal already yields it.
    fn run_from_seed(&self, anchor: &Shingle, other: &Shingle) -> Option<PairRun> {
        let anchor_words = self.corpus.passage_words(anchor.rank);
        let other_words = self.corpus.passage_words(other.rank);
        let anchor_start = anchor.position as usize;
        let other_start = other.position as usize;

        let mut back = 0;
        while back < anchor_start && back < other_start {
            let (anchor_index, other_index) = (anchor_start - back - 1, other_start - back - 1);
            if anchor_words[anchor_index] != other_words[other_index] {
                break;
            }
            // The window there lies inside the matched words, so `other` holds it too: that
            // earlier seed pairs these two passages and extends to this same run.
            let global = self.corpus.global_position(anchor.rank, anchor_index);
            if self.anchors.is_marked(global) {
                return None;
            }
            back += 1;
        }

        let mut forward = self.window;
        while anchor_start + forward < anchor_words.len()
            && other_start + forward < other_words.len()
            && anchor_words[anchor_start + forward] == other_words[other_start + forward]
        {
            forward += 1;
        }

        // Both ends are word positions of one passage, which fit u32.
        let span = |rank: u32, start: usize| WordSpan {
            rank,
            start: (start - back) as u32,
            end: (start + forward) as u32,
        };
        Some(PairRun {
            anchor: span(anchor.rank, anchor_start),
            other: span(other.rank, other_start),
        })
    }
}

/// Runs `work` on every index in `0..count`, on up to `threads` threads including the
/// caller's, and returns the results in index order.
fn map_in_parallel<T: Send>(
    count: usize,
    threads: usize,
    work: impl Fn(usize) -> T + Sync,
) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let drain = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            if index >= count {
                return done;
            }
            done.push((index, work(index)));
        }
    };
    let mut results = std::thread::scope(|scope| {
        // A helper that cannot be spawned only costs speed: the caller drains the rest.
        let helpers: Vec<_> = (1..threads.min(count))
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(scope, drain).ok())
            .collect();
        let mut results = drain();
        for helper in helpers {
            match helper.join() {
                Ok(done) => results.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        results
    });
    results.sort_unstable_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

/// A finding before its words are checked and its places turned into byte ranges.
struct Draft {
    anchor: WordSpan,
    /// One run per other passage, by rank, each with the part of the anchor span it matches.
    others: Vec<PairRun>,
}

/// Joins runs whose anchor spans overlap in the same passage into one finding over their
/// union; a passage matched by several of them keeps its longest match.
fn merge_runs(mut runs: Vec<PairRun>) -> Vec<Draft> {
    runs.sort_unstable();
    runs.dedup();
    let mut drafts = Vec::new();
    let mut rest = runs.as_slice();
    while let Some(first) = rest.first() {
        let mut anchor = first.anchor;
        let mut taken = 1;
        while let Some(next) = rest.get(taken) {
            if next.anchor.rank != anchor.rank || next.anchor.start >= anchor.end {
                break;
            }
            anchor.end = anchor.end.max(next.anchor.end);
            taken += 1;
        }
        let (cluster, tail) = rest.split_at(taken);
        let mut others = cluster.to_vec();
        others.sort_unstable_by_key(|run| (run.other.rank, Reverse(run.other.len()), run.other));
        others.dedup_by_key(|run| run.other.rank);
        drafts.push(Draft { anchor, others });
        rest = tail;
    }
    drafts
}

/// The folded words of one passage with their byte ranges in its text.
#[derive(Default)]
struct FoldedPassage {
    folded: String,
    word_ends: Vec<usize>,
    byte_ranges: Vec<Range<usize>>,
}

impl FoldedPassage {
    /// Reads the first `word_limit` words of `text`, reusing the buffers.
    fn read(&mut self, analyzer: &mut TextAnalyzer, text: &str, word_limit: usize) {
        self.folded.clear();
        self.word_ends.clear();
        self.byte_ranges.clear();
        for_each_word(analyzer, text, |word, from, to| {
            if self.byte_ranges.len() >= word_limit {
                return false;
            }
            self.folded.push_str(word);
            self.word_ends.push(self.folded.len());
            self.byte_ranges.push(from..to);
            true
        });
    }

    fn word(&self, index: usize) -> Option<&str> {
        let start = match index.checked_sub(1) {
            Some(previous) => *self.word_ends.get(previous)?,
            None => 0,
        };
        self.folded.get(start..*self.word_ends.get(index)?)
    }

    fn byte_range(&self, words: Range<u32>) -> Option<Range<usize>> {
        let first = self.byte_ranges.get(words.start as usize)?;
        let last = self.byte_ranges.get((words.end as usize).checked_sub(1)?)?;
        Some(first.start..last.end)
    }
}

/// The longest stretch of `run` whose words are really equal, as (offset, length). Runs were
/// found by word hash, so this is what keeps a hash collision from ever being reported.
fn longest_equal_stretch(
    anchor: &FoldedPassage,
    other: &FoldedPassage,
    run: &PairRun,
) -> (u32, u32) {
    let (mut best, mut current) = ((0, 0), 0);
    for offset in 0..run.other.len() {
        let anchor_word = anchor.word((run.anchor.start + offset) as usize);
        let other_word = other.word((run.other.start + offset) as usize);
        match (anchor_word, other_word) {
            (Some(left), Some(right)) if left == right => {
                current += 1;
                if current > best.1 {
                    best = (offset + 1 - current, current);
                }
            }
            _ => current = 0,
        }
    }
    best
}

/// Findings sort by their anchor's rank and start, then longest first.
type FindingKey = (u32, u32, Reverse<usize>);

/// Turns drafts into findings: checks their words, finds byte ranges and orders them.
fn into_findings(
    drafts: &[Draft],
    passages: &[ReusePassage],
    ranking: &Ranking,
    window: usize,
    threads: usize,
) -> Vec<ReuseFinding> {
    let batch = drafts.len().div_ceil(threads * 16).max(1);
    let mut keyed: Vec<(FindingKey, ReuseFinding)> =
        map_in_parallel(drafts.len().div_ceil(batch), threads, |index| {
            let mut builder = FindingBuilder {
                passages,
                ranking,
                window,
                analyzer: folding_analyzer(),
                anchor_words: FoldedPassage::default(),
                other_words: FoldedPassage::default(),
            };
            drafts
                .iter()
                .skip(index * batch)
                .take(batch)
                .filter_map(|draft| builder.build(draft))
                .collect::<Vec<_>>()
        })
        .into_iter()
        .flatten()
        .collect();
    keyed.sort_unstable_by_key(|(key, _)| *key);
    keyed.into_iter().map(|(_, finding)| finding).collect()
}

/// Byte offsets were not kept while hashing (they would triple the corpus's memory), so the
/// passages of findings are tokenised again here, which also yields the words to check.
struct FindingBuilder<'a> {
    passages: &'a [ReusePassage],
    ranking: &'a Ranking,
    window: usize,
    analyzer: TextAnalyzer,
    anchor_words: FoldedPassage,
    other_words: FoldedPassage,
}

impl FindingBuilder<'_> {
    fn text_of(&self, rank: u32) -> &str {
        &self.passages[self.ranking.passage(rank)].text
    }

    /// The finding of `draft` with only its really equal words, or `None` if no other place
    /// keeps `window` of them.
    fn build(&mut self, draft: &Draft) -> Option<(FindingKey, ReuseFinding)> {
        let anchor_rank = draft.anchor.rank;
        self.anchor_words.read(
            &mut self.analyzer,
            &self.passages[self.ranking.passage(anchor_rank)].text,
            draft.anchor.end as usize,
        );

        let mut places = Vec::with_capacity(draft.others.len() + 1);
        let mut anchor_span: Option<Range<u32>> = None;
        for run in &draft.others {
            self.other_words.read(
                &mut self.analyzer,
                &self.passages[self.ranking.passage(run.other.rank)].text,
                run.other.end as usize,
            );
            let (offset, length) =
                longest_equal_stretch(&self.anchor_words, &self.other_words, run);
            if (length as usize) < self.window {
                continue;
            }
            let other_start = run.other.start + offset;
            let Some(bytes) = self
                .other_words
                .byte_range(other_start..other_start + length)
            else {
                continue;
            };
            let matched_start = run.anchor.start + offset;
            let matched_end = matched_start + length;
            anchor_span = Some(match anchor_span {
                Some(span) => span.start.min(matched_start)..span.end.max(matched_end),
                None => matched_start..matched_end,
            });
            places.push(ReusePlace {
                passage: self.ranking.passage(run.other.rank),
                start: bytes.start,
                end: bytes.end,
                words: length as usize,
            });
        }

        let anchor_span = anchor_span?;
        let anchor_bytes = self.anchor_words.byte_range(anchor_span.clone())?;
        let words = anchor_span.len();
        places.insert(
            0,
            ReusePlace {
                passage: self.ranking.passage(anchor_rank),
                start: anchor_bytes.start,
                end: anchor_bytes.end,
                words,
            },
        );
        let text = self
            .text_of(anchor_rank)
            .get(anchor_bytes)
            .unwrap_or_default()
            .to_string();
        let key = (anchor_rank, anchor_span.start, Reverse(words));
        Some((
            key,
            ReuseFinding {
                text,
                words,
                places,
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashMap};

    use super::*;

    fn passage(statement: usize, date_key: u64, text: &str) -> ReusePassage {
        ReusePassage {
            statement,
            date_key,
            citation: format!("statement {statement}"),
            n: 1,
            text: text.to_string(),
        }
    }

    fn place(passage: usize, start: usize, end: usize, words: usize) -> ReusePlace {
        ReusePlace {
            passage,
            start,
            end,
            words,
        }
    }

    #[test]
    fn quoted_sentence_matches_despite_case_and_punctuation() {
        let passages = [
            passage(
                1,
                20_210_101,
                "The minister said that we will strengthen cooperation on cybersecurity and \
                 Protect Critical Infrastructure across the region.",
            ),
            passage(
                0,
                20_200_101,
                "We will strengthen cooperation on cybersecurity, and protect critical \
                 infrastructure.",
            ),
        ];
        let findings = find_reuse(&passages, 8);
        assert_eq!(
            findings,
            vec![ReuseFinding {
                text: "We will strengthen cooperation on cybersecurity, and protect critical \
                       infrastructure"
                    .to_string(),
                words: 10,
                places: vec![place(1, 0, 84, 10), place(0, 23, 106, 10)],
            }]
        );
    }

    #[test]
    fn seven_shared_words_are_not_enough_for_eight() {
        let passages = [
            passage(0, 1, "one two three four five six seven alpha"),
            passage(1, 2, "zero one two three four five six seven beta"),
        ];
        assert_eq!(find_reuse(&passages, 8), vec![]);
        let findings = find_reuse(&passages, 7);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].words, 7);
        assert_eq!(findings[0].text, "one two three four five six seven");
    }

    #[test]
    fn reuse_within_one_statement_is_not_reported() {
        let sentence = "the council adopted conclusions on artificial intelligence";
        let passages = [
            passage(0, 1, sentence),
            passage(0, 1, &format!("{sentence}. Indeed {sentence}.")),
            passage(1, 2, "an unrelated statement about the weather in spring"),
        ];
        assert_eq!(find_reuse(&passages, 3), vec![]);
    }

    #[test]
    fn three_statements_make_one_finding_with_places_by_date() {
        let passages = [
            passage(
                2,
                30,
                "Finally: The Parties agree to promote open and secure digital infrastructure!",
            ),
            passage(
                0,
                10,
                "First, the parties agree to promote open and secure digital infrastructure.",
            ),
            passage(
                1,
                20,
                "Moreover the parties agree to promote open and secure digital infrastructure \
                 today.",
            ),
        ];
        let findings = find_reuse(&passages, 6);
        assert_eq!(
            findings,
            vec![ReuseFinding {
                text: "the parties agree to promote open and secure digital infrastructure"
                    .to_string(),
                words: 10,
                places: vec![
                    place(1, 7, 74, 10),
                    place(2, 9, 76, 10),
                    place(0, 9, 76, 10)
                ],
            }]
        );
    }

    #[test]
    fn overlapping_shared_spans_merge_into_the_longest() {
        let passages = [
            passage(
                0,
                1,
                "alpha bravo charlie delta echo foxtrot golf hotel india juliet",
            ),
            passage(1, 2, "xray alpha bravo charlie delta echo foxtrot yankee"),
            passage(2, 3, "zulu delta echo foxtrot golf hotel india juliet kilo"),
        ];
        let findings = find_reuse(&passages, 3);
        assert_eq!(
            findings,
            vec![ReuseFinding {
                text: passages[0].text.clone(),
                words: 10,
                places: vec![place(0, 0, 62, 10), place(1, 5, 43, 6), place(2, 5, 47, 7)],
            }]
        );
    }

    #[test]
    fn sequences_at_the_very_start_and_end_of_passages_match() {
        let passages = [
            passage(0, 1, "open data policy helps everyone"),
            passage(1, 2, "We said: open data policy helps everyone"),
            passage(2, 3, "Open data policy helps everyone, we said"),
        ];
        let findings = find_reuse(&passages, 5);
        assert_eq!(
            findings,
            vec![ReuseFinding {
                text: "open data policy helps everyone".to_string(),
                words: 5,
                places: vec![place(0, 0, 31, 5), place(1, 9, 40, 5), place(2, 0, 31, 5)],
            }]
        );
    }

    #[test]
    fn non_ascii_words_are_folded_but_quoted_as_written() {
        let passages = [
            passage(
                0,
                1,
                "La coopération numérique avec Zoë reste une priorité.",
            ),
            passage(
                1,
                2,
                "Nous saluons la cooperation numerique avec ZOË, dit-elle.",
            ),
        ];
        let findings = find_reuse(&passages, 5);
        assert_eq!(
            findings,
            vec![ReuseFinding {
                text: "La coopération numérique avec Zoë".to_string(),
                words: 5,
                places: vec![place(0, 0, 36, 5), place(1, 13, 47, 5)],
            }]
        );
    }

    #[test]
    fn degenerate_inputs_give_no_findings_and_no_panic() {
        assert_eq!(find_reuse(&[], 8), vec![]);
        let wordless = [passage(0, 1, "!!! ... ,,,"), passage(1, 2, "")];
        assert_eq!(find_reuse(&wordless, 0), vec![]);
        let short = [passage(0, 1, "too short"), passage(1, 2, "too short")];
        assert_eq!(find_reuse(&short, 3), vec![]);
        // Single shared words are never a finding, whatever `min_words` says.
        let crossed = [passage(0, 1, "data policy"), passage(1, 2, "policy data")];
        assert_eq!(find_reuse(&crossed, 1), vec![]);
        let pair = [passage(0, 1, "Data policy!"), passage(1, 2, "data, policy")];
        assert_eq!(
            find_reuse(&pair, 0),
            vec![ReuseFinding {
                text: "Data policy".to_string(),
                words: 2,
                places: vec![place(0, 0, 11, 2), place(1, 0, 12, 2)],
            }]
        );
    }

    #[test]
    fn a_longer_run_between_later_statements_is_its_own_finding() {
        let passages = [
            passage(0, 1, "digital trade matters"),
            passage(1, 2, "our digital trade rules"),
            passage(2, 3, "new digital trade rules"),
        ];
        let findings = find_reuse(&passages, 2);
        assert_eq!(
            findings,
            vec![
                ReuseFinding {
                    text: "digital trade".to_string(),
                    words: 2,
                    places: vec![place(0, 0, 13, 2), place(1, 4, 17, 2), place(2, 4, 17, 2)],
                },
                ReuseFinding {
                    text: "digital trade rules".to_string(),
                    words: 3,
                    places: vec![place(1, 4, 23, 3), place(2, 4, 23, 3)],
                },
            ]
        );
    }

    #[test]
    fn a_passage_quoting_twice_is_one_place() {
        let quote = "member states shall ensure a high common level of cybersecurity";
        let passages = [
            passage(0, 1, quote),
            passage(0, 1, &format!("Recalled: {quote}.")),
            passage(1, 2, &format!("{quote}; and again, {quote}.")),
        ];
        let findings = find_reuse(&passages, 4);
        assert_eq!(
            findings,
            vec![ReuseFinding {
                text: quote.to_string(),
                words: 10,
                places: vec![place(0, 0, 63, 10), place(2, 0, 63, 10)],
            }]
        );
    }

    #[test]
    fn boilerplate_in_many_statements_is_one_finding() {
        let passages: Vec<ReusePassage> = (0..500)
            .map(|statement| {
                passage(
                    statement,
                    statement as u64,
                    &format!(
                        "Press release {statement}. For more information contact the press \
                         office of the ministry."
                    ),
                )
            })
            .collect();
        let findings = find_reuse(&passages, 5);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].text,
            "For more information contact the press office of the ministry"
        );
        assert_eq!(findings[0].words, 10);
        let places: Vec<usize> = findings[0].places.iter().map(|p| p.passage).collect();
        assert_eq!(places, (0..500).collect::<Vec<_>>());
    }

    /// A tiny deterministic generator, so the randomised comparison needs no dependency.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, bound: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 33) % bound
        }
    }

    /// Passages over a tiny vocabulary, with copied stretches, so that seeds repeat inside
    /// passages, inside statements and across many statements.
    fn random_corpus(seed: u64) -> Vec<ReusePassage> {
        const VOCABULARY: [&str; 6] = ["Alpha", "beta,", "gamma", "Delta.", "eps", "zeta"];
        let mut random = Lcg(seed);
        let mut passages: Vec<ReusePassage> = Vec::new();
        for index in 0..80 {
            let length = random.below(25) as usize;
            let mut words: Vec<&str> = (0..length)
                .map(|_| VOCABULARY[random.below(VOCABULARY.len() as u64) as usize])
                .collect();
            if !passages.is_empty() && random.below(2) == 0 {
                let source = &passages[random.below(passages.len() as u64) as usize].text;
                let copied: Vec<&str> = source.split(' ').collect();
                let from = random.below(copied.len() as u64 + 1) as usize;
                let to = from + random.below((copied.len() - from) as u64 + 1) as usize;
                let at = random.below(words.len() as u64 + 1) as usize;
                let copied: Vec<&str> = copied[from..to]
                    .iter()
                    .map(|word| {
                        VOCABULARY
                            .iter()
                            .find(|v| *v == word)
                            .copied()
                            .unwrap_or("eps")
                    })
                    .collect();
                words.splice(at..at, copied);
            }
            let statement = random.below(25) as usize;
            passages.push(ReusePassage {
                statement,
                date_key: random.below(5),
                citation: String::new(),
                n: index,
                text: words.join(" "),
            });
        }
        passages
    }

    /// The same seeds and anchors, but every seed pair extended in full and the duplicates
    /// removed afterwards: slow, and free of the run-start bookkeeping under test.
    fn naive_findings(passages: &[ReusePassage], window: usize) -> Vec<ReuseFinding> {
        let ranking = Ranking::new(passages);
        let words: Vec<Vec<String>> = ranking
            .passage_of_rank
            .iter()
            .map(|&passage| folded_words(&passages[passage as usize].text))
            .collect();
        let statement = |rank: u32| passages[ranking.passage(rank)].statement;
        let mut groups: HashMap<&[String], Vec<(u32, u32)>> = HashMap::new();
        for (rank, words) in words.iter().enumerate() {
            for (position, shingle) in words.windows(window).enumerate() {
                groups
                    .entry(shingle)
                    .or_default()
                    .push((rank as u32, position as u32));
            }
        }
        let mut runs = BTreeSet::new();
        for members in groups.values() {
            let Some(&anchor) = members.iter().min() else {
                continue;
            };
            for &other in members {
                if statement(other.0) == statement(anchor.0) {
                    continue;
                }
                let (left, right) = (&words[anchor.0 as usize], &words[other.0 as usize]);
                let (mut a, mut o) = (anchor.1 as usize, other.1 as usize);
                while a > 0 && o > 0 && left[a - 1] == right[o - 1] {
                    a -= 1;
                    o -= 1;
                }
                let mut length = 0;
                while a + length < left.len()
                    && o + length < right.len()
                    && left[a + length] == right[o + length]
                {
                    length += 1;
                }
                let span = |rank: u32, start: usize| WordSpan {
                    rank,
                    start: start as u32,
                    end: (start + length) as u32,
                };
                runs.insert(PairRun {
                    anchor: span(anchor.0, a),
                    other: span(other.0, o),
                });
            }
        }
        let drafts = merge_runs(runs.into_iter().collect());
        into_findings(&drafts, passages, &ranking, window, 1)
    }

    #[test]
    fn matches_a_naive_search_whatever_the_partitioning() {
        for seed in 0..40 {
            let passages = random_corpus(seed);
            for window in [2, 3, 5] {
                let expected = naive_findings(&passages, window);
                let whole = find_reuse_within(&passages, window, usize::MAX, 1, hash_word);
                assert_eq!(whole, expected, "seed {seed}, window {window}");
                // Room for a handful of shingles per pass forces many passes and threads.
                let sliced = find_reuse_within(&passages, window, 64, 3, hash_word);
                assert_eq!(sliced, expected, "seed {seed}, window {window}, sliced");
            }
        }
    }

    /// Every word of a length collides: the worst word hash there could be.
    fn length_only(word: &str) -> u64 {
        word.len() as u64
    }

    fn folded_words(text: &str) -> Vec<String> {
        let mut analyzer = folding_analyzer();
        let mut words = Vec::new();
        for_each_word(&mut analyzer, text, |word, _, _| {
            words.push(word.to_string());
            true
        });
        words
    }

    #[test]
    fn colliding_word_hashes_are_caught_by_the_word_check() {
        let unrelated = [
            passage(0, 1, "alpha bravo delta gamma"),
            passage(1, 2, "omega sigma kappa theta"),
        ];
        assert_eq!(
            find_reuse_within(&unrelated, 2, usize::MAX, 1, length_only),
            vec![]
        );
        let partly = [
            passage(0, 1, "alpha bravo charlie delta echo"),
            passage(1, 2, "omega bravo charlie delta kappa"),
        ];
        let expected = vec![ReuseFinding {
            text: "bravo charlie delta".to_string(),
            words: 3,
            places: vec![place(0, 6, 25, 3), place(1, 6, 25, 3)],
        }];
        assert_eq!(find_reuse(&partly, 3), expected);
        assert_eq!(
            find_reuse_within(&partly, 3, usize::MAX, 1, length_only),
            expected
        );
        for seed in 0..20 {
            let passages = random_corpus(seed);
            for finding in find_reuse_within(&passages, 3, 64, 2, length_only) {
                let anchor = &finding.places[0];
                assert_eq!(anchor.words, finding.words);
                let anchor_words = folded_words(&finding.text);
                assert_eq!(anchor_words.len(), finding.words);
                for place in &finding.places[1..] {
                    let source = &passages[place.passage];
                    assert_ne!(source.statement, passages[anchor.passage].statement);
                    let words = folded_words(&source.text[place.start..place.end]);
                    assert_eq!(words.len(), place.words);
                    assert!(place.words >= 3);
                    assert!(
                        anchor_words.windows(words.len()).any(|part| part == words),
                        "seed {seed}: {words:?} is not in {anchor_words:?}"
                    );
                }
            }
        }
    }
}
