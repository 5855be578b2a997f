//! The checkpoint: where an export stands, written after every page so that `--resume` can go on from
//! there after the process died, whatever killed it.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use genesys_cloud_audit::models::{AuditQueryRequest, AuditRealtimeQueryRequest};
use serde::{Deserialize, Serialize};

use super::Failure;

/// What a checkpoint says it is, so that another file given to `--resume` is refused clearly.
const FORMAT: &str = "audit_export checkpoint 1";

/// Where an export stands. Written after the entries it counts are in the output file, never before.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Checkpoint {
    /// Always [`FORMAT`].
    pub format: String,
    /// What is exported.
    pub query: Query,
    /// The API the export talks to.
    pub base_url: String,
    /// The login service given with `--login-url`, if one was.
    pub login_url: Option<String>,
    /// The output file, as an absolute path.
    pub output: PathBuf,
    /// Whether entries are written as the server sent them (`--raw`); absent in checkpoints written before
    /// the flag existed, which are not.
    #[serde(default)]
    pub raw: bool,
    /// The entries in the output file.
    pub entries: u64,
    /// The length of the output file: anything after it is part of a page that was not finished.
    pub bytes: u64,
    /// Where the next page starts.
    pub next: Position,
}

/// What is exported.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", deny_unknown_fields)]
pub enum Query {
    /// The results of an asynchronous query that has succeeded.
    #[serde(rename_all = "camelCase")]
    Async { transaction_id: String, request: AuditQueryRequest, page_size: i32, expand_user: bool },
    /// A realtime query, paged by page number.
    #[serde(rename_all = "camelCase")]
    Realtime { request: AuditRealtimeQueryRequest, expand_user: bool },
}

/// Where the next page starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Position {
    /// At the first page: nothing has been fetched yet.
    Start,
    /// At the page this cursor names.
    Cursor(String),
    /// At this page number.
    PageNumber(i32),
    /// Nowhere: the export is complete.
    Done,
}

impl Checkpoint {
    /// A new checkpoint for `query` into `output`, before any page.
    pub fn new(query: Query, base_url: String, login_url: Option<String>, output: PathBuf, raw: bool) -> Self {
        Self {
            format: FORMAT.to_owned(),
            query,
            base_url,
            login_url,
            output,
            raw,
            entries: 0,
            bytes: 0,
            next: Position::Start,
        }
    }

    /// Reads the checkpoint at `path`.
    pub fn read(path: &Path) -> Result<Self, Failure> {
        let text = std::fs::read(path)
            .map_err(|err| Failure::Runtime(format!("cannot read the checkpoint {}: {err}", path.display())))?;
        let checkpoint: Checkpoint = serde_json::from_slice(&text).map_err(|err| {
            Failure::Runtime(format!("{} is not a checkpoint this tool can resume: {err}", path.display()))
        })?;
        if checkpoint.format != FORMAT {
            return Err(Failure::Runtime(format!(
                "{} is a checkpoint of another format ({:?}, this tool reads {FORMAT:?})",
                path.display(),
                checkpoint.format
            )));
        }
        Ok(checkpoint)
    }

    /// Writes the checkpoint to `path` atomically: into a file beside it, then renamed over it, so that a
    /// process killed meanwhile leaves the previous checkpoint whole.
    pub fn write(&self, path: &Path) -> Result<(), Failure> {
        let fail = |err: io::Error| Failure::Runtime(format!("cannot write the checkpoint {}: {err}", path.display()));
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(".tmp");
        let temporary = PathBuf::from(temporary);
        let mut text = serde_json::to_vec_pretty(self).map_err(|err| fail(io::Error::other(err)))?;
        text.push(b'\n');
        let mut file = std::fs::File::create(&temporary).map_err(fail)?;
        file.write_all(&text).map_err(fail)?;
        std::fs::rename(&temporary, path).map_err(fail)
    }
}
