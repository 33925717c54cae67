//! A real council server on loopback that a test can take down and bring back on the same
//! address, keeping its database.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use desk_server::{Lockout, Server, Store, TokenLifetimes};

pub struct TestServer {
    pub store: Arc<dyn Store>,
    pub addr: SocketAddr,
    lifetimes: TokenLifetimes,
    lockout: Lockout,
    running: Option<Server>,
}

impl TestServer {
    /// On 127.0.0.1 and a port of its own, with the real token lifetimes and lockout.
    pub async fn start(store: Arc<dyn Store>) -> Self {
        Self::start_with(store, TokenLifetimes::default()).await
    }

    /// [`TestServer::start`] with other token lifetimes (tests use seconds).
    pub async fn start_with(store: Arc<dyn Store>, lifetimes: TokenLifetimes) -> Self {
        Self::start_configured(store, lifetimes, Lockout::default()).await
    }

    /// [`TestServer::start_with`] with another lockout policy as well.
    pub async fn start_configured(store: Arc<dyn Store>, lifetimes: TokenLifetimes, lockout: Lockout) -> Self {
        let server = Server::start_configured(store.clone(), "127.0.0.1:0".parse().unwrap(), lifetimes, lockout)
            .await
            .expect("server starts");
        TestServer {
            addr: server.addr,
            store,
            lifetimes,
            lockout,
            running: Some(server),
        }
    }

    /// `http://127.0.0.1:<port>`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub async fn stop(&mut self) {
        if let Some(server) = self.running.take() {
            server.stop().await;
        }
    }

    /// Starts it again on the same address, with the same settings.
    pub async fn restart(&mut self) {
        assert!(self.running.is_none(), "server is already running");
        // The port was ours a moment ago; another process could take it, so retry briefly.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match Server::start_configured(self.store.clone(), self.addr, self.lifetimes, self.lockout).await {
                Ok(server) => {
                    self.running = Some(server);
                    return;
                }
                Err(e) if Instant::now() < deadline => {
                    eprintln!("restart on {} not yet possible: {e}", self.addr);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("server did not restart on {}: {e}", self.addr),
            }
        }
    }
}
