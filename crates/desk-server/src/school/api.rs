//! The school office's one HTTP route: a school's MIS (a machine client signed in as a staff
//! account) sends its register, the same file `desk-server import-register` reads.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use desk_domain::{Bucket, ErrorBody, Role};
use serde::Serialize;

use super::{SchoolImportError, import_register_within};
use crate::api::{ApiError, AppState, Authed, blocking};

/// What a register import changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RegisterImported {
    /// Pupils marked absent at registration.
    pub absent: usize,
    /// Earlier marks the register no longer holds, now cleared.
    pub cleared: usize,
}

/// The register CSV (`school_id,pupil_ref,date,opening`) as the body. The account must work at
/// every school the file names (a school-office account at that school), or be an
/// administrator. All or nothing: a bad file stores nothing and every bad row is in the message.
#[utoipa::path(post, path = "/v1/school/register",
    request_body(content = String, content_type = "text/csv", description = "The register file"),
    security(("bearer" = [])),
    responses(
        (status = 200, body = RegisterImported),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "out_of_scope: an account at no school, or a school outside the account's sites"),
        (status = 422, body = ErrorBody, description = "bad_rows: each bad row as `line N: …`, one a line; nothing was stored"),
    ))]
pub(crate) async fn register(
    State(state): State<AppState>,
    authed: Authed,
    body: Bytes,
) -> Result<Json<RegisterImported>, ApiError> {
    let store = state.store.clone();
    let scope: Option<Vec<Bucket>> = if authed.staff.roles.contains(&Role::Administrator) {
        None
    } else {
        Some(authed.staff.buckets())
    };
    // An account that works at no school may send no register, whatever the file says: refused
    // before the file is read, so nothing about it is parsed for a caller who could never import.
    if scope
        .as_ref()
        .is_some_and(|b| !b.iter().any(|b| matches!(b, Bucket::School(_))))
    {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "out_of_scope",
            "This account works at no school; only a school's own account may send its register.",
        ));
    }
    blocking(
        move || match import_register_within(&*store, &body, Utc::now(), scope.as_deref()) {
            Ok(s) => Ok(Json(RegisterImported {
                absent: s.absent,
                cleared: s.cleared,
            })),
            Err(SchoolImportError::Rows(rows)) => Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_rows",
                rows.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"),
            )),
            Err(SchoolImportError::OutOfScope(school)) => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "out_of_scope",
                format!("School {school} is outside this account's sites; nothing was imported."),
            )),
            Err(SchoolImportError::Store(e)) => Err(e.into()),
        },
    )
    .await
}
