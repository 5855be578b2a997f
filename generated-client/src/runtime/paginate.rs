// @generated: copied by genesys-audit-codegen from its runtime/paginate.rs: edit that file, then run `cargo xtask codegen`.
//! Pagination: a stream of items that fetches the next page only when the previous one is used up, so
//! memory holds one page however many there are.

use std::future::Future;

use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};

use super::error::Error;

/// One fetched page: its items, and the request for the next page if there is one.
pub struct Page<T, R> {
    /// The page's items.
    pub items: Vec<T>,
    /// The request for the next page; `None` on the last page.
    pub next: Option<R>,
}

/// The stream of every item, calling `fetch` with `first`, then with each page's `next` request.
pub fn items<'a, T, R, E, F, Fut>(first: R, fetch: F) -> impl Stream<Item = Result<T, Error<E>>> + Send + 'a
where
    T: Send + 'a,
    R: Send + 'a,
    E: Send + 'a,
    F: FnMut(R) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T, R>, Error<E>>> + Send + 'a,
{
    pages(first, fetch).map_ok(|items| stream::iter(items.into_iter().map(Ok))).try_flatten()
}

/// The stream of every page's items, as pages.
pub fn pages<'a, T, R, E, F, Fut>(first: R, fetch: F) -> impl Stream<Item = Result<Vec<T>, Error<E>>> + Send + 'a
where
    T: Send + 'a,
    R: Send + 'a,
    E: Send + 'a,
    F: FnMut(R) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T, R>, Error<E>>> + Send + 'a,
{
    stream::try_unfold((Some(first), fetch), |(request, mut fetch)| async move {
        let Some(request) = request else { return Ok(None) };
        let page = fetch(request).await?;
        Ok(Some((page.items, (page.next, fetch))))
    })
    .boxed()
}

/// The next cursor, or `None` to stop: an absent or empty cursor ends the results. A cursor equal to the
/// one just used would fetch the same page forever, so it is an error.
pub fn next_cursor<E>(operation: &'static str, used: Option<&str>, next: Option<String>) -> Result<Option<String>, Error<E>> {
    match next.filter(|cursor| !cursor.is_empty()) {
        Some(cursor) if Some(cursor.as_str()) == used => Err(Error::UnexpectedResponse {
            operation,
            message: format!("the server gave the cursor {cursor:?} again; stopping rather than looping"),
        }),
        next => Ok(next),
    }
}

/// The next page number, or `None` after the last page or an empty one. Without a page count the pages
/// go on until an empty one, so that nothing is cut off silently.
pub fn next_page_number(current: i32, page_count: Option<i32>, items_on_page: usize) -> Option<i32> {
    match page_count {
        _ if items_on_page == 0 => None,
        Some(count) if current >= count => None,
        _ => current.checked_add(1),
    }
}
