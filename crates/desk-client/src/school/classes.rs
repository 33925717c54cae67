//! The class lists: per class of the school, each pupil's attendance year to date with the
//! school's threshold flag, from the domain's one figure function (`days::school_figures`).

use chrono::NaiveDate;
use rusqlite::TransactionBehavior;

use super::views::{ClassList, ClassLists, ClassPupil};
use super::{SchoolOffice, days, office, reads};
use crate::desk::check_id;
use crate::{DeskError, audit};

impl SchoolOffice<'_> {
    /// Every class of the school with its pupils' attendance from the first day of the school
    /// year to `date` (default today), by class then surname. Empty classes when the desk holds
    /// no school year for the date. Each pupil listed is audited as viewed.
    pub async fn class_lists(&self, school_id: i64, date: Option<NaiveDate>) -> Result<ClassLists, DeskError> {
        check_id("The school id", school_id)?;
        let date = date.unwrap_or_else(office::today);
        self.desk
            .db(move |conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let school = reads::school(&tx, school_id)?
                    .ok_or_else(|| DeskError::NotFound(format!("School {school_id} is not on this desk.")))?;
                let Some(year) = reads::school_year(&tx, school_id, date)? else {
                    return Ok(ClassLists {
                        school_id,
                        school_name: school.name,
                        year_label: None,
                        from: None,
                        to: date,
                        classes: Vec::new(),
                    });
                };
                let to = date.min(year.last_day);
                let figures = days::school_figures(&tx, school_id, year.first_day, to)?;
                let mut pupils = reads::pupils_of_school(&tx, school_id)?;
                pupils.sort_by(|a, b| {
                    (&a.class, &a.last_name, &a.first_name, a.id).cmp(&(&b.class, &b.last_name, &b.first_name, b.id))
                });
                let mut classes: Vec<ClassList> = Vec::new();
                for p in pupils {
                    let Some(f) = figures.iter().find(|f| f.pupil_id == p.id) else {
                        continue;
                    };
                    audit::viewed_pupil(&tx, p.id, "class list")?;
                    let row = ClassPupil {
                        pupil_id: p.id,
                        name: format!("{} {}", p.first_name, p.last_name),
                        attendance_percent: f.attendance_percent,
                        flag: f.flag,
                    };
                    match classes.last_mut() {
                        Some(c) if c.class == p.class => c.pupils.push(row),
                        _ => classes.push(ClassList {
                            class: p.class,
                            pupils: vec![row],
                        }),
                    }
                }
                tx.commit()?;
                Ok(ClassLists {
                    school_id,
                    school_name: school.name,
                    year_label: Some(year.label),
                    from: Some(year.first_day),
                    to,
                    classes,
                })
            })
            .await
    }
}
