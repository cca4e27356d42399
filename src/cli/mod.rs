//! The `pathways` command line (PRODUCT.md "Command line"): serve, migrate, demo, user
//! and token management. Every command exits 0 on success and prints one line on stderr
//! otherwise.

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

pub mod data;
pub mod logging;
pub mod reports;

use crate::app::build_router;
use crate::auth::accounts::{self, NewUserInput};
use crate::auth::session::{ABSOLUTE_TIMEOUT, IDLE_TIMEOUT, normalise_email};
use crate::clock::SystemClock;
use crate::config::Config;
use crate::db::{Backend, Db, run_migrations};
use crate::error::AppError;
use crate::models::organisation::{create_audited, validate_new};
use crate::models::{LoginSession, Organisation, User};
use crate::state::AppState;

/// Pathways: employability programmes from outreach to a sustained job and a career.
#[derive(Debug, Parser)]
#[command(name = "pathways", version, about)]
pub struct Cli {
    /// Database: sqlite://FILE (default) or postgres://USER@HOST/DB.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://pathways.db",
        global = true
    )]
    pub database_url: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Migrate (on SQLite), then serve the web app and the API.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "PATHWAYS_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Load the demo data into an empty database and print the demo logins.
        #[arg(long)]
        demo: bool,
        #[command(flatten)]
        national: NationalArgs,
        /// Set when users reach the app over HTTPS: Secure, __Host- cookies and HSTS.
        #[arg(long, env = "PATHWAYS_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Behind a reverse proxy: the header it sets to the client's address (e.g.
        /// X-Forwarded-For; the rightmost value is used). Never set it without such a proxy:
        /// clients could then pick their own address.
        #[arg(long, env = "PATHWAYS_TRUSTED_PROXY_HEADER")]
        trusted_proxy_header: Option<axum::http::HeaderName>,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Load the demo data into an empty database and print the demo logins.
    Demo(NationalArgs),
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Print a cohort or programme report.
    Report {
        #[command(subcommand)]
        command: reports::ReportCommand,
    },
    /// Export data as CSV.
    Export {
        #[command(subcommand)]
        command: reports::ExportCommand,
    },
    /// Import residents from a CSV file.
    Import(data::ImportArgs),
    /// Copy the SQLite database consistently while the server runs.
    Backup(data::BackupArgs),
    /// Erase (anonymise) a resident's personal data.
    Erase(data::EraseArgs),
    /// Erase residents with no activity for a number of years.
    Retention(data::RetentionArgs),
}

/// The national data set instead of the small demo.
#[derive(Debug, clap::Args)]
struct NationalArgs {
    /// Load the national data set (6,000 cohorts, 7.2 million attendance rows) instead.
    #[arg(long)]
    national: bool,
    /// Size of the national data set: 1.0 is national, 0.01 a quick 60 cohorts.
    #[arg(long, default_value_t = 1.0, requires = "national")]
    scale: f64,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add a user, reading the password from standard input.
    Add {
        /// Email address (the sign-in name).
        #[arg(long)]
        email: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// Organisation name; created if new.
        #[arg(long)]
        organisation: String,
        /// Kind of a newly created organisation.
        #[arg(long, default_value = "other")]
        organisation_kind: String,
        /// coordinator, hr, manager or admin.
        #[arg(long)]
        role: String,
        /// Read the password from the first line of standard input (required).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create an API token for a user and print it once.
    Create {
        /// The user's email address.
        #[arg(long)]
        email: String,
        /// A label for the token.
        #[arg(long, default_value = "command line")]
        name: String,
    },
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run_async(cli))
}

