//! The school office's facade over the shared core: pupil search, the pupil page, and (with the
//! school service's commands) absences, the unexplained-absence worklist and attendance. Every
//! view of a pupil or a contact is written to the audit log in the transaction that reads it,
//! as the leisure facade does for customers.

mod classes;
mod days;
mod office;
pub mod phonetic;
pub(crate) mod reads;
pub mod search;
pub mod views;

use rusqlite::TransactionBehavior;

use crate::desk::{MAX_TEXT, check_id, check_limit, check_text};
use crate::{Desk, DeskError, audit};
use views::{ContactView, PupilPage, PupilView};

/// How many of the latest views of a pupil the pupil page lists.
pub const VIEWINGS_SHOWN: u32 = 20;

/// The school service of a [`Desk`]: `desk.school().search_pupils(…)`.
#[derive(Clone, Copy)]
pub struct SchoolOffice<'d> {
    desk: &'d Desk,
}

impl Desk {
    pub fn school(&self) -> SchoolOffice<'_> {
        SchoolOffice { desk: self }
    }
}

impl SchoolOffice<'_> {
    /// Pupils whose names or class start with the words typed (accents, apostrophes and spaces
    /// ignored), then pupils whose names sound like them, marked `sounds_like`. Each pupil
    /// listed is audited as viewed.
    pub async fn search_pupils(&self, text: &str, limit: u32) -> Result<Vec<PupilView>, DeskError> {
        check_text("The search text", text, MAX_TEXT, false)?;
        check_limit(limit, 100)?;
        let text = text.to_owned();
        self.desk
            .db(move |conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let found = search::search(&tx, &text, limit)?;
                for p in &found {
                    audit::viewed_pupil(&tx, p.id, "pupil search result")?;
                }
                tx.commit()?;
                Ok(found)
            })
            .await
    }

    /// The pupil page: the pupil, their school, their contacts in calling order and the latest
    /// views of the record (this one included). The pupil and each contact shown are audited.
    pub async fn pupil_page(&self, pupil_id: i64) -> Result<PupilPage, DeskError> {
        check_id("The pupil id", pupil_id)?;
        let me = self.desk.staff_profile().await?;
        self.desk
            .db(move |conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let pupil = reads::pupil(&tx, pupil_id)?
                    .ok_or_else(|| DeskError::NotFound(format!("Pupil {pupil_id} is not on this desk.")))?;
                let school_name = reads::school(&tx, pupil.school_id)?.map(|s| s.name);
                let contacts: Vec<ContactView> = reads::contacts_of(&tx, pupil_id)?
                    .into_iter()
                    .map(ContactView::from)
                    .collect();
                let ids: Vec<i64> = contacts.iter().map(|c| c.id).collect();
                audit::viewed_pupil_with_contacts(&tx, pupil_id, "pupil page", &ids)?;
                let (absences, attendance) = days::pupil_year(&tx, &pupil)?;
                let mut viewed = reads::viewings(&tx, pupil_id, VIEWINGS_SHOWN)?;
                for v in &mut viewed {
                    if let Some(me) = me.as_ref().filter(|me| Some(me.id) == v.staff_id) {
                        v.staff_name = Some(me.display_name.clone());
                    }
                }
                tx.commit()?;
                Ok(PupilPage {
                    pupil: PupilView::of(pupil, false),
                    school_name,
                    contacts,
                    viewed,
                    absences,
                    attendance,
                })
            })
            .await
    }
}
