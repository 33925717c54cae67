//! A TCP proxy on loopback that can lose the server's answer to a push after the server has
//! acted on it: the one failure that idempotency exists for.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub struct LossyProxy {
    pub addr: SocketAddr,
    lose_push_responses: Arc<AtomicBool>,
    lost: Arc<AtomicUsize>,
}

impl LossyProxy {
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let lose = Arc::new(AtomicBool::new(false));
        let lost = Arc::new(AtomicUsize::new(0));
        let (lose2, lost2) = (lose.clone(), lost.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (lose, lost) = (lose2.clone(), lost2.clone());
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(upstream).await {
                        relay(client, server, lose, lost).await;
                    }
                });
            }
        });
        LossyProxy {
            addr,
            lose_push_responses: lose,
            lost,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// While set, the connection carrying a `POST /v1/push` is cut as soon as the server starts
    /// answering it: the server has committed, the desk never hears.
    pub fn lose_push_responses(&self, on: bool) {
        self.lose_push_responses.store(on, Ordering::SeqCst);
    }

    /// How many push responses were lost so far.
    pub fn lost(&self) -> usize {
        self.lost.load(Ordering::SeqCst)
    }
}

async fn relay(client: TcpStream, server: TcpStream, lose: Arc<AtomicBool>, lost: Arc<AtomicUsize>) {
    let (mut cr, mut cw) = client.into_split();
    let (mut sr, mut sw) = server.into_split();
    let push_in_flight = Arc::new(AtomicBool::new(false));
    let flight = push_in_flight.clone();
    let upstream = tokio::spawn(async move {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match cr.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if buf[..n].starts_with(b"POST /v1/push") {
                        flight.store(true, Ordering::SeqCst);
                    }
                    if sw.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            }
        }
        let _ = sw.shutdown().await;
    });
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match sr.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if push_in_flight.swap(false, Ordering::SeqCst) && lose.load(Ordering::SeqCst) {
                    lost.fetch_add(1, Ordering::SeqCst);
                    break;
                }
                if cw.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        }
    }
    upstream.abort();
    // Dropping both halves closes the desk's connection without an answer.
}
