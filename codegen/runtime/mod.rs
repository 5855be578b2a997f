//! The hand-written runtime every generated operation calls into: the [`Client`] and its configuration
//! (credentials, retries, timeouts), [`Response`], [`Error`], and the generic machinery of requests,
//! pagination and waiting, which only generated code calls. It knows nothing of particular operations.

// Generated code calls the parts its API needs: one without pagination or unions, say, leaves those unused.
#![allow(dead_code)]

mod auth;
mod client;
mod error;
mod multipart;
mod object;
pub(crate) mod paginate;
mod request;
mod response;
mod retry;
mod tagged;
mod value;
pub(crate) mod wait;

pub use auth::AuthError;
pub use client::{BuildError, Client, ClientBuilder};
pub use error::{ApiError, DecodeError, Error};
pub use multipart::Multipart;
pub use paginate::{Page, PageKey};
pub use response::{CORRELATION_ID_HEADER, Response};
pub use retry::RetryPolicy;
pub use value::UnrecognizedValue;
pub use wait::WaitOptions;

// What generated code calls, not part of the API; an API that needs no unions (say) leaves some unused.
#[allow(unused_imports)]
pub(crate) use object::{MemberName, member, optional, required, unknown_member};
#[allow(unused_imports)]
pub(crate) use request::TemplatePart;
#[allow(unused_imports)]
pub(crate) use response::body_of;
#[allow(unused_imports)]
pub(crate) use tagged::{from_json, serialize_tagged, tag_of};
#[allow(unused_imports)]
pub(crate) use value::deserialize_str;

// Public only to be reachable from outside the crate, and hidden: the runtime's own tests build requests
// by hand (the audit API uses few of the parameter styles), `cargo xtask bench-decode` measures the decode
// path, and generated enums implement `ParamValue`, which `Request`'s methods name.
#[doc(hidden)]
pub use request::Request;
#[doc(hidden)]
pub use response::decode_json_body;
#[doc(hidden)]
pub use value::ParamValue;
