//! `cargo xtask semver-check OLD NEW`: an independent check of the diff's classification.

/// Placeholder until the task is written.
pub fn run(_args: &[String]) -> Result<(), String> {
    Err("error: semver-check is not written yet".to_owned())
}
