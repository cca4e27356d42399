//! The data commands of the command line: `import participants`, `backup`, `erase
//! participant` and `retention`. Kept apart from `cli/mod.rs`, which only names them. `--as` names the
//! user the command acts as, built into an [`Actor`] as the web builds one per request.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Context;
use chrono::{NaiveDate, NaiveDateTime};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use super::describe;
use crate::auth::Permission;
use crate::auth::session::normalise_email;
use crate::db::DbConnection;
use crate::domain::Actor;
use crate::error::{AppError, AppResult};
use crate::models::erasure::{Erasure, erase_participant};
use crate::models::participant_import::{ImportError, parse};
use crate::models::participant_import_run::{
    Importer, RowOutcome, default_owner, import_participants,
};
use crate::models::retention::{cutoff, inactive_before};
use crate::models::{Cohort, User};
use crate::state::AppState;

/// `pathways import …`
#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    command: ImportCommand,
}

#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// Import residents from a CSV file into a cohort, all or nothing.
    Participants {
        /// The CSV file (header: given_name, family_name, date_of_birth, postcode, email, phone).
        file: PathBuf,
        /// The cohort to enrol them in.
        #[arg(long)]
        cohort: i32,
        /// Check the file and say what would happen, writing nothing.
        #[arg(long)]
        dry_run: bool,
        /// Record the import as this user (their organisation owns new residents and only
        /// residents they can see count as already on file). Default: the command line, as
        /// the first partner organisation of the cohort's programme, matching everyone.
        #[arg(long = "as", value_name = "EMAIL")]
        as_user: Option<String>,
    },
}

/// `pathways backup FILE`
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The new backup file (refused if it exists).
    file: PathBuf,
}

/// `pathways erase …`
#[derive(Debug, Args)]
pub struct EraseArgs {
    #[command(subcommand)]
    command: EraseCommand,
}

#[derive(Debug, Subcommand)]
enum EraseCommand {
    /// Anonymise a resident: identity removed, enrolment, attendance and job facts kept.
    Participant {
        /// The resident's id.
        id: i32,
    },
}

/// `pathways retention --older-than-years N [--dry-run]`
#[derive(Debug, Args)]
pub struct RetentionArgs {
    /// Erase residents whose last activity is more than this many years ago.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100))]
    older_than_years: u32,
    /// List who would be erased, erasing nobody.
    #[arg(long)]
    dry_run: bool,
}

