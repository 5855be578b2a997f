//! `audit_export`: export every Genesys Cloud audit entry of an interval as JSON lines.
//!
//! Each entry (an `AuditLogMessage`) is written to stdout as one line of JSON, encoded exactly as the
//! client encodes it: enum values this version does not know and members the API description does not
//! declare are kept. Two things are the client's, not the server's, text: timestamps are written in UTC
//! with the fraction of a second only when it is not zero (`2024-03-05T14:22:00.000+01:00` becomes
//! `2024-03-05T13:22:00Z`, the same instant), and a declared member the server sent as `null` is left
//! out. Progress goes to stderr. Memory holds one page of results however many there are.
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
//! Exit status: 0 when every entry was written; 2 for a usage error (bad or missing arguments or
//! credentials), with one line on stderr naming the problem; 1 when the export failed (the server
//! refused, the query failed, the network broke), with one line on stderr starting with
//! `audit_export: ` that gives the status and the correlation id when the server answered; 141 when
//! stdout was closed before the export ended (`audit_export ... | head`), without a message. Lines
//! written before a failure are complete entries, but the export is then incomplete.
//!
//! Run it with `--help` for every flag.

use std::ffi::OsString;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use genesys_cloud_audit::models::{
    AuditLogMessage, AuditQueryFilter, AuditQueryFilterProperty, AuditQueryRequest, AuditRealtimeQueryRequest,
    GetAuditsQueryTransactionIdResultsExpand, PostAuditsQueryRealtimeExpand,
};
use genesys_cloud_audit::runtime::BuildError;
use genesys_cloud_audit::{Client, Error, Region, RetryPolicy, WaitOptions};

/// The prefix of every line this tool writes to stderr.
const PREFIX: &str = "audit_export: ";

/// The page size unless `--page-size` is given: the most the API allows.
const DEFAULT_PAGE_SIZE: i32 = 500;
/// The largest page the API serves.
const MAX_PAGE_SIZE: i32 = 500;
/// The wait before the first status poll unless `--poll-interval-ms` is given.
const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(1);
/// The longest wait between two status polls (or the first wait, if that is longer).
const MAX_POLL_INTERVAL: Duration = Duration::from_secs(10);
/// How long to wait for an asynchronous query unless `--timeout-secs` is given.
const DEFAULT_QUERY_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// Attempts per request unless `--max-attempts` is given (the runtime's default).
const DEFAULT_MAX_ATTEMPTS: u32 = 5;
/// The exit status when stdout is closed early: what a shell reports for a process killed by SIGPIPE.
const EXIT_BROKEN_PIPE: u8 = 141;

/// The text `--help` prints.
const USAGE: &str = "\
Export every Genesys Cloud audit entry of an interval as JSON lines on stdout (progress on stderr).

Usage: audit_export --interval <START/END> [options]

Query:
  --interval <START/END>      ISO-8601 interval, e.g. 2024-03-01T00:00:00Z/2024-03-02T00:00:00Z (required)
  --service-name <NAME>       only this service (e.g. Architect, Directory, Routing)
  --filter <PROPERTY=VALUE>   only entries whose PROPERTY is VALUE; repeatable. Properties: UserId,
                              TrusteeOrganizationId, ClientId, Action, EntityType, EntityId
  --page-size <N>             entries per page, 1 to 500 (default 500)
  --expand-user               include the user's details in each entry
  --realtime                  page through /api/v2/audits/query/realtime (no waiting; 14 days of history
                              for some services) instead of submitting an asynchronous query

Where:
  --region <NAME>             the region, e.g. us-east-1, eu-west-1, ap-southeast-2 (default us-east-1)
  --base-url <URL>            the API base URL instead of a region (a proxy, say)
  --login-url <URL>           the login service's base URL, for client credentials (default: the
                              region's, or the base URL with api. replaced by login.)

Patience:
  --poll-interval-ms <MS>     the wait before the first status poll (default 1000; it then grows to 10 s)
  --timeout-secs <S>          how long to wait for an asynchronous query to finish (default 900)
  --request-timeout-secs <S>  how long one HTTP attempt may take (default 60)
  --max-attempts <N>          attempts per request, retries of 429, 503 and the like included (default 5)

