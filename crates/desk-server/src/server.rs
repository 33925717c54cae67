//! The running HTTP server: start on an address (port 0 picks one), stop gracefully.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::api::{AppState, Lockout, TokenLifetimes, router};
use crate::store::Store;
use crate::tls::{TlsError, TlsFiles, TlsListener};

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error(transparent)]
    Tls(#[from] TlsError),
}

/// A council server answering on `addr` until [`Server::stop`].
pub struct Server {
    pub addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Server {
    pub async fn start(store: Arc<dyn Store>, listen: SocketAddr) -> Result<Server, ServerError> {
        Self::start_with(store, listen, TokenLifetimes::default()).await
    }

    /// [`Server::start`] with other token lifetimes (tests use seconds).
    pub async fn start_with(
        store: Arc<dyn Store>,
        listen: SocketAddr,
        lifetimes: TokenLifetimes,
    ) -> Result<Server, ServerError> {
        Self::start_configured(store, listen, lifetimes, Lockout::default()).await
    }

    /// [`Server::start_with`] with another lockout policy (tests use a second).
    pub async fn start_configured(
        store: Arc<dyn Store>,
        listen: SocketAddr,
        lifetimes: TokenLifetimes,
        lockout: Lockout,
    ) -> Result<Server, ServerError> {
        Self::start_full(store, listen, lifetimes, lockout, None).await
    }

    /// [`Server::start`] over TLS with the certificate and key in `tls`, read again whenever
    /// they change.
    pub async fn start_tls(store: Arc<dyn Store>, listen: SocketAddr, tls: &TlsFiles) -> Result<Server, ServerError> {
        Self::start_full(store, listen, TokenLifetimes::default(), Lockout::default(), Some(tls)).await
    }

    async fn start_full(
        store: Arc<dyn Store>,
        listen: SocketAddr,
        lifetimes: TokenLifetimes,
        lockout: Lockout,
        tls: Option<&TlsFiles>,
    ) -> Result<Server, ServerError> {
        // Before binding: a certificate that does not load stops the start.
        let tls = tls.map(crate::tls::server_config).transpose()?;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|source| ServerError::Bind { addr: listen, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| ServerError::Bind { addr: listen, source })?;
        let (shutdown, watching) = watch::channel(false);
        let app = router(AppState {
            store,
            lifetimes,
            lockout,
            shutdown: watching.clone(),
        });
        let mut stopping = watching;
        let stopped = async move {
            let _ = stopping.wait_for(|stop| *stop).await;
        };
        let task = match tls {
            None => tokio::spawn(async move { axum::serve(listener, app).with_graceful_shutdown(stopped).await }),
            Some(config) => {
                let listener =
                    TlsListener::new(listener, config).map_err(|source| ServerError::Bind { addr: listen, source })?;
                tokio::spawn(async move { axum::serve(listener, app).with_graceful_shutdown(stopped).await })
            }
        };
        Ok(Server { addr, shutdown, task })
    }

    /// Stops accepting, ends every poke stream, and returns once all connections are closed.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        match self.task.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "server ended with an error"),
            Err(e) => tracing::warn!(error = %e, "server task failed"),
        }
    }
}

/// The server's sweep of waiting-list offers, every `every` while the runtime lives: the
/// server is the authority for an offer's expiry (issue 11 §5), so an offer that ran out
/// passes to the next person even when no desk is open. Each run is one transaction at the
/// council's wall-clock time; a failed run is logged and tried again at the next tick.
pub fn spawn_offer_sweep(store: Arc<dyn Store>, every: std::time::Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let store = store.clone();
            let now = chrono::Local::now().naive_local();
            match tokio::task::spawn_blocking(move || store.expire_offers(now)).await {
                Ok(Ok(sessions)) if !sessions.is_empty() => {
                    tracing::info!(?sessions, "waiting-list offers that ran out passed on");
                }
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "the offer sweep failed; trying again at the next tick"),
                Err(e) => tracing::warn!(error = %e, "the offer sweep task failed"),
            }
        }
    })
}