/// A progress bar on a terminal; hidden when standard error is piped.
pub fn progress(len: u64, message: &'static str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len).with_message(message);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Runs `pathways import participants`.
pub async fn import(state: &AppState, args: ImportArgs) -> anyhow::Result<()> {
    let ImportCommand::Participants {
        file,
        cohort,
        dry_run,
        as_user,
    } = args.command;
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let (today, now) = (state.clock.today(), state.clock.now());
    let rows = parse(&bytes, today).map_err(|e| report_failure(e, &file))?;
    let steps = rows.len() as u64 * if dry_run { 1 } else { 2 };
    let bar = progress(steps, "Importing");
    let tick_bar = bar.clone();
    let report = state
        .db
        .run(move |conn| {
            let (who, cohort) = importer(conn, as_user.as_deref(), cohort, today, now)?;
            let tick = &mut || tick_bar.inc(1);
            Ok(import_participants(
                conn, who, &cohort, &rows, dry_run, tick,
            ))
        })
        .await
        .map_err(|e| match e {
            AppError::NotFound => anyhow::anyhow!("no cohort has id {cohort}"),
            other => describe(other),
        })?
        .map_err(|e| report_failure(e, &file))?;
    bar.finish_and_clear();
    for row in &report.rows {
        if row.outcome != RowOutcome::NewResident {
            eprintln!(
                "line {}: {} {}: {}",
                row.line,
                row.given_name,
                row.family_name,
                row.outcome.label()
            );
        }
    }
    let verb = if dry_run { "Would enrol" } else { "Enrolled" };
    println!(
        "{verb} {} resident(s) in cohort {cohort}: {} new, {} already on file; {} already in the cohort.",
        report.to_enrol(),
        report.new_residents,
        report.enrolled_existing,
        report.already_in_cohort
    );
    if dry_run {
        println!("Dry run: nothing was saved.");
    }
    Ok(())
}

/// Prints every problem on its own line and returns the one-line failure.
fn report_failure(error: ImportError, file: &std::path::Path) -> anyhow::Error {
    match error {
        ImportError::TooLarge(message) => anyhow::anyhow!("{message}"),
        ImportError::App(e) => describe(e),
        ImportError::Rows(rows) => {
            for row in &rows {
                match row.line {
                    Some(line) => eprintln!("line {line}, {}: {}", row.column, row.message),
                    None => eprintln!("{}: {}", row.column, row.message),
                }
            }
            anyhow::anyhow!(
                "{} problem(s) in {}; nothing was imported",
                rows.len(),
                file.display()
            )
        }
    }
}

/// Who the import is recorded as, and the cohort (which that user must be able to see).
fn importer(
    conn: &mut DbConnection,
    as_user: Option<&str>,
    cohort_id: i32,
    today: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<(Importer, Cohort)> {
    let Some(email) = as_user else {
        let cohort = Cohort::find(conn, cohort_id)?;
        let owner = default_owner(conn, &cohort)?.ok_or_else(|| {
            AppError::invalid(
                "as",
                "the cohort's programme has no partner organisation; name a user with --as",
            )
        })?;
        let who = Importer {
            actor: None,
            owner,
            scope: None,
            today,
            now,
        };
        return Ok((who, cohort));
    };
    let actor = user_actor(conn, email, today, now)?;
    if !actor.can(Permission::ImportParticipants) {
        return Err(AppError::invalid(
            "as",
            "that user may not import residents",
        ));
    }
    let cohort = Cohort::find_visible(conn, cohort_id, actor.scope())?;
    let who = Importer::of(&actor);
    Ok((who, cohort))
}

/// The active user with `email` (named by `--as`) as the [`Actor`] the command acts as,
/// the same the web builds for them when they sign in.
pub fn user_actor(
    conn: &mut DbConnection,
    email: &str,
    today: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<Actor> {
    let user = User::find_by_email(conn, &normalise_email(email))?
        .filter(|u| u.disabled_at.is_none())
        .ok_or_else(|| AppError::invalid("as", "no active user has that email address"))?;
    let role = user.role;
    Ok(Actor {
        user_id: user.id,
        role,
        organisation_id: user.organisation_id,
        today,
        now,
    })
}

/// Runs `pathways backup`: a consistent copy of the SQLite database, taken while the
/// server goes on writing.
pub async fn backup(state: &AppState, args: BackupArgs) -> anyhow::Result<()> {
    let spinner = if std::io::stderr().is_terminal() {
        ProgressBar::new_spinner().with_message("Backing up")
    } else {
        ProgressBar::hidden()
    };
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let db = state.db.clone();
    let file = args.file.clone();
    let bytes = tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().map_err(|e| anyhow::anyhow!("{e}"))?;
        crate::db::backup::backup_to(&mut conn, &file)
    })
    .await??;
    spinner.finish_and_clear();
    println!("Backed up to {} ({bytes} bytes).", args.file.display());
    Ok(())
}

/// Runs `pathways erase participant ID`.
pub async fn erase(state: &AppState, args: EraseArgs) -> anyhow::Result<()> {
    let EraseCommand::Participant { id } = args.command;
    let now = state.clock.now();
    let outcome = state
        .db
        .run(move |conn| erase_participant(conn, None, id, now))
        .await
        .map_err(|e| match e {
            AppError::NotFound => anyhow::anyhow!("no resident has id {id}"),
            other => describe(other),
        })?;
    match outcome {
        Erasure::Erased => println!("Resident {id} has been erased."),
        Erasure::AlreadyErased(at) => {
            println!("Resident {id} was already erased on {}.", at.date())
        }
    }
    Ok(())
}

/// Runs `pathways retention`: lists (by id) the residents past the retention period,
/// then erases them unless this is a dry run.
pub async fn retention(state: &AppState, args: RetentionArgs) -> anyhow::Result<()> {
    let (today, now) = (state.clock.today(), state.clock.now());
    let cutoff = cutoff(today, args.older_than_years)
        .ok_or_else(|| anyhow::anyhow!("the retention period is too long"))?;
    let inactive = state
        .db
        .run(move |conn| Ok(inactive_before(conn, cutoff)?))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "{} resident(s) with no activity since before {cutoff}:",
        inactive.len()
    );
    for i in &inactive {
        println!(
            "  resident {} (last activity {})",
            i.participant_id, i.last_activity
        );
    }
    if args.dry_run {
        println!("Dry run: nobody was erased.");
        return Ok(());
    }
    let bar = progress(inactive.len() as u64, "Erasing");
    for i in &inactive {
        let id = i.participant_id;
        state
            .db
            .run(move |conn| erase_participant(conn, None, id, now))
            .await
            .map_err(|e| anyhow::anyhow!("erasing resident {id}: {e}"))?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    println!("Erased {} resident(s).", inactive.len());
    Ok(())
}
