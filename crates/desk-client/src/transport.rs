//! HTTP to the council server: JSON requests with the bearer token, `{code, message}` errors,
//! and the poke stream (server-sent events), parsed here line by line.

use std::time::Duration;

use desk_domain::{
    Capabilities, ErrorBody, PullQuery, PullResponse, PushRequest, PushResponse, SignInRequest, SignInResponse,
};
use futures_util::StreamExt;
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;

use crate::DeskError;

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("cannot reach the server: {0}")]
    Unreachable(String),
    #[error("the server did not answer in time")]
    Timeout,
    #[error("HTTP {status}: {} ({})", body.message, body.code)]
    Http { status: u16, body: ErrorBody },
    #[error("unreadable answer from the server: {0}")]
    Decode(String),
}

impl TransportError {
    /// Worth trying again later without anyone changing anything.
    pub fn is_transient(&self) -> bool {
        match self {
            TransportError::Unreachable(_) | TransportError::Timeout => true,
            TransportError::Http { status, .. } => *status >= 500 || *status == 408 || *status == 429,
            TransportError::Decode(_) => false,
        }
    }

    pub fn is_unauthorised(&self) -> bool {
        matches!(self, TransportError::Http { status: 401, .. })
    }

    pub fn code(&self) -> &str {
        match self {
            TransportError::Http { body, .. } => &body.code,
            _ => "",
        }
    }
}

/// What `POST /v1/session/refresh` answers (other fields are ignored).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct RefreshedTokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
}

impl From<TransportError> for DeskError {
    fn from(e: TransportError) -> Self {
        match e {
            TransportError::Unreachable(m) => DeskError::Offline(m),
            TransportError::Timeout => DeskError::Offline("the server did not answer in time".into()),
            TransportError::Http { status: 401, .. } => DeskError::NotSignedIn,
            TransportError::Http { status, body } if status >= 500 => {
                DeskError::ServerError(format!("{} ({})", body.message, body.code))
            }
            TransportError::Http { status, body } => DeskError::ServerRejected {
                status,
                code: body.code,
                message: body.message,
            },
            TransportError::Decode(m) => DeskError::ServerError(m),
        }
    }
}

fn from_reqwest(e: reqwest::Error) -> TransportError {
    if e.is_timeout() {
        TransportError::Timeout
    } else if e.is_decode() || e.is_body() {
        TransportError::Decode(e.to_string())
    } else {
        TransportError::Unreachable(e.to_string())
    }
}

/// The machine-wide setting (an environment variable a council's IT team sets for every user,
/// e.g. by group policy, for a test network) that lets a desk use plain `http://` to a server
/// that is not on this computer. The sign-in screen then warns that nothing is encrypted.
pub const ALLOW_PLAIN_HTTP_ENV: &str = "COUNCIL_DESK_ALLOW_PLAIN_HTTP";
/// The machine-wide setting naming a PEM file of certificate authorities a desk trusts besides
/// the public ones: a council whose server's certificate comes from its own authority.
pub const EXTRA_CA_ENV: &str = "COUNCIL_DESK_CA_FILE";

/// How this computer lets desks reach a council server; read once from the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MachineNetwork {
    /// Plain HTTP is allowed to a server that is not on this computer ([`ALLOW_PLAIN_HTTP_ENV`]).
    pub allow_plain_http: bool,
    /// Certificate authorities trusted besides the public ones ([`EXTRA_CA_ENV`]).
    pub extra_ca_file: Option<std::path::PathBuf>,
}

static MACHINE: std::sync::OnceLock<MachineNetwork> = std::sync::OnceLock::new();

