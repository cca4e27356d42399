//! The links under every paged list: "Next page" (keyset, see `models::page`) and, past
//! the first page, "First page". They keep the list's filters and page size, so paging never loses a
//! search, and they are plain links: paging works without JavaScript.

use crate::models::page::{DEFAULT_PAGE_SIZE, PageRequest, Paged};

/// Where the links under a list go; rendered by `partials/pagination.html`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pager {
    /// The next page, when there is one.
    pub next: Option<String>,
    /// The first page, when this is not it.
    pub first: Option<String>,
}

impl Pager {
    /// Links for `page` of the list at `path` filtered by `filters` (empty values are
    /// left out of the URL); `request` says whether this is the first page.
    pub fn new<T, K>(
        path: &str,
        filters: &[(&str, &str)],
        request: &PageRequest<K>,
        page: &Paged<T>,
    ) -> Self {
        let limit = request.limit.to_string();
        let href = |cursor: Option<&str>| {
            let mut pairs: Vec<(&str, &str)> = filters
                .iter()
                .map(|(name, value)| (*name, value.trim()))
                .filter(|(_, value)| !value.is_empty())
                .collect();
            // A page size other than the default is kept, so every page is alike.
            if request.limit != DEFAULT_PAGE_SIZE {
                pairs.push(("limit", &limit));
            }
            if let Some(cursor) = cursor {
                pairs.push(("cursor", cursor));
            }
            // Names and values are strings: encoding them cannot fail.
            let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
            if query.is_empty() {
                path.to_owned()
            } else {
                format!("{path}?{query}")
            }
        };
        Pager {
            next: page.next.as_deref().map(|c| href(Some(c))),
            first: request.after.is_some().then(|| href(None)),
        }
    }

    /// Whether there is a link to show.
    pub fn shown(&self) -> bool {
        self.next.is_some() || self.first.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_filters_and_drop_blanks() {
        let page = Paged {
            items: vec![1],
            next: Some("739677.412".to_owned()),
        };
        let first = PageRequest::<i32>::first(50);
        let pager = Pager::new(
            "/cohorts",
            &[("status", "running"), ("q", " ")],
            &first,
            &page,
        );
        assert_eq!(
            pager.next.as_deref(),
            Some("/cohorts?status=running&cursor=739677.412")
        );
        assert_eq!(pager.first, None);
        let later = PageRequest {
            after: Some(7),
            limit: 50,
        };
        let last = Paged::<i32> {
            items: vec![],
            next: None,
        };
        let pager = Pager::new("/cohorts", &[("q", "a b&c")], &later, &last);
        assert_eq!(pager.first.as_deref(), Some("/cohorts?q=a+b%26c"));
        assert!(pager.shown());
    }
}
