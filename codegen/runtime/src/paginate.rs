//! Pagination: a stream of items that fetches the next page only when the previous one is used up, so
//! memory holds one page however many there are.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;

use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};
use serde::Deserializer;
use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, Visitor};

use super::error::Error;
use super::response::OwnedSeed;

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
pub struct Fetched<T, R> {
    /// The page's items.
    pub items: Vec<T>,
    /// The next page's key and request.
    pub next: Option<(PageKey, R)>,
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
pub fn pages<'a, T, R, E, F, Fut>(
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

/// What paging reads of a page: its items and the member that names the next page (a cursor, or the page
/// count).
#[derive(Debug)]
pub struct PageParts<T, N> {
    /// The items; empty when the page has none.
    pub items: Vec<T>,
    /// The member that names the next page, when present and not null.
    pub next: Option<N>,
}

/// Decodes the [`PageParts`] of a page in one pass: the items as `T` (the operation's item type, or the
/// caller's), the next-page member as `N`, every other member checked as JSON and skipped. The items
/// member may be absent or null (no items) unless the seed is made [`PageSeed::required`].
pub struct PageSeed<T, N> {
    /// The wire names of the items and of the next-page member.
    items: &'static str,
    next: &'static str,
    /// Whether a page without its items is an error, as a required, non-nullable member is.
    items_required: bool,
    marker: PhantomData<fn() -> (T, N)>,
}

impl<T, N> Clone for PageSeed<T, N> {
    fn clone(&self) -> Self {
        Self { items: self.items, next: self.next, items_required: self.items_required, marker: PhantomData }
    }
}

impl<T, N> PageSeed<T, N> {
    /// A page whose items member, `items`, may be absent or null; `next` names the next page.
    pub fn new(items: &'static str, next: &'static str) -> Self {
        Self { items, next, items_required: false, marker: PhantomData }
    }

    /// A page that must have its items member, `items`, and not null; `next` names the next page.
    pub fn required(items: &'static str, next: &'static str) -> Self {
        Self { items, next, items_required: true, marker: PhantomData }
    }
}

impl<T: DeserializeOwned, N: DeserializeOwned> OwnedSeed for PageSeed<T, N> {
    type Value = PageParts<T, N>;

    fn decode<'de, D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned, N: DeserializeOwned> Visitor<'de> for PageSeed<T, N> {
    type Value = PageParts<T, N>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a page with its items in `{}`", self.items)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut items, mut next, mut seen_next) = (None, None, false);
        while let Some(key) = map.next_key::<String>()? {
            if key == self.items {
                if items.is_some() {
                    return Err(de::Error::duplicate_field(self.items));
                }
                items = Some(if self.items_required {
                    map.next_value::<Vec<T>>()?
                } else {
                    map.next_value::<Option<Vec<T>>>()?.unwrap_or_default()
                });
            } else if key == self.next {
                if seen_next {
                    return Err(de::Error::duplicate_field(self.next));
                }
                seen_next = true;
                next = map.next_value::<Option<N>>()?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        match items {
            Some(items) => Ok(PageParts { items, next }),
            None if self.items_required => Err(de::Error::missing_field(self.items)),
            None => Ok(PageParts { items: Vec::new(), next }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts<T: DeserializeOwned>(seed: PageSeed<T, String>, page: &str) -> Result<PageParts<T, String>, String> {
        seed.decode(&mut serde_json::Deserializer::from_str(page)).map_err(|err| err.to_string())
    }

    #[test]
    fn a_page_gives_its_items_and_next_and_skips_the_rest() {
        let page = r#"{"total":2,"items":[1,2],"extra":{"a":[true]},"next":"c1"}"#;
        let parts = parts::<u8>(PageSeed::new("items", "next"), page).unwrap();
        assert_eq!((parts.items, parts.next), (vec![1, 2], Some("c1".to_owned())));
    }

    #[test]
    fn absent_or_null_members_are_no_items_and_no_next_page() {
        for page in [r#"{}"#, r#"{"items":null,"next":null}"#] {
            let parts = parts::<u8>(PageSeed::new("items", "next"), page).unwrap();
            assert_eq!((parts.items, parts.next), (vec![], None), "{page}");
        }
    }

    #[test]
    fn required_items_must_be_there_and_not_null() {
        let missing = parts::<u8>(PageSeed::required("items", "next"), r#"{"next":"c1"}"#).unwrap_err();
        assert!(missing.starts_with("missing field `items`"), "{missing}");
        let null = parts::<u8>(PageSeed::required("items", "next"), r#"{"items":null}"#).unwrap_err();
        assert!(null.starts_with("invalid type: null, expected a sequence"), "{null}");
    }

    #[test]
    fn a_member_twice_or_a_page_that_is_not_an_object_is_an_error() {
        let twice = parts::<u8>(PageSeed::new("items", "next"), r#"{"items":[1],"items":[2]}"#).unwrap_err();
        assert!(twice.starts_with("duplicate field `items`"), "{twice}");
        let twice = parts::<u8>(PageSeed::new("items", "next"), r#"{"next":"a","next":"b"}"#).unwrap_err();
        assert!(twice.starts_with("duplicate field `next`"), "{twice}");
        let list = parts::<u8>(PageSeed::new("items", "next"), r#"[1,2]"#).unwrap_err();
        assert!(list.starts_with("invalid type: sequence, expected a page with its items in `items`"), "{list}");
    }
}
