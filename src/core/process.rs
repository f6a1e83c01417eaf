//! What lives per process: one tokio runtime and one S3 client per distinct
//! configuration, both created on first use and keyed by the process id.
//!
//! php-fpm and Apache's mod_php fork their workers after the extension is
//! loaded. A runtime created before a fork has no worker threads in the
//! child (fork copies only the calling thread), so its first `block_on`
//! would hang forever. So nothing is created at module start, and when the
//! pid changes the inherited runtime and clients are leaked, not dropped:
//! dropping would wait for threads that do not exist in this process.

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
    runtime: Runtime,
    clients: HashMap<String, Arc<S3Client>>,
}

static PROCESS: Lazy<Mutex<Option<ProcessState>>> = Lazy::new(|| Mutex::new(None));

/// Two worker threads: parts upload in parallel and response bodies keep
/// flowing while PHP is busy between calls, yet an idle php-fpm worker
/// carries only two parked threads.
const WORKER_THREADS: usize = 2;

fn with_state<T>(f: impl FnOnce(&mut ProcessState) -> T) -> Result<T> {
    let mut guard = PROCESS.lock().unwrap_or_else(|p| p.into_inner());
    let pid = std::process::id();
    if guard.as_ref().is_some_and(|s| s.pid != pid) {
        // Inherited across fork(): leak it, see the module comment.
        std::mem::forget(guard.take());
    }
    if guard.is_none() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(WORKER_THREADS)
            .thread_name("s3-attachments")
            .enable_all()
            .build()
            .map_err(|e| Error::new(ErrorKind::Service, "start", format!("cannot start the I/O runtime: {e}")))?;
        *guard = Some(ProcessState { pid, runtime, clients: HashMap::new() });
    }
    Ok(f(guard.as_mut().expect("state was just set")))
}

/// This process's runtime handle.
pub fn handle() -> Result<Handle> {
    with_state(|s| s.runtime.handle().clone())
}

/// Runs a future to completion on this process's runtime, from the PHP
/// thread. All PHP interaction stays on the calling thread, between calls.
pub fn block_on<F: Future>(future: F) -> Result<F::Output> {
    Ok(handle()?.block_on(future))
}

/// The client for these options, built once per process and configuration
/// so a php-fpm worker reuses connections and credentials across requests.
pub fn client_for(options: &BackendOptions, fingerprint: &str) -> Result<Arc<S3Client>> {
    if let Some(client) = with_state(|s| s.clients.get(fingerprint).cloned())? {
        return Ok(client);
    }
    // Built outside the lock: loading the AWS config may read files or wait
    // on a credential endpoint.
    let client = Arc::new(block_on(S3Client::build(options))??);
    with_state(|s| {
        if s.clients.len() >= MAX_CLIENTS && !s.clients.contains_key(fingerprint) {
            // An application that builds a new configuration per request
            // would otherwise keep every client and its idle connections.
            let evict = s.clients.keys().next().cloned();
            if let Some(evict) = evict {
                s.clients.remove(&evict);
            }
        }
        s.clients.entry(fingerprint.to_owned()).or_insert(client).clone()
    })
}

/// Distinct configurations a process keeps clients for; past this the
/// oldest-inserted arbitrary one is dropped (its backends rebuild it on use).
const MAX_CLIENTS: usize = 32;

/// How many clients this process holds (for tests and `php --ri`), without
/// starting anything: phpinfo() must not create the runtime.
pub fn client_count() -> usize {
    let guard = PROCESS.lock().unwrap_or_else(|p| p.into_inner());
    match guard.as_ref() {
        Some(state) if state.pid == std::process::id() => state.clients.len(),
        _ => 0,
    }
}