async fn run_async(cli: Cli) -> anyhow::Result<()> {
    let migrate_only = matches!(cli.command, Command::Migrate);
    let (serving, secure_cookies, trusted_proxy_header) = match &cli.command {
        Command::Serve {
            secure_cookies,
            trusted_proxy_header,
            ..
        } => (true, *secure_cookies, trusted_proxy_header.clone()),
        _ => (false, false, None),
    };
    let config = Config {
        database_url: cli.database_url.clone(),
        secure_cookies,
        trusted_proxy_header,
    };
    let state = open(config, migrate_only, serving).await?;
    match cli.command {
        Command::Migrate => Ok(()),
        Command::Serve {
            addr,
            demo,
            national,
            ..
        } => {
            if demo {
                let logins = load_demo(&state, &national).await?;
                print_demo(&logins, &format!("http://{addr}"));
            } else if national.national {
                bail!("--national goes with --demo");
            }
            serve(state, addr).await
        }
        Command::Demo(national) => {
            let logins = load_demo(&state, &national).await?;
            print_demo(&logins, "http://127.0.0.1:8080");
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    name,
                    organisation,
                    organisation_kind,
                    role,
                    ..
                },
        } => add_user(&state, email, name, organisation, organisation_kind, role).await,
        Command::Token {
            command: TokenCommand::Create { email, name },
        } => create_token(&state, &email, &name).await,
        Command::Report { command } => reports::report(&state, command).await,
        Command::Export { command } => reports::export(&state, command).await,
        Command::Import(args) => data::import(&state, args).await,
        Command::Backup(args) => data::backup(&state, args).await,
        Command::Erase(args) => data::erase(&state, args).await,
        Command::Retention(args) => data::retention(&state, args).await,
    }
}

/// Loads the small demo, or the national data set when asked.
async fn load_demo(
    state: &AppState,
    national: &NationalArgs,
) -> anyhow::Result<Vec<crate::demo::DemoLogin>> {
    if !national.national {
        return crate::demo::load(state, demo_progress()).await;
    }
    let shape = crate::demo::national::Shape::at(national.scale);
    let bar = crate::progress::bar(shape.steps(), "Loading the national demo");
    let ticks = bar.clone();
    let logins = crate::demo::national::load_demo(state, national.scale, move |pass| {
        ticks.set_message(pass);
        ticks.inc(1);
    })
    .await;
    bar.finish_and_clear();
    logins
}

/// A progress bar over the demo's cohorts, advanced as each one is replayed.
fn demo_progress() -> impl FnMut(&str) + Send + 'static {
    let bar = crate::progress::bar(crate::demo::COHORT_COUNT as u64, "Loading the demo");
    move |cohort: &str| {
        bar.set_message(cohort.to_owned());
        bar.inc(1);
        if bar.position() == bar.length().unwrap_or(0) {
            bar.finish_and_clear();
        }
    }
}

/// Opens the database. SQLite is migrated on every start; PostgreSQL only by
/// `pathways migrate`, and other commands refuse to run on an out-of-date schema.
async fn open(config: Config, migrate_only: bool, serving: bool) -> anyhow::Result<AppState> {
    let url = config.database_url.as_str();
    // The server serves many requests at once; every other command needs one connection.
    let db = if serving {
        Db::connect(url)?
    } else {
        Db::connect_single(url)?
    };
    let backend = db.backend();
    let task_db = db.clone();
    let applied = tokio::task::spawn_blocking(move || -> anyhow::Result<Option<usize>> {
        let mut conn = task_db.conn().map_err(|e| anyhow::anyhow!("{e}"))?;
        if backend == Backend::Sqlite || migrate_only {
            return run_migrations(&mut conn).map(Some);
        }
        if crate::db::has_pending_migrations(&mut conn)? {
            bail!("the PostgreSQL database needs migrating: run `pathways migrate` first");
        }
        Ok(None)
    })
    .await??;
    if migrate_only {
        eprintln!("Applied {} migration(s).", applied.unwrap_or(0));
    }
    Ok(AppState::new(db, config, Arc::new(SystemClock)))
}

