//! What lives per process: the tokio runtimes and one S3 client per distinct
//! configuration and runtime, all created on first use and keyed by the
//! process id.
//!
//! Two runtimes, because requests and multipart parts want opposite things:
//!
//! - Requests (GET, HEAD, PUT, DELETE, and the start, completion and abort
//!   of a multipart upload) run on a current-thread runtime driven by the
//!   PHP thread inside each call. With worker threads, hyper's connection
//!   task runs on a worker and hands a response body over one chunk at a
//!   time (it reads no further until that chunk is taken), so each chunk of
//!   a download cost two cross-thread wake-ups in series: ~18,000 context
//!   switches per GiB against curl's ~2,000, and 10-25% of download
//!   throughput on a 2-core machine (bench/README.md). Driven by the PHP
//!   thread, the socket is read by the thread that consumes it, as curl
//!   does, and an idle php-fpm worker carries no runtime thread.
//! - Parts of a multipart upload go up on a small multi-thread runtime,
//!   started by the process's first multipart upload, with its own clients
//!   (so its connections live on its threads). Parts keep moving while PHP
//!   produces the next bytes, however long it takes: driven only inside
//!   calls, a part would stall between two `write()`s, and a producer
//!   slower than `operation_timeout` (or than the store's idle timeout)
//!   would fail an upload the store was happy to take.
//!
//! php-fpm and Apache's mod_php fork their workers after the extension is
//! loaded. A child must not drive its parent's runtimes: it would share the
//! parent's epoll instances and connections, and the worker threads do not
//! exist in the child (fork copies only the calling thread). So nothing is
//! created at module start, and when the pid changes the inherited runtimes
//! and clients are leaked, not dropped: dropping would wait for threads
//! that do not exist in this process.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use once_cell::sync::Lazy;
use tokio::runtime::{Handle, Runtime};

use super::client::S3Client;
use super::error::{Error, ErrorKind, Result};
use super::options::BackendOptions;

struct ProcessState {
    pid: u32,
    requests: Arc<Runtime>,
    parts: Option<Runtime>,
    clients: HashMap<String, Arc<S3Client>>,
    part_clients: HashMap<String, Arc<S3Client>>,
}

static PROCESS: Lazy<Mutex<Option<ProcessState>>> = Lazy::new(|| Mutex::new(None));

/// Worker threads of the parts runtime: parts go up in parallel while the
/// PHP thread cuts and checksums the next ones.
const PART_WORKER_THREADS: usize = 2;

fn with_state<T>(f: impl FnOnce(&mut ProcessState) -> T) -> Result<T> {
    let mut guard = PROCESS.lock().unwrap_or_else(|p| p.into_inner());
    let pid = std::process::id();
    if guard.as_ref().is_some_and(|s| s.pid != pid) {
        // Inherited across fork(): leak it, see the module comment.
        std::mem::forget(guard.take());
    }
    if guard.is_none() {
        let requests = tokio::runtime::Builder::new_current_thread()
            .thread_name("s3-attachments")
            .enable_all()
            .build()
            .map_err(cannot_start)?;
        *guard = Some(ProcessState {
            pid,
            requests: Arc::new(requests),
            parts: None,
            clients: HashMap::new(),
            part_clients: HashMap::new(),
        });
    }
    Ok(f(guard.as_mut().expect("state was just set")))
}

fn cannot_start(e: std::io::Error) -> Error {
    Error::new(ErrorKind::Service, "start", format!("cannot start the I/O runtime: {e}"))
}

/// The process a handle (an upload, an upload queue, a reader) was made in.
/// A fork child shares its parent's connections and upload ids: using them
/// from both processes would corrupt an upload or hang on a runtime whose
/// threads the child does not have, so the child is refused at once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Owner(u32);

impl Owner {
    pub(crate) fn current() -> Self {
        Owner(std::process::id())
    }

    pub(crate) fn is_current(&self) -> bool {
        self.0 == std::process::id()
    }

    /// Ok in the process that made the handle; else the error naming what to
    /// do: `made` and `make` say how such a handle comes to be ("started",
    /// "start").
    pub(crate) fn check(&self, operation: &'static str, what: &str, made: &str, make: &str) -> Result<()> {
        if self.is_current() {
            return Ok(());
        }
        Err(Error::new(
            ErrorKind::Service,
            operation,
            format!("this {what} was {made} by another process (before a fork); {make} a new one in this process"),
        ))
    }
}

