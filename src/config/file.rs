//! Settings from a TOML file (`--config FILE`), under flags and environment variables,
//! and the printout of the effective settings (`browserd config`).
//!
//! A file's value is handed to clap as the flag it stands for, so it is checked by the
//! same parser, range and message as the flag; it is used only where neither a flag nor
//! an environment variable gave the setting. Knows nothing of what the settings drive.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::parser::ValueSource;
use clap::{ArgAction, ArgMatches, CommandFactory, FromArgMatches};

use super::{Cli, Command, Settings};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A command-line error (or `--help`, `--version`): clap prints it and exits.
    #[error(transparent)]
    Cli(#[from] clap::Error),
    #[error("cannot read the settings file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the settings file {path} is not valid TOML: {source}")]
    Syntax {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    #[error("the settings file {path} has an unknown key `{key}`; known keys: {known}")]
    UnknownKey {
        path: PathBuf,
        key: String,
        known: String,
    },
    #[error("the settings file {path}: `{key}` {problem}")]
    BadValue {
        path: PathBuf,
        key: String,
        problem: String,
    },
    #[error("the settings file {path} has a value that is not valid: {message}")]
    Rejected { path: PathBuf, message: String },
}

/// Where a setting's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Flag,
    Environment,
    File,
    Default,
    /// Not given anywhere, and without a default.
    Unset,
}

impl Source {
    fn describe(self) -> &'static str {
        match self {
            Source::Flag => "flag",
            Source::Environment => "environment",
            Source::File => "file",
            Source::Default => "default",
            Source::Unset => "not set",
        }
    }
}

/// The parsed command line, and where each setting of its subcommand came from.
#[derive(Debug)]
pub struct Loaded {
    pub cli: Cli,
    /// By setting id (`max_sessions`), for the subcommands that take `--config`.
    pub sources: BTreeMap<String, Source>,
}

/// Parses the process's command line, filling settings from a `--config` file.
pub fn load() -> Result<Loaded, ConfigError> {
    load_from(std::env::args_os())
}

/// Parses `args` (the program name first), filling the settings that neither a flag nor
/// the environment gave from the `--config` file, when the subcommand has one.
pub fn load_from(args: impl IntoIterator<Item = OsString>) -> Result<Loaded, ConfigError> {
    let mut args: Vec<OsString> = args.into_iter().collect();
    let command = Cli::command();
    let matches = command.clone().try_get_matches_from(&args)?;
    let Some((name, sub_matches)) = matches.subcommand() else {
        return Ok(Loaded {
            cli: Cli::from_arg_matches(&matches)?,
            sources: BTreeMap::new(),
        });
    };
    let Some(sub_command) = command.find_subcommand(name) else {
        return Ok(Loaded {
            cli: Cli::from_arg_matches(&matches)?,
            sources: BTreeMap::new(),
        });
    };
    let mut sources = sources_of(sub_command, sub_matches);
    let file = sub_command
        .get_arguments()
        .any(|arg| arg.get_id() == "config")
        .then(|| sub_matches.get_one::<PathBuf>("config").cloned())
        .flatten();
    let Some(path) = file else {
        return Ok(Loaded {
            cli: Cli::from_arg_matches(&matches)?,
            sources,
        });
    };
    let flags = file_flags(&path, sub_command, &mut sources)?;
    // The file's flags go last: before a `--`, which ends the options.
    let end = args
        .iter()
        .position(|arg| arg == "--")
        .unwrap_or(args.len());
    args.splice(end..end, flags.into_iter().map(OsString::from));
    let cli = Cli::try_parse_from_args(&args).map_err(|error| ConfigError::Rejected {
        path: path.clone(),
        message: first_line(&error.to_string()),
    })?;
    Ok(Loaded { cli, sources })
}

impl Cli {
    fn try_parse_from_args(args: &[OsString]) -> Result<Self, clap::Error> {
        let matches = Cli::command().try_get_matches_from(args)?;
        Cli::from_arg_matches(&matches)
    }
}

/// The first line of a clap message, without its `error: ` lead.
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or_default();
    line.strip_prefix("error: ").unwrap_or(line).to_string()
}

/// Where each long option of `command` took its value from, before any file.
fn sources_of(command: &clap::Command, matches: &ArgMatches) -> BTreeMap<String, Source> {
    command
        .get_arguments()
        .filter(|arg| arg.get_long().is_some() && arg.get_id() != "config")
        .map(|arg| {
            let id = arg.get_id().as_str();
            let source = match matches.value_source(id) {
                Some(ValueSource::CommandLine) => Source::Flag,
                Some(ValueSource::EnvVariable) => Source::Environment,
                Some(ValueSource::DefaultValue) => Source::Default,
                _ => Source::Unset,
            };
            (id.to_string(), source)
        })
        .collect()
}