async fn serve(state: AppState, addr: SocketAddr) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    tokio::spawn(sweep_expired_sessions(state.clone()));
    // Make the dummy hash now, so the first sign-in with an unknown email does not take
    // one hash longer than a wrong password does.
    tokio::task::spawn_blocking(crate::auth::password::dummy_hash);
    let app = build_router(state);
    // Through the log, not a bare line: with PATHWAYS_LOG_FORMAT=json every line on
    // standard error must be JSON.
    tracing::info!("Pathways is running. Sign in at http://{addr}/sign-in (press Ctrl+C to stop).");
    // The peer's address feeds the sign-in throttle's per-address limit.
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the server stopped with an error")
}

/// Deletes expired sessions every ten minutes (they are refused anyway; this keeps the
/// table small).
async fn sweep_expired_sessions(state: AppState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        let now = state.clock.now();
        let swept = state
            .db
            .run(move |conn| {
                Ok(LoginSession::delete_expired(
                    conn,
                    now - IDLE_TIMEOUT,
                    now - ABSOLUTE_TIMEOUT,
                )?)
            })
            .await;
        if let Err(e) = swept {
            tracing::warn!(error = %e, "could not sweep expired sessions");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}

fn print_demo(logins: &[crate::demo::DemoLogin], base: &str) {
    println!("Demo data is loaded. Sign in at {base}/sign-in with one of these logins:");
    let width = logins.iter().map(|l| l.email.len()).max().unwrap_or(0);
    for login in logins {
        println!(
            "  {:<12} {:<width$} password: {}",
            login.role, login.email, login.password
        );
    }
    println!("These passwords are new each time the demo starts; they are shown only here.");
}

async fn add_user(
    state: &AppState,
    email: String,
    name: String,
    organisation: String,
    organisation_kind: String,
    role: String,
) -> anyhow::Result<()> {
    let password = read_password()?;
    let now = state.clock.now();
    let organisation_id = state
        .db
        .run(move |conn| {
            if let Some(existing) = Organisation::find_by_name(conn, organisation.trim())? {
                return Ok(existing.id);
            }
            let (name, kind) =
                validate_new(&organisation, &organisation_kind).map_err(AppError::Validation)?;
            Ok(create_audited(conn, None, &name, kind, now)?.id)
        })
        .await
        .map_err(describe)?;
    let input = NewUserInput {
        email,
        name,
        organisation_id: Some(organisation_id),
        role,
        password,
        temporary: false,
    };
    let user = accounts::create_user(state, None, input)
        .await
        .map_err(describe)?;
    eprintln!(
        "Added {} ({}) to organisation {}.",
        user.email, user.role, organisation_id
    );
    Ok(())
}

fn read_password() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password: ");
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\n', '\r']).to_owned();
    if password.is_empty() {
        bail!("no password on standard input");
    }
    Ok(password)
}

async fn create_token(state: &AppState, email: &str, name: &str) -> anyhow::Result<()> {
    let email = normalise_email(email);
    let user = state
        .db
        .run(move |conn| User::find_by_email(conn, &email).map_err(AppError::from))
        .await
        .map_err(describe)?
        .filter(|u| u.disabled_at.is_none())
        .ok_or_else(|| anyhow::anyhow!("no active user has that email address"))?;
    let token = accounts::create_api_token(state, user.id, name)
        .await
        .map_err(describe)?;
    println!("{token}");
    eprintln!("This token is shown only once. Send it as `Authorization: Bearer <token>`.");
    Ok(())
}

/// One line describing an error for the terminal, with the fields named.
pub(crate) fn describe(error: AppError) -> anyhow::Error {
    match &error {
        AppError::Validation(fields)
        | AppError::Conflict { fields, .. }
        | AppError::BadRequest { fields, .. }
            if !fields.is_empty() =>
        {
            let parts: Vec<String> = fields.iter().map(|(f, m)| format!("{f}: {m}")).collect();
            anyhow::anyhow!("{}", parts.join("; "))
        }
        _ => anyhow::anyhow!("{error}"),
    }
}
