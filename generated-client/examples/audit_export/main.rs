//! `audit_export`: export every Genesys Cloud audit entry of an interval as JSON lines.
//!
//! Each entry (an `AuditLogMessage`) is written to stdout as one line of JSON, encoded exactly as the
//! client encodes it: enum values this version does not know and members the API description does not
//! declare are kept. Two things are the client's, not the server's, text: timestamps are written in UTC
//! with the fraction of a second only when it is not zero (`2024-03-05T14:22:00.000+01:00` becomes
//! `2024-03-05T13:22:00Z`, the same instant), and a declared member the server sent as `null` is left
//! out. Progress goes to stderr. Each page is written on a thread of its own while the next one is fetched
//! and decoded, so memory holds three pages of results at most, however many there are.
//!
//! `--raw` writes each entry as the server sent it instead: its members in its order, its numbers and
//! timestamps as written, byte for byte but for any line breaks and spaces between its tokens, which a
//! line of JSON cannot hold. Such an entry is checked as JSON only, not against the API description, and
//! is not decoded at all, which makes the export 2 to 3 times as fast (`cargo xtask bench-export`).
//!
//! ```text
//! GENESYS_CLIENT_ID=... GENESYS_CLIENT_SECRET=... \
//!   cargo run -p genesys-cloud-audit --example audit_export -- \
//!     --region eu-west-1 --interval 2024-03-01T00:00:00Z/2024-03-02T00:00:00Z \
//!     --service-name Architect --filter Action=Publish > audits.jsonl
//! ```
//!
//! By default the export submits an asynchronous audit query (`POST /api/v2/audits/query`), waits for it
//! to succeed, then reads its results page by page with a cursor. `--realtime` pages through
//! `POST /api/v2/audits/query/realtime` instead (14 days of history for some services, no waiting).
//!
//! Credentials come from the environment: `GENESYS_ACCESS_TOKEN` (used as is), or else
//! `GENESYS_CLIENT_ID` and `GENESYS_CLIENT_SECRET` (OAuth client credentials; tokens are fetched from
//! `{login URL}/oauth/token`, refreshed before they expire and once after a 401).
//!
//! `--output FILE --checkpoint CHECKPOINT` writes into a file and records, after each page is in it,
//! where the export stands (the query, the transaction id, the next cursor or page number, the output file
//! and how much of it is written), atomically. `--resume CHECKPOINT` goes on from there after the process
//! died, whatever killed it: it cuts the output back to the last recorded entry, so that a page half
//! written is not doubled, and the resumed file holds exactly what an export that never stopped writes.
//! Results of an asynchronous query expire on the server: resuming then fails and says to run the export
//! again; nothing is restarted silently.
//!
//! Exit status: 0 when every entry was written; 2 for a usage error (bad or missing arguments or
//! credentials), with one line on stderr naming the problem; 1 when the export failed (the server
//! refused, the query failed, the network broke), with one line on stderr starting with
//! `audit_export: ` that gives the status and the correlation id when the server answered; 130 after
//! SIGINT or SIGTERM, once the pages already fetched are written and the checkpoint records them; 141 when
//! stdout was closed before the export ended (`audit_export ... | head`), without a message. Lines
//! written before a failure are complete entries, but the export is then incomplete.
//!
//! Run it with `--help` for every flag.

mod args;
mod checkpoint;
mod output;
mod progress;
mod stop;

use std::io::{self, Write};
use std::path::Path;
use std::pin::pin;
use std::process::ExitCode;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use genesys_cloud_audit::models::{
    AuditQueryFilter, AuditQueryFilterProperty, AuditQueryRequest, AuditRealtimeQueryRequest,
    GetAuditsQueryTransactionIdResultsExpand, PostAuditsQueryRealtimeExpand,
};
use genesys_cloud_audit::{BuildError, Page, PageKey};
use genesys_cloud_audit::{Client, Error, RetryPolicy, WaitOptions};

use args::{Command, Endpoint, ExportOptions, QueryOptions, RunOptions};
use checkpoint::{Checkpoint, Position, Query};
use output::{Line, Output};
use progress::Progress;
use serde_json::value::RawValue;
use stop::Stop;