/// The file's settings as flags, for those that neither a flag nor the environment gave.
fn file_flags(
    path: &Path,
    command: &clap::Command,
    sources: &mut BTreeMap<String, Source>,
) -> Result<Vec<String>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let table: toml::Table = text.parse().map_err(|source| ConfigError::Syntax {
        path: path.to_path_buf(),
        source: Box::new(source),
    })?;
    let mut flags = Vec::new();
    for (key, value) in table {
        let id = key.replace('-', "_");
        let Some(arg) = command
            .get_arguments()
            .find(|arg| arg.get_id() == id.as_str() && sources.contains_key(&id))
        else {
            return Err(ConfigError::UnknownKey {
                path: path.to_path_buf(),
                key,
                known: sources.keys().cloned().collect::<Vec<_>>().join(", "),
            });
        };
        if matches!(sources.get(&id), Some(Source::Flag | Source::Environment)) {
            continue;
        }
        let long = arg.get_long().unwrap_or_default();
        let bad_value = |problem: &str| ConfigError::BadValue {
            path: path.to_path_buf(),
            key: key.clone(),
            problem: problem.to_string(),
        };
        if matches!(arg.get_action(), ArgAction::SetTrue) {
            match value {
                toml::Value::Boolean(true) => flags.push(format!("--{long}")),
                toml::Value::Boolean(false) => {}
                _ => return Err(bad_value("must be true or false")),
            }
        } else {
            let text = flag_value(&value, arg.get_value_delimiter()).ok_or_else(|| {
                bad_value("must be a string, a number, a boolean or a list of them")
            })?;
            flags.push(format!("--{long}={text}"));
        }
        sources.insert(id, Source::File);
    }
    Ok(flags)
}

/// A TOML value as the text of a flag: scalars as they read, a list joined by the flag's
/// delimiter.
fn flag_value(value: &toml::Value, delimiter: Option<char>) -> Option<String> {
    match value {
        toml::Value::String(text) => Some(text.clone()),
        toml::Value::Integer(number) => Some(number.to_string()),
        toml::Value::Float(number) => Some(number.to_string()),
        toml::Value::Boolean(flag) => Some(flag.to_string()),
        toml::Value::Array(items) => {
            let delimiter = delimiter?;
            let items: Option<Vec<String>> =
                items.iter().map(|item| flag_value(item, None)).collect();
            Some(items?.join(&delimiter.to_string()))
        }
        toml::Value::Datetime(_) | toml::Value::Table(_) => None,
    }
}

impl Settings {
    /// The settings as a TOML file that `--config` reads back, each line saying where its
    /// value came from. API keys are masked, and left commented out so that the printout
    /// never stands in for the real keys.
    pub fn effective_toml(&self, sources: &BTreeMap<String, Source>) -> String {
        let source = |id: &str| sources.get(id).copied().unwrap_or(Source::Unset).describe();
        let mut text = String::from(
            "# browserd settings: flags over environment (BROWSERD_*) over the --config file over defaults.\n",
        );
        let values = toml::Table::try_from(self).unwrap_or_default();
        for id in Settings::setting_ids() {
            if id == "api_keys" {
                text.push_str(&self.masked_keys_line(source(&id)));
                continue;
            }
            match values.get(&id) {
                Some(value) => text.push_str(&format!("{id} = {value}  # {}\n", source(&id))),
                None => text.push_str(&format!("# {id} = (not set)\n")),
            }
        }
        text
    }

    fn masked_keys_line(&self, source: &str) -> String {
        let keys: Vec<String> = self
            .api_keys
            .iter()
            .filter(|key| !key.trim().is_empty())
            .map(|key| format!("{:?}", mask(key.trim())))
            .collect();
        if keys.is_empty() {
            format!(
                "# api_keys = (none: the key kept in {} is used, generated on first start)\n",
                self.data_dir.join("api_key").display()
            )
        } else {
            format!("# api_keys = [{}]  # {source}, masked\n", keys.join(", "))
        }
    }

    /// The ids of the settings, in the order of `--help`.
    fn setting_ids() -> Vec<String> {
        #[derive(clap::Parser)]
        struct Only {
            #[command(flatten)]
            settings: Settings,
        }
        Only::command()
            .get_arguments()
            .filter(|arg| arg.get_long().is_some() && arg.get_id() != "config")
            .map(|arg| arg.get_id().to_string())
            .collect()
    }
}

