//! The command line: what `--help` says, and parsing it into a [`Command`].

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use genesys_cloud_audit::Region;
use genesys_cloud_audit::models::{AuditQueryFilter, AuditQueryFilterProperty};

use super::Failure;

/// The page size unless `--page-size` is given: the most the API allows.
const DEFAULT_PAGE_SIZE: i32 = 500;
/// The largest page the API serves.
const MAX_PAGE_SIZE: i32 = 500;
/// The wait before the first status poll unless `--poll-interval-ms` is given.
const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(1);
/// How long to wait for an asynchronous query unless `--timeout-secs` is given.
const DEFAULT_QUERY_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// Attempts per request unless `--max-attempts` is given (the runtime's default).
const DEFAULT_MAX_ATTEMPTS: u32 = 5;

/// The text `--help` prints.
pub const USAGE: &str = "\
Export every Genesys Cloud audit entry of an interval as JSON lines on stdout or into a file (progress on
stderr), resumable from a checkpoint.

Usage: audit_export --interval <START/END> [options]
       audit_export --resume <CHECKPOINT> [where, patience and other options]

Query:
  --interval <START/END>      ISO-8601 interval, e.g. 2024-03-01T00:00:00Z/2024-03-02T00:00:00Z (required)
  --service-name <NAME>       only this service (e.g. Architect, Directory, Routing)
  --filter <PROPERTY=VALUE>   only entries whose PROPERTY is VALUE; repeatable. Properties: UserId,
                              TrusteeOrganizationId, ClientId, Action, EntityType, EntityId
  --page-size <N>             entries per page, 1 to 500 (default 500)
  --expand-user               include the user's details in each entry
  --realtime                  page through /api/v2/audits/query/realtime (no waiting; 14 days of history
                              for some services) instead of submitting an asynchronous query

Output:
  --output <FILE>             write the entries to FILE (created or replaced) instead of stdout
  --checkpoint <FILE>         after each page is in the output file, record in FILE where the export
                              stands (needs --output), so that --resume can go on from there
  --resume <CHECKPOINT>       go on with the export a checkpoint records: same query, same output file,
                              cut back to the last recorded entry; the checkpoint goes on being updated
  --raw                       write each entry as the server sent it: its members in its order, unknown
                              ones too, its numbers and timestamps as written; checked as JSON, not
                              against the API description. 2 to 3 times as fast

Where:
  --region <NAME>             the region, e.g. us-east-1, eu-west-1, ap-southeast-2 (default us-east-1;
                              with --resume, the checkpoint's)
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
                              (RUST_LOG=genesys_cloud_runtime=debug does the same; RUST_LOG takes any filter)
  -h, --help                  print this help

Credentials, from the environment: GENESYS_ACCESS_TOKEN, or GENESYS_CLIENT_ID and
GENESYS_CLIENT_SECRET (client credentials grant).

Exit status: 0 success, 1 export failed, 2 usage error, 130 interrupted (SIGINT or SIGTERM; the
checkpoint, if any, is written), 141 stdout closed early.
";

/// Which server to talk to.
#[derive(Debug)]
pub enum Endpoint {
    /// The client's default (the first server of the API description, us-east-1), or on resume the
    /// checkpoint's.
    Default,
    /// A named region: its API and login URLs.
    Region(Region),
    /// An explicit API base URL.
    BaseUrl(String),
}

/// What is exported.
#[derive(Debug)]
pub struct QueryOptions {
    pub interval: String,
    pub service_name: Option<String>,
    pub filters: Vec<AuditQueryFilter>,
    pub page_size: i32,
    pub expand_user: bool,
    pub realtime: bool,
}

/// How to reach the server and how patient to be, for a new export and a resumed one alike.
#[derive(Debug)]
pub struct RunOptions {
    pub endpoint: Endpoint,
    pub login_url: Option<String>,
    pub poll_interval: Duration,
    pub query_timeout: Duration,
    pub request_timeout: Option<Duration>,
    pub max_attempts: u32,
    pub quiet: bool,
    pub verbose: bool,
}

/// A new export.
#[derive(Debug)]
pub struct ExportOptions {
    pub query: QueryOptions,
    /// The output file, or `None` for stdout.
    pub output: Option<PathBuf>,
    pub checkpoint: Option<PathBuf>,
    /// Entries as the server sent them, not as the client encodes them.
    pub raw: bool,
    pub run: RunOptions,
}

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    /// Print the help and stop.
    Help,
    /// Run a new export.
    Export(Box<ExportOptions>),
    /// Go on with the export a checkpoint records.
    Resume { checkpoint: PathBuf, run: Box<RunOptions> },
}

