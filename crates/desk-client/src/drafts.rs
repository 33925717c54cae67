//! Forms half filled in, kept across the idle lock: the window saves a form's fields as it is
//! filled, and after the unlock gets them back, so a booking begun before the desk locked
//! itself is not lost. They live in the staff member's own encrypted store (`form_drafts`,
//! client migration 0018), are cleared when the form is submitted, and all go when the staff
//! member signs out. A draft is only what the member of staff typed or chose (search words,
//! a customer's id, the channel); no card number is ever a field of a desk form.

use rusqlite::{OptionalExtension, params};

use crate::{Desk, DeskError};

/// The longest draft kept: a form's fields, not a document.
pub const MAX_DRAFT: usize = 8 * 1024;

/// A form's name: `book:42`, letters, digits, `:`, `-` and `_`, at most 64 characters.
fn check_form(form: &str) -> Result<(), DeskError> {
    let ok = !form.is_empty()
        && form.len() <= 64
        && form
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(DeskError::invalid(format!(
            "A form's name is 1 to 64 letters, digits, colons, hyphens or underscores, not {form:?}."
        )))
    }
}

impl Desk {
    /// Keeps `data` (a JSON object of the form's fields) as the draft of `form`, replacing any.
    pub async fn save_draft(&self, form: &str, data: &str) -> Result<(), DeskError> {
        check_form(form)?;
        if data.len() > MAX_DRAFT {
            return Err(DeskError::invalid(format!(
                "A form's draft must be at most {MAX_DRAFT} bytes (it has {}).",
                data.len()
            )));
        }
        if !serde_json::from_str::<serde_json::Value>(data).is_ok_and(|v| v.is_object()) {
            return Err(DeskError::invalid(
                "A form's draft must be a JSON object of its fields.",
            ));
        }
        let (form, data) = (form.to_owned(), data.to_owned());
        self.db(move |conn| {
            conn.execute(
                "INSERT INTO form_drafts (form, data, saved_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (form) DO UPDATE SET data = excluded.data, saved_at = excluded.saved_at",
                params![form, data, chrono::Utc::now().to_rfc3339()],
            )?;
            Ok(())
        })
        .await
    }

    /// The draft of `form`, if one is kept.
    pub async fn draft(&self, form: &str) -> Result<Option<String>, DeskError> {
        check_form(form)?;
        let form = form.to_owned();
        self.db(move |conn| {
            Ok(conn
                .query_row("SELECT data FROM form_drafts WHERE form = ?1", [form], |r| r.get(0))
                .optional()?)
        })
        .await
    }

    /// Forgets the draft of `form` (it was submitted, or abandoned).
    pub async fn clear_draft(&self, form: &str) -> Result<(), DeskError> {
        check_form(form)?;
        let form = form.to_owned();
        self.db(move |conn| {
            conn.execute("DELETE FROM form_drafts WHERE form = ?1", [form])?;
            Ok(())
        })
        .await
    }
}
