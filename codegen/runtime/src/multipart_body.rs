//! Success bodies of a `multipart/*` media type, handed over as received. Copied only into crates whose
//! operations answer with one.

use bytes::Bytes;
use reqwest::header::CONTENT_TYPE;

use super::error::Error;
use super::response::{RawResponse, Response};

/// A `multipart/*` response body as the server sent it: its bytes and its `Content-Type`, whose
/// `boundary` parameter separates the parts.
///
/// The client does not split it into parts: a parser that does it well (line endings, quoted
/// boundaries, transfer encodings, nested multipart bodies) is a crate of its own, and the parts of a
/// multipart response have no type the API description can give them. Hand the body and the
/// [`boundary`](Self::boundary) to the multipart parser you prefer (`multer`'s `Multipart::new`, say).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MultipartBody {
    content_type: String,
    body: Bytes,
}

impl MultipartBody {
    /// The `Content-Type` the server sent (`multipart/mixed; boundary=...`); empty when it sent none.
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// The `boundary` parameter of the `Content-Type`, unquoted: what separates the parts.
    pub fn boundary(&self) -> Option<&str> {
        self.content_type.split(';').skip(1).find_map(|parameter| {
            let (name, value) = parameter.split_once('=')?;
            let value = value.trim();
            let value = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value);
            name.trim().eq_ignore_ascii_case("boundary").then_some(value)
        })
    }

    /// The body as received, parts, boundaries and all.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body, taken out.
    pub fn into_body(self) -> Bytes {
        self.body
    }
}

/// The multipart body of a success response, with its `Content-Type`.
pub fn decode_multipart<E>(response: RawResponse) -> Result<Response<MultipartBody>, Error<E>> {
    let response = response.bytes::<E>()?;
    let content_type = response.headers().get(CONTENT_TYPE).and_then(|value| value.to_str().ok());
    let content_type = content_type.unwrap_or_default().to_owned();
    Ok(response.map(|body| MultipartBody { content_type, body }))
}