impl MachineNetwork {
    /// From the environment: `COUNCIL_DESK_ALLOW_PLAIN_HTTP=1` (or `true`, `yes`) and
    /// `COUNCIL_DESK_CA_FILE=/path/ca.pem`.
    pub fn from_env() -> MachineNetwork {
        let allow = std::env::var(ALLOW_PLAIN_HTTP_ENV).unwrap_or_default();
        MachineNetwork {
            allow_plain_http: matches!(allow.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes"),
            extra_ca_file: std::env::var_os(EXTRA_CA_ENV).filter(|v| !v.is_empty()).map(Into::into),
        }
    }

    /// This process's setting: the one given to [`MachineNetwork::install`], or else the
    /// environment's.
    pub fn current() -> &'static MachineNetwork {
        MACHINE.get_or_init(MachineNetwork::from_env)
    }

    /// Fixes this process's setting before any desk reads it (a test's own certificate
    /// authority, say). Refused once the setting has been read.
    pub fn install(self) -> Result<(), MachineNetwork> {
        MACHINE.set(self)
    }
}

/// The server is this computer: 127.0.0.0/8, ::1 or `localhost`.
pub fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => {
            let name = bare.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
    }
}

/// Plain HTTP to a server that is not this computer would carry passwords, tokens and personal
/// data in clear: refused unless `allow_plain_http`.
pub fn check_not_in_clear(url: &Url, allow_plain_http: bool) -> Result<(), DeskError> {
    if url.scheme() == "http" && !is_loopback(url) && !allow_plain_http {
        return Err(DeskError::PlainHttpRefused(format!(
            "The server address must start with https://: plain http:// to {} would send passwords \
             and personal data across the network unencrypted. (Only a server on this computer may \
             use http://; your IT team can allow it on this machine with {ALLOW_PLAIN_HTTP_ENV}=1.)",
            url.host_str().unwrap_or("that server")
        )));
    }
    Ok(())
}

/// Checks a server address typed by a person: https (or http to this computer, or anywhere the
/// machine-wide [`ALLOW_PLAIN_HTTP_ENV`] allows it), with a host, nothing else.
pub fn parse_server_url(url: &str) -> Result<Url, DeskError> {
    let parsed = parse_server_url_shape(url)?;
    check_not_in_clear(&parsed, MachineNetwork::current().allow_plain_http)?;
    Ok(parsed)
}