/// Each results page arrives as a body of hundreds of kilobytes. glibc's allocator hands such blocks back
/// to the system when they are freed and faults them in again for the next page: with `--raw`, that cost
/// as much system time as reading the entries cost user time. mimalloc keeps them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The prefix of every line this tool writes to stderr.
const PREFIX: &str = "audit_export: ";

/// The longest wait between two status polls (or the first wait, if that is longer).
const MAX_POLL_INTERVAL: Duration = Duration::from_secs(10);
/// The exit status after SIGINT or SIGTERM, as a shell reports a process stopped by SIGINT.
const EXIT_INTERRUPTED: u8 = 130;
/// The exit status when stdout is closed early: what a shell reports for a process killed by SIGPIPE.
const EXIT_BROKEN_PIPE: u8 = 141;

/// The credentials found in the environment.
enum Credentials {
    /// A ready-made access token.
    Token(String),
    /// An OAuth client id and secret.
    ClientCredentials { id: String, secret: String },
}

/// Why the tool stops without success.
#[derive(Debug)]
enum Failure {
    /// The command line or the environment is wrong: exit 2.
    Usage(String),
    /// The export failed: exit 1.
    Runtime(String),
    /// SIGINT or SIGTERM stopped the export, after the page being written: exit 130.
    Interrupted(String),
    /// Stdout was closed by the reader: stop quietly.
    BrokenPipe,
}

impl Failure {
    /// The failure for an error of the client, on one line: its message, its causes, and the
    /// correlation id if the server gave one and the message does not already say it.
    fn from_api(err: &Error) -> Self {
        let mut line = err.to_string();
        let mut source = std::error::Error::source(err);
        while let Some(cause) = source {
            let text = cause.to_string();
            if !line.contains(&text) {
                line.push_str(": ");
                line.push_str(&text);
            }
            source = cause.source();
        }
        if let Some(id) = err.correlation_id() {
            if !line.contains(id) {
                line.push_str(&format!(" (correlation id {id})"));
            }
        }
        Failure::Runtime(line)
    }

    /// The failure for an error writing to stdout.
    fn from_io(err: &io::Error) -> Self {
        if err.kind() == io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Runtime(format!("cannot write to stdout: {err}"))
        }
    }
}

/// Parses the command line, reads the credentials, runs the export and reports the outcome.
#[tokio::main]
async fn main() -> ExitCode {
    let outcome = match args::parse_args(std::env::args_os().skip(1)) {
        Ok(Command::Help) => print_help(),
        Ok(Command::Export(options)) => match credentials_from_env() {
            Ok(credentials) => {
                trace_to_stderr(options.run.verbose);
                export(&options, credentials).await
            }
            Err(failure) => Err(failure),
        },
        Ok(Command::Resume { checkpoint, run }) => match credentials_from_env() {
            Ok(credentials) => {
                trace_to_stderr(run.verbose);
                resume(&checkpoint, &run, credentials).await
            }
            Err(failure) => Err(failure),
        },
        Err(failure) => Err(failure),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            report(&format!("{message} (see --help)"));
            ExitCode::from(2)
        }
        Err(Failure::Runtime(message)) => {
            report(&message);
            ExitCode::from(1)
        }
        Err(Failure::Interrupted(message)) => {
            report(&message);
            ExitCode::from(EXIT_INTERRUPTED)
        }
        Err(Failure::BrokenPipe) => ExitCode::from(EXIT_BROKEN_PIPE),
    }
}

/// Sends what the client traces to stderr: its DEBUG story with `--verbose`, else what `RUST_LOG` asks
/// for (`RUST_LOG=genesys_cloud_runtime=info` shows retries), else nothing. No secret is ever traced.
fn trace_to_stderr(verbose: bool) {
    let directives = if verbose {
        Some("genesys_cloud_runtime=debug".to_owned())
    } else {
        std::env::var("RUST_LOG").ok().filter(|directives| !directives.trim().is_empty())
    };
    if let Some(directives) = directives {
        let filter = tracing_subscriber::EnvFilter::new(directives);
        let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(io::stderr).with_ansi(false).try_init();
    }
}

/// Writes `message` to stderr as one line starting with `audit_export: `. A stderr that cannot be
/// written to is ignored: there is nowhere else to report.
fn report(message: &str) {
    let one_line = message.replace(['\r', '\n'], " ");
    let _ = writeln!(io::stderr().lock(), "{PREFIX}{one_line}");
}