/// A key with all but a recognisable start hidden.
fn mask(key: &str) -> String {
    let shown: String = if key.chars().count() >= 12 {
        key.chars().take(3).collect()
    } else {
        String::new()
    };
    format!("{shown}…")
}

impl Command {
    /// The settings of a subcommand that serves, if this is one.
    pub fn settings(&self) -> Option<&Settings> {
        match self {
            Command::Serve(settings) | Command::Config(settings) => Some(settings),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{LogFormat, OPERATION_TIMEOUT_MAX_SECS};

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    fn settings_of(loaded: Loaded) -> Settings {
        match loaded.cli.command {
            Command::Serve(settings) | Command::Config(settings) => *settings,
            other => panic!("not a serving command: {other:?}"),
        }
    }

    fn file(text: &str) -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(file.path(), text).expect("write");
        file
    }

    #[test]
    fn the_file_fills_what_flags_do_not_give() {
        let config = file(
            "max_sessions = 7\nmax-session-minutes = 12\nlog_format = \"json\"\napi_keys = [\"a\", \"b\"]\nchromium_args = \"--disable-features=A,B --mute-audio\"\n",
        );
        let path = config.path().to_str().expect("utf-8 path");
        let loaded = load_from(args(&[
            "browserd",
            "serve",
            "--max-sessions",
            "9",
            "--config",
            path,
        ]))
        .expect("loads");
        assert_eq!(loaded.sources["max_sessions"], Source::Flag);
        assert_eq!(loaded.sources["max_session_minutes"], Source::File);
        assert_eq!(loaded.sources["warm_contexts"], Source::Default);
        let settings = settings_of(loaded);
        assert_eq!(settings.max_sessions, 9);
        assert_eq!(settings.max_session_minutes, 12);
        assert_eq!(settings.log_format, LogFormat::Json);
        assert_eq!(settings.api_keys, ["a", "b"]);
        assert_eq!(
            settings.browser.chromium_args.0,
            ["--disable-features=A,B", "--mute-audio"]
        );
    }

    #[test]
    fn a_bad_file_is_refused_with_the_key_named() {
        let unknown = file("max_session = 7\n");
        let error = load_from(args(&[
            "browserd",
            "serve",
            "--config",
            unknown.path().to_str().expect("utf-8"),
        ]))
        .expect_err("unknown key");
        assert!(
            error.to_string().contains("unknown key `max_session`"),
            "{error}"
        );
        let out_of_range = file("max_sessions = 0\n");
        let error = load_from(args(&[
            "browserd",
            "serve",
            "--config",
            out_of_range.path().to_str().expect("utf-8"),
        ]))
        .expect_err("out of range");
        assert!(error.to_string().contains("--max-sessions"), "{error}");
        let table = file("addr = { host = 1 }\n");
        let error = load_from(args(&[
            "browserd",
            "serve",
            "--config",
            table.path().to_str().expect("utf-8"),
        ]))
        .expect_err("a table");
        assert!(error.to_string().contains("`addr`"), "{error}");
    }

    #[test]
    fn an_operation_timeout_past_the_clients_bound_is_refused() {
        let past = (OPERATION_TIMEOUT_MAX_SECS + 1).to_string();
        let error = load_from(args(&[
            "browserd",
            "serve",
            "--operation-timeout-secs",
            &past,
        ]))
        .expect_err("past the bound");
        assert!(error.to_string().contains("1..=30"), "{error}");
        let at = OPERATION_TIMEOUT_MAX_SECS.to_string();
        let loaded = load_from(args(&[
            "browserd",
            "serve",
            "--operation-timeout-secs",
            &at,
        ]));
        assert_eq!(
            settings_of(loaded.expect("at the bound")).operation_timeout_secs,
            OPERATION_TIMEOUT_MAX_SECS
        );
    }

    #[test]
    fn the_printout_reads_back_and_masks_keys() {
        let loaded = load_from(args(&[
            "browserd",
            "config",
            "--api-keys",
            "secret-key-number-one",
            "--browsers",
            "2",
        ]))
        .expect("loads");
        let sources = loaded.sources.clone();
        let printed = settings_of(loaded).effective_toml(&sources);
        assert!(!printed.contains("secret-key-number-one"), "{printed}");
        assert!(
            printed.contains("# api_keys = [\"sec…\"]  # flag, masked"),
            "{printed}"
        );
        assert!(printed.contains("browsers = 2  # flag"), "{printed}");
        let again = file(&printed);
        let reloaded = load_from(args(&[
            "browserd",
            "serve",
            "--config",
            again.path().to_str().expect("utf-8"),
        ]))
        .expect("the printout reads back");
        assert_eq!(settings_of(reloaded).browsers.get(), 2);
    }
}
