//! The links pages offer into GitHub's web editor when `toluu.toml` names the site's
//! `repository`: a person's list to edit ("edit this list", "add to my list") and a new list
//! to add ("add yourself"), filled in with a template. Without `repository`, none.

use super::renderer::Renderer;

/// The file name GitHub's new-file page offers for a new list.
const NEW_LIST_FILE: &str = "your-name.toml";

impl Renderer<'_> {
    /// GitHub's editor on person `p`'s list file.
    pub(super) fn edit_list_url(&self, p: usize) -> Option<String> {
        let repository = self.repository.as_ref()?;
        Some(repository.edit_url(&self.index.people[p].file))
    }

    /// GitHub's new-file page for a list of one's own under `people/`, filled in with a list
    /// that reads the site's most read feed.
    pub(super) fn add_yourself_url(&self) -> Option<String> {
        let repository = self.repository.as_ref()?;
        let feed = self
            .index
            .feeds
            .first()
            .map_or("https://example.org/feed.xml", |f| f.xml_url.as_str());
        Some(repository.new_file_url("people", NEW_LIST_FILE, &new_list(feed)))
    }
}

/// A list to start from, reading `feed`.
fn new_list(feed: &str) -> String {
    format!(
        "# Your reading list: name this file after you (people/<your-name>.toml), one\n\
         # [[feeds]] per feed you read; optional keys: bio (markdown), homepage, avatar.\n\
         name = \"Your Name\"\n\
         bio = \"What I read, and why.\"\n\
         \n\
         [[feeds]]\n\
         url = {}\n",
        toml_string(feed)
    )
}

/// `s` as a TOML basic string.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_new_list_is_a_list_toluu_reads() {
        let text = new_list("https://example.org/a \"b\".xml");
        let value: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(value["name"].as_str(), Some("Your Name"));
        let feeds = value["feeds"].as_array().unwrap();
        assert_eq!(
            feeds[0]["url"].as_str(),
            Some("https://example.org/a \"b\".xml")
        );
    }
}
