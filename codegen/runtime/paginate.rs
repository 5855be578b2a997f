//! Pagination: a stream of items that fetches the next page only when the previous one is used up, so
//! memory holds one page however many there are.

use std::collections::HashSet;
use std::future::Future;

use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};

use super::error::Error;

/// One fetched page: its items, and the next page's request with the key that names it (its cursor or
/// page number), or `None` on the last page.
pub struct Page<T, R> {
    /// The page's items.
    pub items: Vec<T>,
    /// The next page's key and request.
    pub next: Option<(String, R)>,
}

/// The stream of every item, calling `fetch` with `first`, then with each page's next request.
pub fn items<'a, T, R, E, F, Fut>(
    operation: &'static str,
    first: R,
    fetch: F,
) -> impl Stream<Item = Result<T, Error<E>>> + Send + 'a
where
    T: Send + 'a,
    R: Send + 'a,
    E: Send + 'a,
    F: FnMut(R) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T, R>, Error<E>>> + Send + 'a,
{
    pages(operation, first, fetch).map_ok(|items| stream::iter(items.into_iter().map(Ok))).try_flatten()
}

/// What comes after a page.
enum Next<R> {
    Fetch(R),
    /// The server named a page already fetched: following it would loop forever.
    Loop(String),
    Done,
}

/// The stream of every page's items, as pages. A page whose next key names a page already fetched ends
/// the stream, after its items, with [`Error::UnexpectedResponse`] rather than looping.
pub fn pages<'a, T, R, E, F, Fut>(
    operation: &'static str,
    first: R,
    fetch: F,
) -> impl Stream<Item = Result<Vec<T>, Error<E>>> + Send + 'a
where
    T: Send + 'a,
    R: Send + 'a,
    E: Send + 'a,
    F: FnMut(R) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T, R>, Error<E>>> + Send + 'a,
{
    let state = (Next::Fetch(first), fetch, HashSet::new());
    stream::try_unfold(state, move |(next, mut fetch, mut seen)| async move {
        let request = match next {
            Next::Fetch(request) => request,
            Next::Done => return Ok(None),
            Next::Loop(key) => {
                let message = format!("the server named page {key:?} again; stopping rather than looping");
                return Err(Error::UnexpectedResponse { operation, message });
            }
        };
        let page = fetch(request).await?;
        tracing::debug!(operation, items = page.items.len(), last = page.next.is_none(), "page");
        let next = match page.next {
            Some((key, _)) if !seen.insert(key.clone()) => Next::Loop(key),
            Some((_, request)) => Next::Fetch(request),
            None => Next::Done,
        };
        Ok(Some((page.items, (next, fetch, seen))))
    })
    .boxed()
}

/// The next cursor: an absent or empty one ends the results.
pub fn next_cursor(next: Option<String>) -> Option<String> {
    next.filter(|cursor| !cursor.is_empty())
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