/// Runs a request to completion on this process's request runtime, from
/// the PHP thread. All PHP interaction stays on the calling thread, between
/// calls.
pub fn block_on<F: Future>(future: F) -> Result<F::Output> {
    block_on_stream(async {
        settle_connections().await;
        let output = future.await;
        settle_connections().await;
        output
    })
}

/// Runs a future that continues a response already under way (the next
/// chunk of a body) to completion: the same, without settling connections,
/// which would cost a few system calls per chunk.
pub fn block_on_stream<F: Future>(future: F) -> Result<F::Output> {
    // Runtime::block_on, not Handle::block_on: only the former drives the
    // I/O and timers of a current-thread runtime.
    let runtime = with_state(|s| s.requests.clone())?;
    Ok(runtime.block_on(future))
}

/// Nothing runs on this runtime between calls, so a pooled connection the
/// store closed meanwhile (keep-alive timeout, restart) would still look
/// open, and a request sent on it would fail with "connection reset". Two
/// yields let the runtime poll its sockets and then run the connection
/// tasks that have news: before a request, those see the close and leave
/// the pool before the request picks a connection; after one, the
/// connection's task runs once more and starts watching its socket, so a
/// later close wakes it. A few microseconds.
async fn settle_connections() {
    tokio::task::yield_now().await;
    tokio::task::yield_now().await;
}

/// The handle of the runtime multipart parts are spawned on, started on
/// first use.
pub fn parts_handle() -> Result<Handle> {
    with_state(|s| {
        if s.parts.is_none() {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(PART_WORKER_THREADS)
                .thread_name("s3-attachments-parts")
                .enable_all()
                .build()
                .map_err(cannot_start)?;
            s.parts = Some(runtime);
        }
        Ok(s.parts.as_ref().expect("parts runtime was just set").handle().clone())
    })?
}

/// Which runtime a client's connections will live on.
#[derive(Clone, Copy)]
pub enum ClientUse {
    Requests,
    Parts,
}

/// The client for these options, built once per process, configuration and
/// use, so a php-fpm worker reuses connections and credentials across
/// requests.
pub fn client_for(options: &BackendOptions, fingerprint: &str, usage: ClientUse) -> Result<Arc<S3Client>> {
    let cached = with_state(|s| clients_of(s, usage).get(fingerprint).cloned())?;
    if let Some(client) = cached {
        return Ok(client);
    }
    // Built outside the lock: loading the AWS config may read files or wait
    // on a credential endpoint. Built on the runtime that will use it, so
    // anything it spawns lives there.
    let client = Arc::new(match usage {
        ClientUse::Requests => block_on(S3Client::build(options))??,
        ClientUse::Parts => parts_handle()?.block_on(S3Client::build(options))?,
    });
    with_state(|s| {
        let clients = clients_of(s, usage);
        if clients.len() >= MAX_CLIENTS && !clients.contains_key(fingerprint) {
            // An application that builds a new configuration per request
            // would otherwise keep every client and its idle connections.
            let evict = clients.keys().next().cloned();
            if let Some(evict) = evict {
                clients.remove(&evict);
            }
        }
        clients.entry(fingerprint.to_owned()).or_insert(client).clone()
    })
}

fn clients_of(state: &mut ProcessState, usage: ClientUse) -> &mut HashMap<String, Arc<S3Client>> {
    match usage {
        ClientUse::Requests => &mut state.clients,
        ClientUse::Parts => &mut state.part_clients,
    }
}

/// Distinct configurations a process keeps clients for, per use; past this
/// an arbitrary one is dropped (its backends rebuild it on use).
const MAX_CLIENTS: usize = 32;

/// What `php --ri` shows about this process, read without starting
/// anything: phpinfo() must not create a runtime.
pub struct ProcessReport {
    /// Distinct configurations with a client (the parts runtime's clients
    /// are the same configurations, so they are not counted again).
    pub clients: usize,
    pub requests_runtime: bool,
    pub parts_runtime: bool,
}

pub fn report() -> ProcessReport {
    let guard = PROCESS.lock().unwrap_or_else(|p| p.into_inner());
    match guard.as_ref() {
        Some(s) if s.pid == std::process::id() => {
            ProcessReport { clients: s.clients.len(), requests_runtime: true, parts_runtime: s.parts.is_some() }
        }
        _ => ProcessReport { clients: 0, requests_runtime: false, parts_runtime: false },
    }
}
