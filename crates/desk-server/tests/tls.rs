//! Never in clear: a desk signs in and syncs with the server over TLS, the server terminating it
//! itself with a certificate from a certificate authority this test makes, and serving a renewed
//! certificate without a restart; a desk refuses plain HTTP to a server that is not this
//! computer.
//!
//! One test per file: the desk's machine-wide network setting (which authorities it trusts) is
//! fixed once per process.

mod common;

use std::path::Path;
use std::time::Duration;

use common::*;
use desk_client::transport::MachineNetwork;
use desk_client::{Desk, DeskConfig};
use desk_server::Server;
use desk_server::tls::{RELOAD_CHECK, TlsFiles};
use rcgen::{BasicConstraints, Certificate, CertificateParams, DnType, IsCa, KeyPair};

struct Authority {
    cert: Certificate,
    key: KeyPair,
}

fn authority() -> Authority {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, "Test Council CA");
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    Authority { cert, key }
}

/// Writes a server certificate for localhost and 127.0.0.1, signed by `ca`, named `name`; returns
/// its DER.
fn issue(ca: &Authority, name: &str, files: &TlsFiles) -> Vec<u8> {
    let mut params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, &ca.cert, &ca.key).unwrap();
    std::fs::write(&files.key, key.serialize_pem()).unwrap();
    std::fs::write(&files.cert, cert.pem()).unwrap();
    cert.der().to_vec()
}

/// The certificate the server presents now, as DER.
async fn presented(client: &reqwest::Client, url: &str) -> Vec<u8> {
    let res = client.get(format!("{url}/v1/capabilities")).send().await.unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    let info = res.extensions().get::<reqwest::tls::TlsInfo>().expect("TLS info");
    info.peer_certificate().expect("a certificate").to_vec()
}

async fn open_desk(dir: &Path, server_url: &str) -> Result<Desk, desk_client::DeskError> {
    Desk::open(DeskConfig {
        data_dir: dir.to_path_buf(),
        server_url: server_url.to_owned(),
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_syncs_over_tls_and_never_in_clear() {
    let tmp = tempfile::tempdir().unwrap();
    let ca = authority();
    let ca_file = tmp.path().join("ca.pem");
    std::fs::write(&ca_file, ca.cert.pem()).unwrap();
    MachineNetwork {
        allow_plain_http: false,
        extra_ca_file: Some(ca_file.clone()),
    }
    .install()
    .expect("the first to fix this process's setting");

    let files = TlsFiles {
        cert: tmp.path().join("server.pem"),
        key: tmp.path().join("server.key"),
    };
    let first = issue(&ca, "desk server 1", &files);
    let (_db, store) = world_store("sqlite");
    leisure_caller(&*store, "desk.a", CENTRE_A);
    let server = Server::start_tls(store.clone(), "127.0.0.1:0".parse().unwrap(), &files)
        .await
        .unwrap();
    let url = format!("https://localhost:{}", server.addr.port());

    // The desk trusts the council's authority and signs in and syncs over TLS.
    let desk = open_desk(&tmp.path().join("desk"), &url).await.unwrap();
    desk.sign_in("desk.a", desk_testkit::PASSWORD)
        .await
        .expect("sign in over TLS");
    let report = desk.sync_now().await.expect("sync over TLS");
    assert!(report.pulled_rows > 0, "{report:?}");

    // Plain HTTP to the TLS port gets no answer.
    let plain = reqwest::Client::new();
    assert!(
        plain
            .get(format!("http://127.0.0.1:{}/v1/capabilities", server.addr.port()))
            .send()
            .await
            .is_err()
    );

    // A client without the authority refuses the certificate.
    let stranger = reqwest::Client::new();
    let refused = stranger.get(format!("{url}/v1/capabilities")).send().await.unwrap_err();
    assert!(refused.is_connect(), "{refused:?}");

    // A renewed certificate is served without a restart.
    // Without session resumption, so every handshake shows the certificate served now.
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca.cert.der().clone()).unwrap();
    let mut tls =
        rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
    tls.resumption = rustls::client::Resumption::disabled();
    let client = reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .tls_info(true)
        // A new connection, so a new handshake, for every request.
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    assert_eq!(presented(&client, &url).await, first);
    tokio::time::sleep(RELOAD_CHECK).await;
    let second = issue(&ca, "desk server 2", &files);
    assert_ne!(first, second);
    tokio::time::sleep(RELOAD_CHECK + Duration::from_millis(100)).await;
    assert_eq!(presented(&client, &url).await, second, "the renewed certificate");
    // A broken renewal keeps the last good certificate.
    std::fs::write(&files.key, "not a key").unwrap();
    tokio::time::sleep(RELOAD_CHECK + Duration::from_millis(100)).await;
    assert_eq!(presented(&client, &url).await, second, "still the last good one");
    desk.sync_now().await.expect("the desk still syncs");

    // Plain HTTP to a server that is not this computer is refused before anything is sent.
    let Err(refused) = open_desk(&tmp.path().join("desk2"), "http://desk.moray.example:8640").await else {
        panic!("a desk opened on plain HTTP to another computer");
    };
    assert_eq!(refused.code(), "plain_http_refused");
    assert!(refused.to_string().contains("https://"), "{refused}");
    let refused = desk.set_server_url("http://10.20.30.40:8640").await.unwrap_err();
    assert_eq!(refused.code(), "plain_http_refused");
    assert_eq!(
        desk.server_url().trim_end_matches('/'),
        url,
        "the address in use is kept"
    );
    desk.set_server_url("http://127.0.0.1:8640")
        .await
        .expect("this computer may use http");

    server.stop().await;
}
