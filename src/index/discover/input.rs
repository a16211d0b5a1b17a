//! Discovery's input: who reads what, and what each feed is about, on plain ids.

/// What discovery knows about one feed besides its readers.
#[derive(Debug, Clone, Default)]
pub struct FeedContent {
    /// Tags its readers gave it, with how many readers gave each.
    pub tags: Vec<(String, u32)>,
    /// Words of its own text (title, description, recent post titles), lowercased, each
    /// followed by a space (a word is letters and digits only): one string, not one per word,
    /// which at 10,000 feeds is a million strings. Repeated words count more. Empty when the
    /// feed was never fetched.
    pub words: String,
}

impl FeedContent {
    /// Its words, in order.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.words.split(' ').filter(|w| !w.is_empty())
    }
}

/// The input: who reads what, and what each feed is about.
#[derive(Debug, Clone, Default)]
pub struct Community {
    /// For each person, the ids (indexes into `feeds`) of the feeds they read.
    pub lists: Vec<Vec<u32>>,
    /// For each feed, its content.
    pub feeds: Vec<FeedContent>,
}
