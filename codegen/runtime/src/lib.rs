//! The hand-written runtime of the API clients `genesys-audit-codegen` generates: the HTTP client and its
//! configuration (credentials, retries, timeouts), [`Response`], [`Error`], and the generic machinery of
//! requests, decoding, pagination and waiting. It knows nothing of particular operations.
//!
//! A generated crate depends on this one and re-exports what its users name ([`ClientBuilder`],
//! [`Error`], [`RetryPolicy`], [`paginate::Page`], …) at its root; its `Client` wraps this crate's [`Client`] and
//! carries one method per operation. Users of a generated crate need not depend on this crate.
//!
//! The rest of the public items are what generated code calls ([`Request`], [`member`], [`paginate::PageSeed`], …):
//! public because generated crates are other crates, documented, and kept as stable as the rest.

mod auth;
mod client;
mod error;
mod multipart;
mod object;
pub mod paginate;
mod request;
mod response;
mod retry;
mod tagged;
mod value;
pub mod wait;

pub use auth::AuthError;
pub use client::{Api, BuildError, Client, ClientBuilder, RegionUrls};
pub use error::{ApiError, DecodeError, Error};
pub use multipart::Multipart;
pub use object::{MemberName, ignored_member, member, optional, required, unknown_member};
pub use request::{Request, TemplatePart};
pub use response::{CORRELATION_ID_HEADER, OwnedSeed, RawResponse, Response, body_of, decode_json_body};
pub use retry::RetryPolicy;
pub use tagged::{from_json, serialize_tagged, tag_of};
pub use value::{ParamValue, StringEnum, UnrecognizedValue, deserialize_str, string_enum};

// The derives that write the impls of generated models and request builders. A crate that copies the
// runtime in has them written out instead; the generator leaves this line out of the copy by its text.
pub use genesys_cloud_runtime_macros::{Model, Operation, StringEnum};

// Parts only some APIs need. A crate that vendors the runtime keeps each only if its operations use it;
// the generator finds these lines by their text, so keep each part's lines together.
mod form;
mod form_response;
pub use form_response::decode_form;

mod multipart_body;
pub use multipart_body::{MultipartBody, decode_multipart};