/// Prints the usage text on stdout.
fn print_help() -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    out.write_all(args::USAGE.as_bytes()).and_then(|()| out.flush()).map_err(|err| Failure::from_io(&err))
}

/// Reads the credentials: `GENESYS_ACCESS_TOKEN` if set, else `GENESYS_CLIENT_ID` and
/// `GENESYS_CLIENT_SECRET`. An empty variable counts as unset.
fn credentials_from_env() -> Result<Credentials, Failure> {
    fn var(name: &str) -> Result<Option<String>, Failure> {
        match std::env::var(name) {
            Ok(value) if value.trim().is_empty() => Ok(None),
            Ok(value) => Ok(Some(value)),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => Err(Failure::Usage(format!("{name} is not valid UTF-8"))),
        }
    }
    if let Some(token) = var("GENESYS_ACCESS_TOKEN")? {
        return Ok(Credentials::Token(token));
    }
    match (var("GENESYS_CLIENT_ID")?, var("GENESYS_CLIENT_SECRET")?) {
        (Some(id), Some(secret)) => Ok(Credentials::ClientCredentials { id, secret }),
        (Some(_), None) => Err(Failure::Usage("GENESYS_CLIENT_ID is set but GENESYS_CLIENT_SECRET is not".to_owned())),
        (None, Some(_)) => Err(Failure::Usage("GENESYS_CLIENT_SECRET is set but GENESYS_CLIENT_ID is not".to_owned())),
        (None, None) => Err(Failure::Usage(
            "no credentials: set GENESYS_ACCESS_TOKEN, or GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET".to_owned(),
        )),
    }
}