Other:
  -q, --quiet                 no progress on stderr (errors and notes are still reported)
  -v, --verbose               the client's story on stderr: each call, retry, token fetch, poll and page
                              (RUST_LOG=genesys_cloud_audit=debug does the same; RUST_LOG takes any filter)
  -h, --help                  print this help

Credentials, from the environment: GENESYS_ACCESS_TOKEN, or GENESYS_CLIENT_ID and
GENESYS_CLIENT_SECRET (client credentials grant).

Exit status: 0 success, 1 export failed, 2 usage error, 141 stdout closed early.
";

/// Which server to talk to.
#[derive(Debug)]
enum Endpoint {
    /// The client's default (the first server of the API description, us-east-1).
    Default,
    /// A named region: its API and login URLs.
    Region(Region),
    /// An explicit API base URL.
    BaseUrl(String),
}

/// Everything the command line says.
#[derive(Debug)]
struct Options {
    interval: String,
    service_name: Option<String>,
    filters: Vec<AuditQueryFilter>,
    page_size: i32,
    expand_user: bool,
    realtime: bool,
    endpoint: Endpoint,
    login_url: Option<String>,
    poll_interval: Duration,
    query_timeout: Duration,
    request_timeout: Option<Duration>,
    max_attempts: u32,
    quiet: bool,
    verbose: bool,
}