/// The flags that take no value.
const SWITCHES: &[&str] = &["--expand-user", "--realtime", "--raw", "-q", "--quiet", "-v", "--verbose"];
/// The flags that take a value.
const VALUED: &[&str] = &[
    "--interval",
    "--service-name",
    "--filter",
    "--page-size",
    "--output",
    "--checkpoint",
    "--resume",
    "--region",
    "--base-url",
    "--login-url",
    "--poll-interval-ms",
    "--timeout-secs",
    "--request-timeout-secs",
    "--max-attempts",
];
/// The flags that describe the query or its output, which a checkpoint fixes.
const FIXED_BY_CHECKPOINT: &[&str] = &[
    "--interval",
    "--service-name",
    "--filter",
    "--page-size",
    "--expand-user",
    "--realtime",
    "--output",
    "--checkpoint",
    "--raw",
];

/// The flags as given, before they are checked against each other.
#[derive(Default)]
struct Given {
    /// Every flag seen, to refuse the query flags with `--resume`.
    seen: Vec<String>,
    interval: Option<String>,
    service_name: Option<String>,
    filters: Vec<AuditQueryFilter>,
    page_size: Option<i32>,
    expand_user: bool,
    realtime: bool,
    output: Option<PathBuf>,
    checkpoint: Option<PathBuf>,
    raw: bool,
    resume: Option<PathBuf>,
    region: Option<Region>,
    base_url: Option<String>,
    login_url: Option<String>,
    poll_interval: Option<Duration>,
    query_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    max_attempts: Option<u32>,
    quiet: bool,
    verbose: bool,
}

/// Parses the arguments (without the program name). Flags take their value as the next argument or
/// after `=` (`--page-size=100`).
pub fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Command, Failure> {
    let mut args = args.into_iter();
    let mut given = Given::default();
    while let Some(arg) = args.next() {
        let arg = arg.into_string().map_err(|arg| usage(format!("argument {arg:?} is not valid UTF-8")))?;
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_owned(), Some(value.to_owned())),
            _ => (arg.clone(), None),
        };
        if matches!(flag.as_str(), "-h" | "--help") {
            return Ok(Command::Help);
        }
        if SWITCHES.contains(&flag.as_str()) {
            if inline.is_some() {
                return Err(usage(format!("{flag} takes no value")));
            }
            given.switch(&flag);
            continue;
        }
        // Check the name first, so an unknown flag is named as such.
        if !VALUED.contains(&flag.as_str()) {
            return Err(usage(if flag.starts_with('-') {
                format!("unknown flag {flag}")
            } else {
                format!("unexpected argument {flag:?}")
            }));
        }
        let value = match inline {
            Some(value) => value,
            None => next_value(&mut args, &flag)?,
        };
        if value.trim().is_empty() {
            return Err(usage(format!("{flag} needs a non-empty value")));
        }
        given.value(&flag, value)?;
    }
    given.into_command()
}

/// The value after `flag`.
fn next_value(args: &mut impl Iterator<Item = OsString>, flag: &str) -> Result<String, Failure> {
    let Some(value) = args.next() else {
        return Err(usage(format!("{flag} needs a value")));
    };
    let value = value.into_string().map_err(|v| usage(format!("value {v:?} of {flag} is not valid UTF-8")))?;
    if value.starts_with("--") {
        return Err(usage(format!("{flag} needs a value, got the flag {value}")));
    }
    Ok(value)
}

impl Given {
    fn switch(&mut self, flag: &str) {
        self.seen.push(flag.to_owned());
        match flag {
            "--expand-user" => self.expand_user = true,
            "--realtime" => self.realtime = true,
            "--raw" => self.raw = true,
            "-v" | "--verbose" => self.verbose = true,
            _ => self.quiet = true,
        }
    }

    fn value(&mut self, flag: &str, value: String) -> Result<(), Failure> {
        self.seen.push(flag.to_owned());
        match flag {
            "--interval" => set_once(&mut self.interval, flag, parse_interval(&value)?),
            "--service-name" => set_once(&mut self.service_name, flag, value),
            "--filter" => {
                self.filters.push(parse_filter(&value)?);
                Ok(())
            }
            "--page-size" => set_once(&mut self.page_size, flag, parse_page_size(&value)?),
            "--output" => set_once(&mut self.output, flag, PathBuf::from(value)),
            "--checkpoint" => set_once(&mut self.checkpoint, flag, PathBuf::from(value)),
            "--resume" => set_once(&mut self.resume, flag, PathBuf::from(value)),
            "--region" => {
                let parsed = value.parse::<Region>().map_err(|err| usage(err.to_string()))?;
                set_once(&mut self.region, flag, parsed)
            }
            "--base-url" => set_once(&mut self.base_url, flag, value),
            "--login-url" => set_once(&mut self.login_url, flag, value),
            "--poll-interval-ms" => {
                let ms = parse_number::<u64>(flag, &value, 1..=3_600_000)?;
                set_once(&mut self.poll_interval, flag, Duration::from_millis(ms))
            }
            "--timeout-secs" => {
                let secs = parse_number::<u64>(flag, &value, 1..=7 * 24 * 3600)?;
                set_once(&mut self.query_timeout, flag, Duration::from_secs(secs))
            }
            "--request-timeout-secs" => {
                let secs = parse_number::<u64>(flag, &value, 1..=3600)?;
                set_once(&mut self.request_timeout, flag, Duration::from_secs(secs))
            }
            "--max-attempts" => set_once(&mut self.max_attempts, flag, parse_number::<u32>(flag, &value, 1..=100)?),
            _ => Err(usage(format!("unknown flag {flag}"))),
        }
    }

