//! `/status/`: the health of every feed, from the rows of `render::status`.

use crate::render::format::date_text;
use crate::render::job::PageJob;
use crate::render::renderer::Renderer;
use crate::render::status::status_rows;

impl Renderer<'_> {
    /// The feed status page.
    pub(in crate::render) fn status_job(&self) -> PageJob {
        let (rows, counts) = status_rows(self.index, date_text);
        let mut j = self.job(
            "status.html",
            "status/".into(),
            "Feed status".into(),
            format!("The health of the {} feeds read here", rows.len()),
            "status",
        );
        j.vars.insert("feeds", &rows);
        j.vars.insert("counts", &counts);
        j.vars.insert("updated", &self.updated());
        j
    }
}
