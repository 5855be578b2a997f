//! `multipart/form-data` bodies: the parts a caller adds, encoded once so that a retry sends the same bytes.

use bytes::{BufMut, Bytes, BytesMut};

/// The parts of a `multipart/form-data` request body: text fields and files, in the order they are added:
/// `Multipart::new().text("description", "the logo").file("file", bytes, "logo.png", "image/png")`.
///
/// reqwest's own multipart form is a one-shot stream; this one is encoded to bytes when the request is
/// built, so that a retried request sends the same body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Multipart {
    parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

impl Multipart {
    /// No parts yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let data = Bytes::from(value.into());
        self.parts.push(Part { name: name.into(), file_name: None, content_type: None, data });
        self
    }

    /// Adds a file: its bytes, the file name the server sees, and its media type (`image/png`, say).
    pub fn file(
        mut self,
        name: impl Into<String>,
        data: impl Into<Bytes>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
    ) -> Self {
        let (file_name, content_type) = (Some(file_name.into()), Some(content_type.into()));
        self.parts.push(Part { name: name.into(), file_name, content_type, data: data.into() });
        self
    }

    /// The `Content-Type` (with its boundary) and the encoded body.
    pub(crate) fn encode(&self) -> (String, Bytes) {
        let boundary = self.boundary();
        let mut body = BytesMut::new();
        for part in &self.parts {
            body.put_slice(format!("--{boundary}\r\n").as_bytes());
            let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", quoted(&part.name));
            if let Some(file_name) = &part.file_name {
                disposition.push_str(&format!("; filename=\"{}\"", quoted(file_name)));
            }
            body.put_slice(disposition.as_bytes());
            body.put_slice(b"\r\n");
            if let Some(content_type) = &part.content_type {
                let content_type: String = content_type.chars().filter(|c| !c.is_control()).collect();
                body.put_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
            }
            body.put_slice(b"\r\n");
            body.put_slice(&part.data);
            body.put_slice(b"\r\n");
        }
        body.put_slice(format!("--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), body.freeze())
    }

    /// A boundary that none of the parts contains.
    fn boundary(&self) -> String {
        loop {
            let boundary = format!("part-boundary-{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
            let clashes =
                self.parts.iter().any(|part| part.data.windows(boundary.len()).any(|w| w == boundary.as_bytes()));
            if !clashes {
                return boundary;
            }
        }
    }
}

/// A name for a quoted header parameter: quotes and line breaks percent-encoded, as browsers send them.
fn quoted(name: &str) -> String {
    name.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A")
}
