//! An HTTP proxy on loopback that writes down every request it carries: what it was, when it
//! reached the proxy and when its whole answer was handed back. The crash test puts it between
//! a desk process and the server so that, for each kill, it can say from the wire whether the
//! kill landed inside a push, a pull or neither, without trusting the desk's own account.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// What a request was, by its route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Exchange {
    Push,
    Pull,
    SignIn,
    Other,
}

impl Exchange {
    fn of(method: &axum::http::Method, path: &str) -> Exchange {
        match (method.as_str(), path) {
            ("POST", "/v1/push") => Exchange::Push,
            ("GET", "/v1/pull") => Exchange::Pull,
            ("POST", "/v1/session") => Exchange::SignIn,
            _ => Exchange::Other,
        }
    }
}

/// One request as the proxy saw it.
#[derive(Debug, Clone)]
pub struct Carried {
    pub exchange: Exchange,
    /// When the whole request had reached the proxy (and went on to the server).
    pub sent: Instant,
    /// When the whole answer was handed back towards the desk; `None` if it never was (the
    /// desk went away first).
    pub answered: Option<Instant>,
}

impl Carried {
    /// The desk had asked and not yet been answered at `at`.
    pub fn open_at(&self, at: Instant) -> bool {
        self.sent <= at && self.answered.is_none_or(|answered| answered > at)
    }
}

#[derive(Clone)]
struct Shared {
    upstream: String,
    client: reqwest::Client,
    log: Arc<Mutex<Vec<Carried>>>,
}

pub struct RecordingProxy {
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<Carried>>>,
    task: tokio::task::JoinHandle<()>,
}

impl RecordingProxy {
    pub async fn start(upstream: &str) -> RecordingProxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let shared = Shared {
            upstream: upstream.trim_end_matches('/').to_owned(),
            client: reqwest::Client::new(),
            log: log.clone(),
        };
        let app = axum::Router::new().fallback(forward).with_state(shared);
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        RecordingProxy { addr, log, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Everything carried so far, in the order the requests arrived.
    pub fn carried(&self) -> Vec<Carried> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for RecordingProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Headers that belong to one hop, not to the request or answer.
fn hop_by_hop(name: &HeaderName) -> bool {
    [
        header::CONNECTION,
        header::TRANSFER_ENCODING,
        header::CONTENT_LENGTH,
        header::HOST,
        HeaderName::from_static("keep-alive"),
    ]
    .contains(name)
}

async fn forward(State(shared): State<Shared>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, usize::MAX).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let exchange = Exchange::of(&parts.method, parts.uri.path());
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let index = {
        let mut log = shared.log.lock().unwrap();
        log.push(Carried {
            exchange,
            sent: Instant::now(),
            answered: None,
        });
        log.len() - 1
    };
    let mut upstream = shared
        .client
        .request(parts.method.clone(), format!("{}{path}", shared.upstream))
        .body(body);
    for (name, value) in &parts.headers {
        if !hop_by_hop(name) {
            upstream = upstream.header(name, value);
        }
    }
    // Dropped here, mid-way, if the desk goes away: the server may or may not have acted, and
    // the entry keeps `answered: None`.
    let answer = match upstream.send().await {
        Ok(answer) => answer,
        Err(e) => return (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    };
    let status = answer.status();
    let headers = answer.headers().clone();
    let Ok(bytes) = answer.bytes().await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    for (name, value) in &headers {
        if !hop_by_hop(name) {
            response.headers_mut().append(name, value.clone());
        }
    }
    shared.log.lock().unwrap()[index].answered = Some(Instant::now());
    response
}