/// What the command line asks for.
#[derive(Debug)]
enum Command {
    /// Print the help and stop.
    Help,
    /// Run an export.
    Export(Box<Options>),
}

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
    let outcome = match parse_args(std::env::args_os().skip(1)) {
        Ok(Command::Help) => print_help(),
        Ok(Command::Export(options)) => match credentials_from_env() {
            Ok(credentials) => {
                trace_to_stderr(options.verbose);
                export(&options, credentials).await
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
        Err(Failure::BrokenPipe) => ExitCode::from(EXIT_BROKEN_PIPE),
    }
}

/// Sends what the client traces to stderr: its DEBUG story with `--verbose`, else what `RUST_LOG` asks
/// for (`RUST_LOG=genesys_cloud_audit=info` shows retries), else nothing. No secret is ever traced.
fn trace_to_stderr(verbose: bool) {
    let directives = if verbose {
        Some("genesys_cloud_audit=debug".to_owned())
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
    out.write_all(USAGE.as_bytes()).and_then(|()| out.flush()).map_err(|err| Failure::from_io(&err))
}

/// Parses the arguments (without the program name). Flags take their value as the next argument or
/// after `=` (`--page-size=100`).
fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Command, Failure> {
    let usage = |message: String| Failure::Usage(message);
    let mut args = args.into_iter();
    let mut interval = None;
    let mut service_name = None;
    let mut filters = Vec::new();
    let mut page_size = None;
    let mut expand_user = false;
    let mut realtime = false;
    let mut region = None;
    let mut base_url = None;
    let mut login_url = None;
    let mut poll_interval = None;
    let mut query_timeout = None;
    let mut request_timeout = None;
    let mut max_attempts = None;
    let mut quiet = false;
    let mut verbose = false;

    while let Some(arg) = args.next() {
        let arg = arg.into_string().map_err(|arg| usage(format!("argument {arg:?} is not valid UTF-8")))?;
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_owned(), Some(value.to_owned())),
            _ => (arg.clone(), None),
        };
        if matches!(flag.as_str(), "-h" | "--help") {
            return Ok(Command::Help);
        }
        // Flags without a value.
        let is_switch = matches!(flag.as_str(), "--expand-user" | "--realtime" | "-q" | "--quiet" | "-v" | "--verbose");
        if is_switch {
            if inline.is_some() {
                return Err(usage(format!("{flag} takes no value")));
            }
            match flag.as_str() {
                "--expand-user" => expand_user = true,
                "--realtime" => realtime = true,
                "-v" | "--verbose" => verbose = true,
                _ => quiet = true,
            }
            continue;
        }
        // Flags with a value: check the name first, so an unknown flag is named as such.
        let known = [
            "--interval",
            "--service-name",
            "--filter",
            "--page-size",
            "--region",
            "--base-url",
            "--login-url",
            "--poll-interval-ms",
            "--timeout-secs",
            "--request-timeout-secs",
            "--max-attempts",
        ];
        if !known.contains(&flag.as_str()) {
            return Err(usage(if flag.starts_with('-') {
                format!("unknown flag {flag}")
            } else {
                format!("unexpected argument {flag:?}")
            }));
        }
        let value = match inline {
            Some(value) => value,
            None => match args.next() {
                Some(value) => {
                    let value =
                        value.into_string().map_err(|v| usage(format!("value {v:?} of {flag} is not valid UTF-8")))?;
                    if value.starts_with("--") {
                        return Err(usage(format!("{flag} needs a value, got the flag {value}")));
                    }
                    value
                }
                None => return Err(usage(format!("{flag} needs a value"))),
            },
        };
        if value.trim().is_empty() {
            return Err(usage(format!("{flag} needs a non-empty value")));
        }
        match flag.as_str() {
            "--interval" => set_once(&mut interval, &flag, parse_interval(&value)?)?,
            "--service-name" => set_once(&mut service_name, &flag, value)?,
            "--filter" => filters.push(parse_filter(&value)?),
            "--page-size" => set_once(&mut page_size, &flag, parse_page_size(&value)?)?,
            "--region" => {
                let parsed = value.parse::<Region>().map_err(|err| usage(err.to_string()))?;
                set_once(&mut region, &flag, parsed)?;
            }
            "--base-url" => set_once(&mut base_url, &flag, value)?,
            "--login-url" => set_once(&mut login_url, &flag, value)?,
            "--poll-interval-ms" => {
                let ms = parse_number::<u64>(&flag, &value, 1..=3_600_000)?;
                set_once(&mut poll_interval, &flag, Duration::from_millis(ms))?;
            }
            "--timeout-secs" => {
                let secs = parse_number::<u64>(&flag, &value, 1..=7 * 24 * 3600)?;
                set_once(&mut query_timeout, &flag, Duration::from_secs(secs))?;
            }
            "--request-timeout-secs" => {
                let secs = parse_number::<u64>(&flag, &value, 1..=3600)?;
                set_once(&mut request_timeout, &flag, Duration::from_secs(secs))?;
            }
            "--max-attempts" => set_once(&mut max_attempts, &flag, parse_number::<u32>(&flag, &value, 1..=100)?)?,
            _ => return Err(usage(format!("unknown flag {flag}"))),
        }
    }

    let interval = interval.ok_or_else(|| usage("--interval is required".to_owned()))?;
    let endpoint = match (region, base_url) {
        (Some(_), Some(_)) => return Err(usage("--region and --base-url cannot be used together".to_owned())),
        (Some(region), None) => Endpoint::Region(region),
        (None, Some(url)) => Endpoint::BaseUrl(url),
        (None, None) => Endpoint::Default,
    };
    Ok(Command::Export(Box::new(Options {
        interval,
        service_name,
        filters,
        page_size: page_size.unwrap_or(DEFAULT_PAGE_SIZE),
        expand_user,
        realtime,
        endpoint,
        login_url,
        poll_interval: poll_interval.unwrap_or(DEFAULT_POLL_INTERVAL),
        query_timeout: query_timeout.unwrap_or(DEFAULT_QUERY_TIMEOUT),
        request_timeout,
        max_attempts: max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS),
        quiet,
        verbose,
    })))
}

/// Stores `value` in `slot`, refusing a flag given twice.
fn set_once<T>(slot: &mut Option<T>, flag: &str, value: T) -> Result<(), Failure> {
    if slot.is_some() {
        return Err(Failure::Usage(format!("{flag} is given more than once")));
    }
    *slot = Some(value);
    Ok(())
}

/// Checks the shape of an ISO-8601 interval (`start/end` or `start/duration`); the server checks the
/// rest and says what is wrong.
fn parse_interval(value: &str) -> Result<String, Failure> {
    match value.split_once('/') {
        Some((start, end)) if !start.trim().is_empty() && !end.trim().is_empty() && !end.contains('/') => {
            Ok(value.trim().to_owned())
        }
        _ => Err(Failure::Usage(format!(
            "--interval {value:?} is not an ISO-8601 interval such as 2024-03-01T00:00:00Z/2024-03-02T00:00:00Z"
        ))),
    }
}

