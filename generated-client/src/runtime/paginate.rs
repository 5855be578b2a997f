// @generated: copied by genesys-audit-codegen from its runtime/paginate.rs: edit that file, then run `cargo xtask codegen`.
//! Pagination: a stream of items that fetches the next page only when the previous one is used up, so
//! memory holds one page however many there are.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;

use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};

use super::error::Error;

/// One page of a paginated operation, as `into_pages` gives it: its items, and where the next page starts.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The page's items, in the server's order.
    pub items: Vec<T>,
    /// Where the next page starts, or `None` after the last page. Keep it to resume later: give a cursor
    /// to the request's cursor parameter, or a page number to its body.
    pub next: Option<PageKey>,
}

/// What names a page: what a request needs to fetch it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PageKey {
    /// The server's cursor, for the request's cursor parameter.
    Cursor(String),
    /// The page number, for the request body (the first page is 1).
    Number(i32),
}

impl fmt::Display for PageKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PageKey::Cursor(cursor) => write!(f, "cursor {cursor:?}"),
            PageKey::Number(number) => write!(f, "page number {number}"),
        }
    }
}

/// One fetched page: its items, and the next page's request with the key that names it, or `None` on the
/// last page.
pub(crate) struct Fetched<T, R> {
    /// The page's items.
    pub(crate) items: Vec<T>,
    /// The next page's key and request.
    pub(crate) next: Option<(PageKey, R)>,
}

/// The stream of every item, calling `fetch` with `first`, then with each page's next request.
pub(crate) fn items<'a, T, R, E, F, Fut>(
    operation: &'static str,
    first: R,
    fetch: F,
) -> impl Stream<Item = Result<T, Error<E>>> + Send + 'a
where
    T: Send + 'a,
    R: Send + 'a,
    E: Send + 'a,
    F: FnMut(R) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Fetched<T, R>, Error<E>>> + Send + 'a,
{
    pages(operation, first, fetch).map_ok(|page| stream::iter(page.items.into_iter().map(Ok))).try_flatten()
}

/// What comes after a page.
enum Next<R> {
    Fetch(R),
    /// The server named a page already fetched: following it would loop forever.
    Loop(PageKey),
    Done,
}

/// The stream of every page. A page whose next key names a page already fetched ends the stream, after
/// its items, with [`Error::UnexpectedResponse`] rather than looping.
pub(crate) fn pages<'a, T, R, E, F, Fut>(
    operation: &'static str,
    first: R,
    fetch: F,
) -> impl Stream<Item = Result<Page<T>, Error<E>>> + Send + 'a
where
    T: Send + 'a,
    R: Send + 'a,
    E: Send + 'a,
    F: FnMut(R) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Fetched<T, R>, Error<E>>> + Send + 'a,
{
    let state = (Next::Fetch(first), fetch, HashSet::new());
    stream::try_unfold(state, move |(next, mut fetch, mut seen)| async move {
        let request = match next {
            Next::Fetch(request) => request,
            Next::Done => return Ok(None),
            Next::Loop(key) => {
                let message = format!("the server named {key} again; stopping rather than looping");
                return Err(Error::UnexpectedResponse { operation, message });
            }
        };
        let fetched = fetch(request).await?;
        tracing::debug!(operation, items = fetched.items.len(), last = fetched.next.is_none(), "page");
        let key = fetched.next.as_ref().map(|(key, _)| key.clone());
        let next = match fetched.next {
            Some((key, _)) if !seen.insert(key.clone()) => Next::Loop(key),
            Some((_, request)) => Next::Fetch(request),
            None => Next::Done,
        };
        Ok(Some((Page { items: fetched.items, next: key }, (next, fetch, seen))))
    })
    .boxed()
}

/// The next cursor: an absent or empty one ends the results.
pub(crate) fn next_cursor(next: Option<String>) -> Option<String> {
    next.filter(|cursor| !cursor.is_empty())
}

/// The next page number, or `None` after the last page or an empty one. Without a page count the pages
/// go on until an empty one, so that nothing is cut off silently.
pub(crate) fn next_page_number(current: i32, page_count: Option<i32>, items_on_page: usize) -> Option<i32> {
    match page_count {
        _ if items_on_page == 0 => None,
        Some(count) if current >= count => None,
        _ => current.checked_add(1),
    }
}