/// Builds the client: where (on resume, where the checkpoint says unless the command line says
/// otherwise), with which credentials, with how many attempts per request. A URL the client cannot use
/// is a usage error.
fn build_client(
    options: &RunOptions,
    resumed: Option<&Checkpoint>,
    credentials: Credentials,
) -> Result<Client, Failure> {
    let mut builder = Client::builder()
        .retry(RetryPolicy::default().max_attempts(options.max_attempts))
        .user_agent(format!("audit_export ({}/{})", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")));
    builder = match &options.endpoint {
        Endpoint::Default => match resumed {
            Some(checkpoint) => builder.base_url(checkpoint.base_url.as_str()),
            None => builder,
        },
        Endpoint::Region(region) => builder.region(*region),
        Endpoint::BaseUrl(url) => builder.base_url(url.as_str()),
    };
    if let Some(login) = options.login_url.as_ref().or(resumed.and_then(|c| c.login_url.as_ref())) {
        builder = builder.login_url(login.as_str());
    }
    if let Some(timeout) = options.request_timeout {
        builder = builder.timeout(timeout);
    }
    builder = match credentials {
        Credentials::Token(token) => builder.access_token(token),
        Credentials::ClientCredentials { id, secret } => builder.client_credentials(id, secret),
    };
    builder.build().map_err(|err| match err {
        BuildError::Http(_) => Failure::Runtime(err.to_string()),
        BuildError::MissingLoginUrl => {
            Failure::Usage("no login URL for client credentials follows from --base-url: give --login-url".to_owned())
        }
        other => Failure::Usage(other.to_string()),
    })
}

/// Runs a new export: submits the query (and for an asynchronous one waits for it), then writes every
/// entry.
async fn export(options: &ExportOptions, credentials: Credentials) -> Result<(), Failure> {
    let client = build_client(&options.run, None, credentials)?;
    let progress = Progress::new(options.run.quiet);
    note_unknown_filters(&options.query.filters);
    let mut stop = Stop::install()?;
    // Created first, so that an output that cannot be written fails before a long query.
    let output = match &options.output {
        Some(path) => Output::create(path)?,
        None => Output::stdout(),
    };
    let query = if options.query.realtime {
        progress.say(&format!("realtime query for {} at {}", options.query.interval, client.base_url()));
        Query::Realtime { request: realtime_request(&options.query), expand_user: options.query.expand_user }
    } else {
        progress.say(&format!("submitting query for {} at {}", options.query.interval, client.base_url()));
        let query = submit(&client, &options.query, &options.run, &mut stop).await?;
        if let Query::Async { transaction_id, .. } = &query {
            progress.say(&format!("query {transaction_id} succeeded; fetching results"));
        }
        query
    };
    let checkpoint = match (&options.checkpoint, &options.output) {
        (Some(path), Some(output)) => {
            let output = std::path::absolute(output)
                .map_err(|err| Failure::Runtime(format!("cannot resolve {}: {err}", output.display())))?;
            let base_url = client.base_url().to_string();
            let login_url = options.run.login_url.clone();
            Some((path.clone(), Checkpoint::new(query.clone(), base_url, login_url, output, options.raw)))
        }
        _ => None,
    };
    let mut record = Record { output, checkpoint, progress, pages: 0 };
    record.save(Position::Start)?;
    let export = Export { client, query, raw: options.raw, position: Position::Start, record };
    export.run(&mut stop).await
}

/// Goes on with the export the checkpoint at `path` records.
async fn resume(path: &Path, run: &RunOptions, credentials: Credentials) -> Result<(), Failure> {
    let checkpoint = Checkpoint::read(path)?;
    let progress = Progress::new(run.quiet);
    if checkpoint.next == Position::Done {
        report(&format!(
            "the export into {} is already complete ({} entries); nothing to resume",
            checkpoint.output.display(),
            checkpoint.entries
        ));
        return Ok(());
    }
    let client = build_client(run, Some(&checkpoint), credentials)?;
    let mut stop = Stop::install()?;
    let output = Output::reopen(&checkpoint.output, checkpoint.bytes, checkpoint.entries)?;
    progress.say(&format!(
        "resuming the export into {} after entry {} at {}",
        checkpoint.output.display(),
        checkpoint.entries,
        client.base_url()
    ));
    let (query, position, raw) = (checkpoint.query.clone(), checkpoint.next.clone(), checkpoint.raw);
    let record = Record { output, checkpoint: Some((path.to_owned(), checkpoint)), progress, pages: 0 };
    let export = Export { client, query, raw, position, record };
    export.run(&mut stop).await
}

/// Says on stderr which filter properties this version does not know. Not silenced by --quiet: a
/// misspelt property would quietly export nothing.
fn note_unknown_filters(filters: &[AuditQueryFilter]) {
    for filter in filters {
        if let AuditQueryFilterProperty::Unrecognized(name) = &filter.property {
            report(&format!(
                "note: filter property {:?} is not one this version knows (UserId, TrusteeOrganizationId, ClientId, Action, EntityType, EntityId); sending it as given",
                name.as_str()
            ));
        }
    }
}

/// The body of a realtime query.
fn realtime_request(options: &QueryOptions) -> AuditRealtimeQueryRequest {
    let mut request = AuditRealtimeQueryRequest::new(options.interval.as_str()).with_page_size(options.page_size);
    if let Some(service) = &options.service_name {
        request = request.with_service_name(service.as_str());
    }
    if !options.filters.is_empty() {
        request = request.with_filters(options.filters.iter().cloned());
    }
    request
}

/// Submits an asynchronous query and waits until it has succeeded.
async fn submit(client: &Client, options: &QueryOptions, run: &RunOptions, stop: &mut Stop) -> Result<Query, Failure> {
    let mut request = AuditQueryRequest::new(options.interval.as_str());
    if let Some(service) = &options.service_name {
        request = request.with_service_name(service.as_str());
    }
    if !options.filters.is_empty() {
        request = request.with_filters(options.filters.iter().cloned());
    }
    let wait = WaitOptions::default()
        .initial_interval(run.poll_interval)
        .max_interval(run.poll_interval.max(MAX_POLL_INTERVAL))
        .deadline(run.query_timeout);
    let waiting = client.post_audits_query(request.clone()).wait_for_results(wait);
    let results = tokio::select! {
        biased;
        () = stop.requested() => {
            return Err(Failure::Interrupted("interrupted while the query ran; nothing was written".to_owned()));
        }
        results = waiting => results.map_err(|err| Failure::from_api(&err))?,
    };
    Ok(Query::Async {
        transaction_id: results.transaction_id().to_owned(),
        request,
        page_size: options.page_size,
        expand_user: options.expand_user,
    })
}

/// An export under way: what it exports, where it stands, and what it has written.
struct Export {
    client: Client,
    query: Query,
    /// `--raw`: entries as the server sent them.
    raw: bool,
    /// Where the next page starts.
    position: Position,
    record: Record,
}

/// What an export writes and records: the output, the checkpoint and the progress. It lives on a thread of
/// its own, which writes each page while the next one is fetched and decoded.
struct Record {
    output: Output,
    /// The checkpoint file and what it last recorded, when the export keeps one.
    checkpoint: Option<(std::path::PathBuf, Checkpoint)>,
    progress: Progress,
    /// Pages written by this run.
    pages: u64,
}

/// A page handed to the writing thread: its entries, and where the export stands once they are written.
struct Fetched<T> {
    items: Vec<T>,
    next: Position,
}

/// Why fetching stopped.
enum Ended {
    /// The last page was handed on.
    Done,
    /// SIGINT or SIGTERM.
    Interrupted,
    /// A page could not be fetched.
    Failed(Error),
    /// The server named the next page in a way a checkpoint cannot record.
    Unrecordable(PageKey),
    /// The writing thread stopped first: its own failure says why.
    WriterStopped,
}

/// Pages fetched ahead of the one being written. One is enough to keep fetching and writing busy at once;
/// more would only hold more memory.
const PAGES_AHEAD: usize = 1;

impl Export {
    /// Writes every page from the current position on. Whatever ends it, what is written is handed on.
    async fn run(self, stop: &mut Stop) -> Result<(), Failure> {
        let Export { client, query, raw, position, record } = self;
        match query.clone() {
            Query::Async { transaction_id, page_size, expand_user, .. } => {
                let mut results =
                    client.get_audits_query_transaction_id_results(transaction_id.as_str()).page_size(page_size);
                if expand_user {
                    results = results.expand([GetAuditsQueryTransactionIdResultsExpand::User]);
                }
                match &position {
                    Position::Start => {}
                    Position::Cursor(cursor) => results = results.cursor(cursor.as_str()),
                    other => return Err(record.inconsistent(other)),
                }
                if raw {
                    record.write_pages(&query, results.into_pages_as::<Box<RawValue>>(), stop).await
                } else {
                    record.write_pages(&query, results.into_pages(), stop).await
                }
            }
            Query::Realtime { mut request, expand_user } => {
                match &position {
                    Position::Start => {}
                    Position::PageNumber(number) => request = request.with_page_number(*number),
                    other => return Err(record.inconsistent(other)),
                }
                let mut call = client.post_audits_query_realtime(request);
                if expand_user {
                    call = call.expand([PostAuditsQueryRealtimeExpand::User]);
                }
                if raw {
                    record.write_pages(&query, call.into_pages_as::<Box<RawValue>>(), stop).await
                } else {
                    record.write_pages(&query, call.into_pages(), stop).await
                }
            }
        }
    }
}

impl Record {
    /// Fetches the pages here and writes them on a thread of their own, so that page N is written while
    /// page N + 1 is fetched and decoded. Each page is written whole, then the checkpoint records it;
    /// SIGINT or SIGTERM stops the fetching, and the pages already fetched are written before the export
    /// stops.
    async fn write_pages<T: Line + Send + 'static>(
        mut self,
        query: &Query,
        pages: impl Stream<Item = Result<Page<T>, Error>>,
        stop: &mut Stop,
    ) -> Result<(), Failure> {
        let (sender, receiver) = tokio::sync::mpsc::channel(PAGES_AHEAD);
        let writer = tokio::task::spawn_blocking(move || {
            let written = self.write_fetched(receiver);
            (self, written)
        });
        let ended = fetch_pages(pages, sender, stop).await;
        let (mut record, written) =
            writer.await.map_err(|err| Failure::Runtime(format!("the thread writing the output failed: {err}")))?;
        let flushed = record.output.flush();
        written?;
        flushed?;
        match ended {
            Ended::Done => {
                record.progress.say(&format!("done: {} entries", record.output.entries()));
                Ok(())
            }
            Ended::Interrupted => Err(record.interrupted()),
            Ended::Failed(err) => Err(record.failed(query, &err)),
            Ended::Unrecordable(key) => {
                Err(Failure::Runtime(format!("the next page is named by {key}, which this tool cannot record")))
            }
            Ended::WriterStopped => Err(Failure::Runtime("the thread writing the output stopped".to_owned())),
        }
    }

    /// Writes the pages it is handed, in order, until there are no more or one cannot be written.
    fn write_fetched<T: Line>(&mut self, mut pages: tokio::sync::mpsc::Receiver<Fetched<T>>) -> Result<(), Failure> {
        while let Some(page) = pages.blocking_recv() {
            for entry in &page.items {
                self.output.write_entry(entry)?;
            }
            self.output.flush()?;
            self.pages += 1;
            self.save(page.next)?;
            self.progress.entries(self.output.entries(), self.pages);
        }
        Ok(())
    }

    /// Records that the export stands at `next`, if it keeps a checkpoint.
    fn save(&mut self, next: Position) -> Result<(), Failure> {
        let Some((path, checkpoint)) = &mut self.checkpoint else { return Ok(()) };
        checkpoint.next = next;
        checkpoint.entries = self.output.entries();
        checkpoint.bytes = self.output.bytes();
        checkpoint.write(path)
    }

    /// How to go on after a stop, when the export keeps a checkpoint.
    fn how_to_resume(&self) -> Option<String> {
        self.checkpoint.as_ref().map(|(path, _)| format!("resume with --resume {}", path.display()))
    }

    fn interrupted(&self) -> Failure {
        let entries = self.output.entries();
        Failure::Interrupted(match self.how_to_resume() {
            Some(resume) => format!("interrupted after {entries} entries; {resume}"),
            None => format!("interrupted after {entries} entries; the export is incomplete"),
        })
    }

    /// The failure for an error of a page of `query`. Results of an asynchronous query that the server no
    /// longer has (404 or 410) have expired: going on is impossible, and the message says what to do
    /// instead.
    fn failed(&self, query: &Query, err: &Error) -> Failure {
        let Failure::Runtime(message) = Failure::from_api(err) else { return Failure::from_api(err) };
        let entries = self.output.entries();
        match (query, err.status()) {
            (Query::Async { transaction_id, .. }, Some(404 | 410)) => Failure::Runtime(format!(
                "the results of query {transaction_id} are gone from the server ({message}): they expire some time after the query ran, so this export cannot go on; run it again without --resume to submit the query anew ({entries} entries were written)"
            )),
            _ => match self.how_to_resume() {
                Some(resume) => {
                    Failure::Runtime(format!("{message} (export incomplete: {entries} entries written; {resume})"))
                }
                None if entries > 0 => {
                    Failure::Runtime(format!("{message} (export incomplete: {entries} entries written)"))
                }
                None => Failure::Runtime(message),
            },
        }
    }

    fn inconsistent(&self, position: &Position) -> Failure {
        let path = self.checkpoint.as_ref().map_or_else(String::new, |(path, _)| path.display().to_string());
        Failure::Runtime(format!("the checkpoint {path} is inconsistent: its query cannot start at {position:?}"))
    }
}

/// Fetches every page and hands it to `writer`, until the last page, a failure, a stop signal, or the
/// writer stopping.
async fn fetch_pages<T>(
    pages: impl Stream<Item = Result<Page<T>, Error>>,
    writer: tokio::sync::mpsc::Sender<Fetched<T>>,
    stop: &mut Stop,
) -> Ended {
    let mut pages = pin!(pages);
    loop {
        let page = tokio::select! {
            biased;
            () = stop.requested() => return Ended::Interrupted,
            () = writer.closed() => return Ended::WriterStopped,
            page = pages.next() => page,
        };
        let page = match page {
            None => return Ended::Done,
            Some(Err(err)) => return Ended::Failed(err),
            Some(Ok(page)) => page,
        };
        let next = match page.next {
            None => Position::Done,
            Some(PageKey::Cursor(cursor)) => Position::Cursor(cursor),
            Some(PageKey::Number(number)) => Position::PageNumber(number),
            Some(other) => return Ended::Unrecordable(other),
        };
        // Handed on even when a stop comes meanwhile, so that every page fetched is written: the writer
        // takes it as soon as the page before is written, and the export waits for that page anyway.
        if writer.send(Fetched { items: page.items, next }).await.is_err() {
            return Ended::WriterStopped;
        }
    }
}