    fn into_command(mut self) -> Result<Command, Failure> {
        let run = self.run_options()?;
        if let Some(checkpoint) = self.resume.take() {
            if let Some(flag) = self.seen.iter().find(|flag| FIXED_BY_CHECKPOINT.contains(&flag.as_str())) {
                return Err(usage(format!("{flag} cannot be used with --resume: the checkpoint says what to export")));
            }
            return Ok(Command::Resume { checkpoint, run: Box::new(run) });
        }
        let interval = self.interval.ok_or_else(|| usage("--interval is required".to_owned()))?;
        if self.checkpoint.is_some() && self.output.is_none() {
            return Err(usage("--checkpoint needs --output: an export to stdout cannot be resumed".to_owned()));
        }
        let query = QueryOptions {
            interval,
            service_name: self.service_name,
            filters: self.filters,
            page_size: self.page_size.unwrap_or(DEFAULT_PAGE_SIZE),
            expand_user: self.expand_user,
            realtime: self.realtime,
        };
        let (output, checkpoint, raw) = (self.output, self.checkpoint, self.raw);
        Ok(Command::Export(Box::new(ExportOptions { query, output, checkpoint, raw, run })))
    }

    fn run_options(&mut self) -> Result<RunOptions, Failure> {
        let endpoint = match (self.region.take(), self.base_url.take()) {
            (Some(_), Some(_)) => return Err(usage("--region and --base-url cannot be used together".to_owned())),
            (Some(region), None) => Endpoint::Region(region),
            (None, Some(url)) => Endpoint::BaseUrl(url),
            (None, None) => Endpoint::Default,
        };
        Ok(RunOptions {
            endpoint,
            login_url: self.login_url.take(),
            poll_interval: self.poll_interval.unwrap_or(DEFAULT_POLL_INTERVAL),
            query_timeout: self.query_timeout.unwrap_or(DEFAULT_QUERY_TIMEOUT),
            request_timeout: self.request_timeout,
            max_attempts: self.max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS),
            quiet: self.quiet,
            verbose: self.verbose,
        })
    }
}

fn usage(message: String) -> Failure {
    Failure::Usage(message)
}

/// Stores `value` in `slot`, refusing a flag given twice.
fn set_once<T>(slot: &mut Option<T>, flag: &str, value: T) -> Result<(), Failure> {
    if slot.is_some() {
        return Err(usage(format!("{flag} is given more than once")));
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
        _ => Err(usage(format!(
            "--interval {value:?} is not an ISO-8601 interval such as 2024-03-01T00:00:00Z/2024-03-02T00:00:00Z"
        ))),
    }
}

/// Parses `PROPERTY=VALUE` into a filter. A property this version does not know is kept as given (the
/// API may have added it); the export notes it on stderr in case it is a typo.
fn parse_filter(value: &str) -> Result<AuditQueryFilter, Failure> {
    let Some((property, wanted)) = value.split_once('=') else {
        return Err(usage(format!("--filter {value:?} is not PROPERTY=VALUE (e.g. Action=Publish)")));
    };
    let (property, wanted) = (property.trim(), wanted.trim());
    if property.is_empty() || wanted.is_empty() {
        return Err(usage(format!("--filter {value:?} needs both a property and a value (e.g. Action=Publish)")));
    }
    Ok(AuditQueryFilter::new(AuditQueryFilterProperty::from(property), wanted))
}

/// Parses `--page-size`: 1 to 500.
fn parse_page_size(value: &str) -> Result<i32, Failure> {
    let size = parse_number::<i64>("--page-size", value, 1..=i64::from(MAX_PAGE_SIZE))?;
    i32::try_from(size).map_err(|_| usage(format!("--page-size must be 1 to {MAX_PAGE_SIZE}, not {value}")))
}

/// Parses a whole number in `range` for `flag`.
fn parse_number<T>(flag: &str, value: &str, range: std::ops::RangeInclusive<T>) -> Result<T, Failure>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display,
{
    let bad =
        || usage(format!("{flag} must be a whole number from {} to {}, not {value:?}", range.start(), range.end()));
    let number = value.trim().parse::<T>().map_err(|_| bad())?;
    if range.contains(&number) { Ok(number) } else { Err(bad()) }
}
