//! The program `cargo xtask bench-decode` builds and runs (it is not part of xtask itself): it decodes and
//! encodes one results page in three ways, in interleaved rounds, and prints the table.
//!
//! `open` is the generated client as users get it; `closed` is the same description generated with
//! `keep-unknown-members = false`, whose structs drop what they do not declare, as closed types do.

use std::time::{Duration, Instant};

use serde_json::Value;

type OpenPage = open::models::AuditQueryExecutionResultsResponse;
type ClosedPage = closed::models::AuditQueryExecutionResultsResponse;

/// Bodies decoded per timed batch, each a fresh copy made before the clock starts.
const BATCH: usize = 8;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [page, rounds] = &args[..] else { fail("usage: probe PAGE ROUNDS") };
    let body = std::fs::read(page).unwrap_or_else(|err| fail(&format!("cannot read {page}: {err}")));
    let rounds: usize = rounds.parse().unwrap_or_else(|_| fail("bad round count"));
    check(&body);

    let mut decode = [Vec::new(), Vec::new(), Vec::new()];
    let mut encode = [Vec::new(), Vec::new(), Vec::new()];
    // Each round runs the variants in another order, so that none always follows the same one (what a
    // variant leaves to the allocator costs the next one).
    for round in 0..rounds {
        for step in 0..3 {
            match (round + step) % 3 {
                0 => {
                    decode[0]
                        .push(decode_batch(&body, |b| serde_json::from_slice::<Value>(&b).map_err(|e| e.to_string())));
                    encode[0].push(encode_batch(
                        &serde_json::from_slice::<Value>(&body).unwrap_or_else(|e| fail(&e.to_string())),
                    ));
                }
                1 => {
                    decode[1].push(decode_batch(&body, |b| {
                        genesys_cloud_runtime::decode_json_body::<OpenPage>(b).map_err(|e| e.to_string())
                    }));
                    encode[1].push(encode_batch(&open_page(&body)));
                }
                _ => {
                    decode[2].push(decode_batch(&body, |b| {
                        genesys_cloud_runtime::decode_json_body::<ClosedPage>(b).map_err(|e| e.to_string())
                    }));
                    encode[2].push(encode_batch(&closed_page(&body)));
                }
            }
        }
    }

    let mb = (body.len() * BATCH) as f64 / 1e6;
    // The fastest round: on a shared machine, noise only ever adds time.
    let rate = |times: &Vec<Duration>| mb / fastest(times).as_secs_f64();
    let decode_times = decode;
    let decode: Vec<f64> = decode_times.iter().map(rate).collect();
    let encode: Vec<f64> = encode.iter().map(rate).collect();
    println!(
        "One page of {} entries, {} bytes; fastest of {rounds} rounds of {BATCH} pages each.\n",
        entries(&body),
        body.len()
    );
    println!(
        "| into | decode MB/s | decode, ratio to closed | decode, median round's ratio | encode MB/s | encode, ratio to closed |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let labels = ["`serde_json::Value`", "our types, client decode path", "closed baseline, same path"];
    for (index, label) in labels.iter().enumerate() {
        println!(
            "| {label} | {:.0} | {:.2} | {:.2} | {:.0} | {:.2} |",
            decode[index],
            decode[index] / decode[2],
            median_ratio(&decode_times[index], &decode_times[2]),
            encode[index],
            encode[index] / encode[2]
        );
    }
}

/// The median over rounds of the speed of `times` as a ratio to that of `baseline` in the same round: less
/// moved by a slow stretch of the machine than the fastest rounds, which may come from different stretches.
fn median_ratio(times: &[Duration], baseline: &[Duration]) -> f64 {
    let mut ratios: Vec<f64> =
        times.iter().zip(baseline).map(|(time, base)| base.as_secs_f64() / time.as_secs_f64()).collect();
    ratios.sort_by(f64::total_cmp);
    ratios.get(ratios.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Times decoding `BATCH` fresh copies of `body`.
fn decode_batch<T>(body: &[u8], decode: impl Fn(Vec<u8>) -> Result<T, String>) -> Duration {
    let copies: Vec<Vec<u8>> = (0..BATCH).map(|_| body.to_vec()).collect();
    let started = Instant::now();
    let values: Vec<T> = copies.into_iter().map(|copy| decode(copy).unwrap_or_else(|err| fail(&err))).collect();
    let elapsed = started.elapsed();
    drop(std::hint::black_box(values));
    elapsed
}

/// Times encoding `value` `BATCH` times.
fn encode_batch<T: serde::Serialize>(value: &T) -> Duration {
    let started = Instant::now();
    for _ in 0..BATCH {
        let encoded = serde_json::to_vec(value).unwrap_or_else(|err| fail(&err.to_string()));
        std::hint::black_box(encoded);
    }
    started.elapsed()
}

/// The page must be worth measuring: our types give back every byte's meaning, and the closed ones lose
/// something (so the page does hold members the spec does not declare).
fn check(body: &[u8]) {
    let original: Value = serde_json::from_slice(body).unwrap_or_else(|err| fail(&err.to_string()));
    let reencoded = serde_json::to_value(open_page(body)).unwrap_or_else(|err| fail(&err.to_string()));
    if reencoded != original {
        fail("our types did not re-encode the page unchanged");
    }
    let closed = serde_json::to_value(closed_page(body)).unwrap_or_else(|err| fail(&err.to_string()));
    if closed == original {
        fail("the page has no member the closed types drop: it measures nothing");
    }
}

fn open_page(body: &[u8]) -> OpenPage {
    genesys_cloud_runtime::decode_json_body(body.to_vec()).unwrap_or_else(|err| fail(&err.to_string()))
}

fn closed_page(body: &[u8]) -> ClosedPage {
    genesys_cloud_runtime::decode_json_body(body.to_vec()).unwrap_or_else(|err| fail(&err.to_string()))
}

fn entries(body: &[u8]) -> usize {
    open_page(body).entities.map_or(0, |entities| entities.len())
}

fn fastest(times: &[Duration]) -> Duration {
    times.iter().copied().min().unwrap_or_default()
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}