/// Parses `PROPERTY=VALUE` into a filter. A property this version does not know is kept as given (the
/// API may have added it); [`export`] notes it on stderr in case it is a typo.
fn parse_filter(value: &str) -> Result<AuditQueryFilter, Failure> {
    let Some((property, wanted)) = value.split_once('=') else {
        return Err(Failure::Usage(format!("--filter {value:?} is not PROPERTY=VALUE (e.g. Action=Publish)")));
    };
    let (property, wanted) = (property.trim(), wanted.trim());
    if property.is_empty() || wanted.is_empty() {
        return Err(Failure::Usage(format!(
            "--filter {value:?} needs both a property and a value (e.g. Action=Publish)"
        )));
    }
    Ok(AuditQueryFilter::new(AuditQueryFilterProperty::from(property), wanted))
}

/// Parses `--page-size`: 1 to 500.
fn parse_page_size(value: &str) -> Result<i32, Failure> {
    let size = parse_number::<i64>("--page-size", value, 1..=i64::from(MAX_PAGE_SIZE))?;
    i32::try_from(size).map_err(|_| Failure::Usage(format!("--page-size must be 1 to {MAX_PAGE_SIZE}, not {value}")))
}

/// Parses a whole number in `range` for `flag`.
fn parse_number<T>(flag: &str, value: &str, range: std::ops::RangeInclusive<T>) -> Result<T, Failure>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display,
{
    let bad = || {
        Failure::Usage(format!(
            "{flag} must be a whole number from {} to {}, not {value:?}",
            range.start(),
            range.end()
        ))
    };
    let number = value.trim().parse::<T>().map_err(|_| bad())?;
    if range.contains(&number) { Ok(number) } else { Err(bad()) }
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

/// Builds the client: where, with which credentials, with how many attempts per request. A URL the
/// client cannot use is a usage error.
fn build_client(options: &Options, credentials: Credentials) -> Result<Client, Failure> {
    let mut builder = Client::builder()
        .retry(RetryPolicy::default().max_attempts(options.max_attempts))
        .user_agent(format!("audit_export ({}/{})", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")));
    builder = match &options.endpoint {
        Endpoint::Default => builder,
        Endpoint::Region(region) => builder.region(*region),
        Endpoint::BaseUrl(url) => builder.base_url(url.as_str()),
    };
    if let Some(login) = &options.login_url {
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

/// Runs the export: builds the client, fetches every entry and writes it to stdout.
async fn export(options: &Options, credentials: Credentials) -> Result<(), Failure> {
    let client = build_client(options, credentials)?;
    let progress = Progress::new(options.quiet);
    // Not silenced by --quiet: a misspelt property would quietly export nothing.
    for filter in &options.filters {
        if let AuditQueryFilterProperty::Unrecognized(name) = &filter.property {
            report(&format!(
                "note: filter property {:?} is not one this version knows (UserId, TrusteeOrganizationId, ClientId, Action, EntityType, EntityId); sending it as given",
                name.as_str()
            ));
        }
    }
    let mut out = BufWriter::new(io::stdout().lock());
    let written = if options.realtime {
        let mut query = AuditRealtimeQueryRequest::new(options.interval.as_str()).with_page_size(options.page_size);
        if let Some(service) = &options.service_name {
            query = query.with_service_name(service.as_str());
        }
        if !options.filters.is_empty() {
            query = query.with_filters(options.filters.iter().cloned());
        }
        let mut request = client.post_audits_query_realtime(query);
        if options.expand_user {
            request = request.expand([PostAuditsQueryRealtimeExpand::User]);
        }
        progress.say(&format!("realtime query for {} at {}", options.interval, client.base_url()));
        write_all(request.into_stream(), &mut out, options.page_size, &progress).await
    } else {
        let mut query = AuditQueryRequest::new(options.interval.as_str());
        if let Some(service) = &options.service_name {
            query = query.with_service_name(service.as_str());
        }
        if !options.filters.is_empty() {
            query = query.with_filters(options.filters.iter().cloned());
        }
        let wait = WaitOptions::default()
            .initial_interval(options.poll_interval)
            .max_interval(options.poll_interval.max(MAX_POLL_INTERVAL))
            .deadline(options.query_timeout);
        progress.say(&format!("submitting query for {} at {}", options.interval, client.base_url()));
        let results =
            client.post_audits_query(query).wait_for_results(wait).await.map_err(|err| Failure::from_api(&err))?;
        progress.say(&format!("query {} succeeded; fetching results", results.transaction_id()));
        let mut results = results.page_size(options.page_size);
        if options.expand_user {
            results = results.expand([GetAuditsQueryTransactionIdResultsExpand::User]);
        }
        write_all(results.into_stream(), &mut out, options.page_size, &progress).await
    };
    // Entries already written are complete lines: hand them on even when the export failed.
    let flushed = out.flush().map_err(|err| Failure::from_io(&err));
    let written = written?;
    flushed?;
    progress.say(&format!("done: {written} entries"));
    Ok(())
}

/// Writes every entry of `entries` to `out` as one JSON line each, reporting progress after every
/// `page_size` entries (a page's worth), and returns how many were written.
async fn write_all<W: Write>(
    entries: impl Stream<Item = Result<AuditLogMessage, Error>>,
    out: &mut W,
    page_size: i32,
    progress: &Progress,
) -> Result<u64, Failure> {
    let every = u64::try_from(page_size).unwrap_or(1).max(1);
    let mut entries = std::pin::pin!(entries);
    let mut written: u64 = 0;
    while let Some(entry) = entries.next().await {
        let entry = entry.map_err(|err| match Failure::from_api(&err) {
            Failure::Runtime(message) if written > 0 => {
                Failure::Runtime(format!("{message} (export incomplete: {written} entries written)"))
            }
            failure => failure,
        })?;
        write_line(out, &entry)?;
        written += 1;
        if written % every == 0 {
            // Hand each page on as it comes, so a reader downstream sees steady progress.
            out.flush().map_err(|err| Failure::from_io(&err))?;
            progress.entries(written, written / every);
        }
    }
    Ok(written)
}

/// Writes one entry as a line of JSON.
fn write_line<W: Write>(out: &mut W, entry: &AuditLogMessage) -> Result<(), Failure> {
    serde_json::to_writer(&mut *out, entry).map_err(|err| match err.io_error_kind() {
        Some(io::ErrorKind::BrokenPipe) => Failure::BrokenPipe,
        Some(_) => Failure::Runtime(format!("cannot write to stdout: {err}")),
        None => Failure::Runtime(format!("cannot encode an entry as JSON: {err}")),
    })?;
    out.write_all(b"\n").map_err(|err| Failure::from_io(&err))
}

/// Progress on stderr, unless `--quiet`. On a terminal, the count of entries is one line updated in place
/// (entries, pages, rate, elapsed time); otherwise, for logs, it is a plain line per page.
struct Progress {
    quiet: bool,
    terminal: bool,
    started: std::time::Instant,
    /// Whether the in-place line is on screen, to be ended before any other line.
    updating: std::cell::Cell<bool>,
}

impl Progress {
    fn new(quiet: bool) -> Self {
        use std::io::IsTerminal;
        let terminal = io::stderr().is_terminal();
        Self { quiet, terminal, started: std::time::Instant::now(), updating: std::cell::Cell::new(false) }
    }

    /// Writes one progress line.
    fn say(&self, message: &str) {
        if !self.quiet {
            self.end_line();
            report(message);
        }
    }

    /// The count so far: `written` entries in `pages` pages.
    fn entries(&self, written: u64, pages: u64) {
        if self.quiet {
            return;
        }
        if !self.terminal {
            report(&format!("{written} entries"));
            return;
        }
        let elapsed = self.started.elapsed().as_secs_f64();
        let rate = if elapsed > 0.0 { written as f64 / elapsed } else { 0.0 };
        // `\r` goes back to the start of the line and `ESC [K` clears what the last update left.
        let plural = if pages == 1 { "" } else { "s" };
        let line =
            format!("\r{PREFIX}{written} entries, {pages} page{plural}, {rate:.0} entries/s, {elapsed:.0} s\x1b[K");
        let _ = io::stderr().lock().write_all(line.as_bytes());
        self.updating.set(true);
    }

    /// Ends the in-place line, if one is on screen, so the next line starts on a line of its own.
    fn end_line(&self) {
        if self.updating.replace(false) {
            let _ = writeln!(io::stderr().lock());
        }
    }
}

impl Drop for Progress {
    /// An export that fails ends here too: its error line must not land on the in-place line.
    fn drop(&mut self) {
        self.end_line();
    }
}