/// [`parse_server_url`] without the plain-HTTP rule.
fn parse_server_url_shape(url: &str) -> Result<Url, DeskError> {
    let trimmed = url.trim();
    if trimmed.is_empty() || trimmed.len() > 200 {
        return Err(DeskError::invalid("The server address must be 1 to 200 characters."));
    }
    let parsed = Url::parse(trimmed)
        .map_err(|e| DeskError::invalid(format!("The server address `{trimmed}` is not a web address: {e}.")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(DeskError::invalid(
            "The server address must start with http:// or https://.",
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(DeskError::invalid("The server address has no host name."));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() || !parsed.username().is_empty() {
        return Err(DeskError::invalid(
            "The server address must not carry a query, fragment or user name.",
        ));
    }
    Ok(parsed)
}

/// The certificate authorities of [`EXTRA_CA_ENV`]; a file that cannot be read is reported and
/// trusted for nothing (the connection then fails with the certificate's own error).
fn extra_roots(machine: &MachineNetwork) -> Vec<reqwest::Certificate> {
    let Some(path) = &machine.extra_ca_file else {
        return Vec::new();
    };
    match std::fs::read(path)
        .map_err(|e| e.to_string())
        .and_then(|pem| reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| e.to_string()))
    {
        Ok(roots) => roots,
        Err(e) => {
            tracing::error!(path = %path.display(), "{EXTRA_CA_ENV}: the certificate authorities cannot be read: {e}");
            Vec::new()
        }
    }
}

/// Longest silence on the poke stream before it is taken for dead.
pub const POKE_SILENCE: Duration = Duration::from_secs(45);

#[derive(Debug, Clone)]
pub struct Transport {
    http: reqwest::Client,
    /// Without an overall timeout: the poke stream stays open.
    stream_http: reqwest::Client,
}

impl Default for Transport {
    fn default() -> Self {
        Self::new()
    }
}

impl Transport {
    pub fn new() -> Self {
        let roots = extra_roots(MachineNetwork::current());
        let builder = || {
            roots
                .iter()
                .fold(reqwest::Client::builder(), |b, root| {
                    b.add_root_certificate(root.clone())
                })
                .connect_timeout(Duration::from_secs(5))
        };
        let http = builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("an HTTP client builds");
        let stream_http = builder().build().expect("an HTTP client builds");
        Transport { http, stream_http }
    }

    fn url(base: &str, path: &str) -> String {
        format!("{}{path}", base.trim_end_matches('/'))
    }

    async fn answer<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T, TransportError> {
        let status = resp.status();
        if status.is_success() {
            return resp
                .json::<T>()
                .await
                .map_err(|e| TransportError::Decode(e.to_string()));
        }
        let text = resp.text().await.unwrap_or_default();
        let body = serde_json::from_str::<ErrorBody>(&text).unwrap_or_else(|_| ErrorBody {
            code: match status {
                StatusCode::UNAUTHORIZED => "unauthorised".into(),
                s if s.is_server_error() => "server_error".into(),
                _ => "http_error".into(),
            },
            message: text.chars().take(200).collect(),
        });
        Err(TransportError::Http {
            status: status.as_u16(),
            body,
        })
    }

    pub async fn capabilities(&self, base: &str) -> Result<Capabilities, TransportError> {
        let resp = self
            .http
            .get(Self::url(base, "/v1/capabilities"))
            .send()
            .await
            .map_err(from_reqwest)?;
        Self::answer(resp).await
    }

    pub async fn sign_in(&self, base: &str, req: &SignInRequest) -> Result<SignInResponse, TransportError> {
        self.sign_in_with_refresh(base, req).await.map(|(r, _)| r)
    }

    /// Signs in and also returns the refresh token, when the server issues one.
    pub async fn sign_in_with_refresh(
        &self,
        base: &str,
        req: &SignInRequest,
    ) -> Result<(SignInResponse, Option<String>), TransportError> {
        let resp = self
            .http
            .post(Self::url(base, "/v1/session"))
            .json(req)
            .send()
            .await
            .map_err(from_reqwest)?;
        let value: serde_json::Value = Self::answer(resp).await?;
        let refresh = value
            .get("refresh_token")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned);
        let signed_in = serde_json::from_value(value).map_err(|e| TransportError::Decode(e.to_string()))?;
        Ok((signed_in, refresh))
    }

    pub async fn audit(
        &self,
        base: &str,
        token: &str,
        req: &desk_domain::AuditUpload,
    ) -> Result<desk_domain::AuditUploadResponse, TransportError> {
        let resp = self
            .http
            .post(Self::url(base, "/v1/audit"))
            .bearer_auth(token)
            .json(req)
            .send()
            .await
            .map_err(from_reqwest)?;
        Self::answer(resp).await
    }

    /// `POST /v1/session/refresh`: spends the refresh token for a new access token and (the
    /// server rotates them) a new refresh token.
    pub async fn refresh(&self, base: &str, refresh_token: &str) -> Result<RefreshedTokens, TransportError> {
        let resp = self
            .http
            .post(Self::url(base, "/v1/session/refresh"))
            .json(&serde_json::json!({ "refresh_token": refresh_token }))
            .send()
            .await
            .map_err(from_reqwest)?;
        Self::answer(resp).await
    }

    /// `DELETE /v1/session`: ends the sign-in that either token belongs to (all its access and
    /// refresh tokens). A refusal means the server does not know the sign-in (already ended).
    pub async fn sign_out(
        &self,
        base: &str,
        access_token: Option<&str>,
        refresh_token: Option<&str>,
    ) -> Result<(), TransportError> {
        let mut req = self.http.delete(Self::url(base, "/v1/session"));
        if let Some(token) = access_token {
            req = req.bearer_auth(token);
        }
        if let Some(token) = refresh_token {
            req = req.json(&serde_json::json!({ "refresh_token": token }));
        }
        let resp = req.send().await.map_err(from_reqwest)?;
        if resp.status().is_success() {
            return Ok(());
        }
        Self::answer::<serde_json::Value>(resp).await.map(|_| ())
    }

    pub async fn push(&self, base: &str, token: &str, req: &PushRequest) -> Result<PushResponse, TransportError> {
        let resp = self
            .http
            .post(Self::url(base, "/v1/push"))
            .bearer_auth(token)
            .json(req)
            .send()
            .await
            .map_err(from_reqwest)?;
        Self::answer(resp).await
    }

    pub async fn pull(&self, base: &str, token: &str, query: &PullQuery) -> Result<PullResponse, TransportError> {
        let mut params: Vec<(&str, String)> = Vec::new();
        if let Some(c) = &query.cursor {
            params.push(("cursor", c.clone()));
        }
        if let Some(l) = query.limit {
            params.push(("limit", l.to_string()));
        }
        if let Some(a) = query.ack_seq {
            params.push(("ack_seq", a.to_string()));
        }
        let mut url =
            Url::parse(&Self::url(base, "/v1/pull")).map_err(|e| TransportError::Unreachable(e.to_string()))?;
        url.query_pairs_mut()
            .extend_pairs(params.iter().map(|(k, v)| (*k, v.as_str())));
        let resp = self
            .http
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .map_err(from_reqwest)?;
        Self::answer(resp).await
    }

    /// Opens the poke stream and calls `on_poke(head)` for every `poke` event until the stream
    /// ends or fails. Returns `Ok` when the server closed it.
    pub async fn pokes(
        &self,
        base: &str,
        token: &str,
        mut on_poke: impl FnMut(Option<u64>),
    ) -> Result<(), TransportError> {
        let resp = self
            .stream_http
            .get(Self::url(base, "/v1/poke"))
            .bearer_auth(token)
            .header("accept", "text/event-stream")
            .send()
            .await
            .map_err(from_reqwest)?;
        if !resp.status().is_success() {
            return Self::answer::<serde_json::Value>(resp).await.map(|_| ());
        }
        // Pokes sent while the stream was down are lost: catch up with one pull on (re)connect.
        on_poke(None);
        let mut parser = SseParser::default();
        let mut body = resp.bytes_stream();
        loop {
            // The server sends a keep-alive comment every 15 s; silence for longer means the
            // connection is dead without having been closed, so it is opened again.
            let next = tokio::time::timeout(POKE_SILENCE, body.next())
                .await
                .map_err(|_| TransportError::Timeout)?;
            let Some(chunk) = next else {
                break;
            };
            let chunk = chunk.map_err(from_reqwest)?;
            for event in parser.feed(&chunk) {
                if event.event == "poke" {
                    let head = serde_json::from_str::<serde_json::Value>(&event.data)
                        .ok()
                        .and_then(|v| v.get("head").and_then(serde_json::Value::as_u64));
                    on_poke(head);
                }
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    pub event: String,
    pub data: String,
}

/// Server-sent events, as the HTML standard frames them: lines, a blank line ends an event,
/// `:` starts a comment (keep-alive), `data:` lines join with newlines.
#[derive(Debug, Default)]
pub struct SseParser {
    buf: Vec<u8>,
    event: String,
    data: Vec<String>,
}

impl SseParser {
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        self.buf.extend_from_slice(bytes);
        let mut out = Vec::new();
        while let Some(pos) = self.buf.iter().position(|b| *b == b'\n') {
            let mut line: Vec<u8> = self.buf.drain(..=pos).collect();
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            let line = String::from_utf8_lossy(&line).into_owned();
            if line.is_empty() {
                if !self.data.is_empty() || !self.event.is_empty() {
                    let event = if self.event.is_empty() {
                        "message".to_owned()
                    } else {
                        std::mem::take(&mut self.event)
                    };
                    out.push(SseEvent {
                        event,
                        data: self.data.join("\n"),
                    });
                }
                self.event.clear();
                self.data.clear();
                continue;
            }
            if line.starts_with(':') {
                continue;
            }
            let (field, value) = match line.split_once(':') {
                Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
                None => (line.as_str(), ""),
            };
            match field {
                "event" => self.event = value.to_owned(),
                "data" => self.data.push(value.to_owned()),
                _ => {}
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sse_events_across_chunks_with_comments_and_crlf() {
        let mut p = SseParser::default();
        assert!(p.feed(b": keep-alive\n\nevent: po").is_empty());
        let got = p.feed(b"ke\r\ndata: {\"head\":42}\r\n\r\ndata: a\ndata: b\n\n");
        assert_eq!(
            got,
            vec![
                SseEvent {
                    event: "poke".into(),
                    data: "{\"head\":42}".into()
                },
                SseEvent {
                    event: "message".into(),
                    data: "a\nb".into()
                },
            ]
        );
    }

    #[test]
    fn plain_http_is_refused_unless_the_server_is_this_computer_or_the_machine_allows_it() {
        let url = |u: &str| Url::parse(u).unwrap();
        for local in [
            "http://127.0.0.1:8640",
            "http://127.4.5.6",
            "http://[::1]:8640/",
            "http://localhost:8640",
            "http://LOCALHOST.",
            "https://desk.moray.example",
            "https://10.1.2.3",
        ] {
            assert!(check_not_in_clear(&url(local), false).is_ok(), "{local}");
        }
        for remote in [
            "http://desk.moray.example",
            "http://10.1.2.3:8640",
            "http://192.168.0.9",
            "http://[fe80::1]",
            "http://localhost.moray.example",
            "http://128.0.0.1",
        ] {
            let e = check_not_in_clear(&url(remote), false).unwrap_err();
            assert_eq!(e.code(), "plain_http_refused", "{remote}");
            assert!(e.to_string().contains("https://"), "{e}");
            assert!(check_not_in_clear(&url(remote), true).is_ok(), "allowed: {remote}");
        }
        // This process has no machine-wide allowance, so the typed address is refused.
        assert!(!MachineNetwork::current().allow_plain_http);
        assert_eq!(
            parse_server_url("http://desk.moray.example").unwrap_err().code(),
            "plain_http_refused"
        );
    }

    #[test]
    fn server_urls_are_checked() {
        assert!(parse_server_url("http://127.0.0.1:8640").is_ok());
        assert!(parse_server_url("https://desk.moray.example/").is_ok());
        for bad in [
            "",
            "ftp://x",
            "127.0.0.1:8640",
            "http://",
            "https://x/?a=1",
            "javascript:alert(1)",
        ] {
            assert_eq!(parse_server_url(bad).unwrap_err().code(), "invalid_input", "{bad}");
        }
    }

    #[test]
    fn transient_and_permanent_failures_are_told_apart() {
        let http = |status: u16| TransportError::Http {
            status,
            body: ErrorBody {
                code: "x".into(),
                message: "y".into(),
            },
        };
        assert!(TransportError::Timeout.is_transient());
        assert!(TransportError::Unreachable("refused".into()).is_transient());
        for s in [500, 502, 503, 429, 408] {
            assert!(http(s).is_transient(), "{s}");
        }
        for s in [400, 401, 403, 404, 409, 413, 422] {
            assert!(!http(s).is_transient(), "{s}");
        }
        assert_eq!(DeskError::from(http(401)).code(), "not_signed_in");
        assert_eq!(
            DeskError::from(http(409)).code(),
            "x",
            "a server refusal keeps the server's code"
        );
        assert_eq!(DeskError::from(http(503)).code(), "server_error");
        assert_eq!(DeskError::from(TransportError::Timeout).code(), "offline");
    }
}
