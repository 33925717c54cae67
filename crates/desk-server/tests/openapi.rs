//! `/v1/openapi.json` says what the server does: read from a live server and checked against
//! what the same server answers.

mod common;

use common::*;
use desk_domain::{Alternative, ErrorBody, PushRequest, SignInResponse};
use desk_server::openapi::{BODY_ANSWERS, TOKEN_ANSWERS};
use desk_server::{Lockout, TokenLifetimes};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

async fn start() -> Running {
    Running::start("sqlite", TokenLifetimes::default(), Lockout::default()).await
}

async fn signed_in(r: &Running) -> (String, Uuid) {
    let caller = leisure_caller(&*r.store, "desk.a", CENTRE_A);
    let res = r
        .http
        .post(r.url("/v1/session"))
        .json(&json!({"username": "desk.a", "password": PASSWORD, "device_id": caller.device_id}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    (
        res.json::<SignInResponse>().await.unwrap().access_token,
        caller.device_id,
    )
}

/// Every POST operation, and whether it needs a bearer token.
const POSTS: [(&str, bool); 4] = [
    ("/v1/session", false),
    ("/v1/session/refresh", false),
    ("/v1/push", true),
    ("/v1/audit", true),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_says_what_the_server_answers() {
    let r = start().await;
    let doc = r.get_json("/v1/openapi.json").await;
    let paths = &doc["paths"];

    // Pull's parameters are optional query parameters.
    let params = paths["/v1/pull"]["get"]["parameters"].as_array().unwrap();
    let mut names: Vec<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["ack_seq", "cursor", "limit"]);
    for p in params {
        assert_eq!(p["in"], "query", "{p}");
        assert_ne!(p["required"], true, "{p}");
    }

    // Every POST documents the answers any JSON body can get, as {code, message}.
    let (token, device) = signed_in(&r).await;
    for (path, authed) in POSTS {
        let op = &paths[path]["post"];
        for (status, code, _) in BODY_ANSWERS {
            let answer = &op["responses"][status];
            assert!(
                answer["description"].as_str().unwrap().contains(code),
                "POST {path} {status} names {code}"
            );
            assert_eq!(
                answer["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ErrorBody",
                "POST {path} {status}"
            );
        }
        if authed {
            for (status, code, _) in TOKEN_ANSWERS {
                let description = op["responses"][status]["description"].as_str().unwrap();
                assert!(description.contains(code), "POST {path} {status} names {code}");
            }
        }
        // …and answers them.
        let post = || {
            let req = r.http.post(r.url(path));
            if authed { req.bearer_auth(&token) } else { req }
        };
        let cases = [
            (post().header("content-type", "application/json").body("{\"a\":"), "400"),
            (post().body("{}"), "415"),
            (post().json(&json!({"unexpected": 1})), "422"),
            (post().json(&json!({"padding": "x".repeat(1024 * 1024 + 1)})), "413"),
        ];
        for (req, status) in cases {
            let res = req.send().await.unwrap();
            assert_eq!(res.status().as_str(), status, "POST {path}");
            let body: ErrorBody = res.json().await.unwrap();
            let (_, code, _) = BODY_ANSWERS.iter().find(|(s, _, _)| *s == status).unwrap();
            assert_eq!(&body.code, code, "POST {path} {status}");
        }
    }
    let _ = device;

    // A locked account is documented on sign-in.
    assert!(
        paths["/v1/session"]["post"]["responses"]["423"]["description"]
            .as_str()
            .unwrap()
            .contains("account_locked")
    );

    // Signing out takes an optional body (the bearer token alone names the sign-in).
    let delete = &paths["/v1/session"]["delete"];
    assert_ne!(delete["requestBody"]["required"], true, "{delete}");
    let res = r
        .http
        .delete(r.url("/v1/session"))
        .bearer_auth(&token)
        .body("x".repeat(1024 * 1024 + 1))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(res.json::<ErrorBody>().await.unwrap().code, "body_too_large");
    assert!(delete["responses"]["413"].is_object(), "documented");
    let res = r
        .http
        .delete(r.url("/v1/session"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT, "no body at all is accepted");

    r.server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alternatives_start_is_the_local_time_the_document_describes() {
    let r = start().await;
    let doc = r.get_json("/v1/openapi.json").await;
    let variants = doc["components"]["schemas"]["Alternative"]["oneOf"].as_array().unwrap();
    let book = variants
        .iter()
        .find(|v| v["properties"]["kind"]["enum"][0] == "book_session")
        .expect("book_session variant");
    let starts_at = &book["properties"]["starts_at"];
    assert_eq!(starts_at["type"], "string");
    assert_ne!(
        starts_at["format"], "date-time",
        "an RFC 3339 date-time carries an offset"
    );
    let pattern = regex::Regex::new(starts_at["pattern"].as_str().expect("a pattern")).unwrap();
    for at in [tomorrow_at(18), tomorrow_at(9) + chrono::Duration::milliseconds(1_250)] {
        let sent = serde_json::to_value(Alternative::BookSession {
            session_id: 1,
            starts_at: at,
            activity_name: "Swim".into(),
            spaces: 1,
        })
        .unwrap();
        let text = sent["starts_at"].as_str().unwrap();
        assert!(pattern.is_match(text), "{text} matches {pattern}");
    }
    for offset in ["2026-03-02T18:00:00Z", "2026-03-02T18:00:00+01:00", "2026-03-02"] {
        assert!(!pattern.is_match(offset), "{offset} is not a local date-time");
    }
    r.server.stop().await;
}

/// Integral numbers are integers (`3.0` is 3, as JSON Schema counts them); fractions are not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn integer_fields_take_integral_numbers_and_refuse_fractions() {
    let r = start().await;
    let doc = r.get_json("/v1/openapi.json").await;
    assert!(doc["info"]["description"].as_str().unwrap().contains("`3.0`"));
    let (token, device) = signed_in(&r).await;
    let push = |body: Value| r.http.post(r.url("/v1/push")).bearer_auth(&token).json(&body).send();
    let with = |seq: Value, session: Value| {
        let mut req = serde_json::to_value(PushRequest {
            device_id: device,
            mutations: vec![envelope(device, 1, &book(SESSION_FULLABLE, 1))],
        })
        .unwrap();
        req["mutations"][0]["seq"] = seq;
        req["mutations"][0]["args"]["session_id"] = session;
        req
    };

    for (seq, session) in [(json!(1.5), json!(SESSION_FULLABLE)), (json!(1), json!(100.5))] {
        let res = push(with(seq.clone(), session.clone())).await.unwrap();
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        if seq.is_f64() {
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "seq {seq}");
            assert_eq!(body["code"], "invalid_body");
        } else {
            // A fraction in args is the command's business: a stored rejection, not a 4xx.
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body["receipts"][0]["outcome"]["status"], "rejected", "{body}");
        }
    }
    let res = push(with(json!(2.0), json!(SESSION_FULLABLE as f64))).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["receipts"][0]["seq"], 2, "{body}");
    assert_eq!(body["receipts"][0]["outcome"]["status"], "applied", "{body}");
    assert_eq!(r.store.count("bookings").unwrap(), 1);
    r.server.stop().await;
}

/// Every request body is a JSON object, as the document says: serde would also read a struct
/// from an array of its fields, and the server does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_are_objects_not_arrays_of_fields() {
    let r = start().await;
    let (token, device) = signed_in(&r).await;
    let sign_in = json!(["desk.a", PASSWORD, device]);
    let res = r.http.post(r.url("/v1/session")).json(&sign_in).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json::<ErrorBody>().await.unwrap().code, "invalid_body");
    for body in ["[\"\"]", "\"x\"", "3"] {
        let res = r
            .http
            .delete(r.url("/v1/session"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
    // null is no body: the bearer token names the sign-in.
    let res = r
        .http
        .delete(r.url("/v1/session"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("null")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    r.server.stop().await;
}
