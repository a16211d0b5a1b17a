//! Discovery's input: who reads what, and what each feed is about, on plain ids.

/// What discovery knows about one feed besides its readers.
#[derive(Debug, Clone, Default)]
pub struct FeedContent {
    /// Tags its readers gave it, with how many readers gave each.
    pub tags: Vec<(String, u32)>,
    /// Words of its own text (title, description, recent post titles), lowercased; repeated
    /// words count more. Empty when the feed was never fetched.
    pub words: Vec<String>,
}

/// The input: who reads what, and what each feed is about.
#[derive(Debug, Clone, Default)]
pub struct Community {
    /// For each person, the ids (indexes into `feeds`) of the feeds they read.
    pub lists: Vec<Vec<u32>>,
    /// For each feed, its content.
    pub feeds: Vec<FeedContent>,
}
