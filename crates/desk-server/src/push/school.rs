//! The school rules' reads in the push transaction, by the tables' descriptions.

use chrono::NaiveDate;
use desk_domain::{Bucket, Contact, Pupil, school, table};
use desk_store::Cond;
use desk_store::rows::Cell;
use uuid::Uuid;

use super::Facts;
use crate::error::StoreError;
use crate::records;

impl school::Facts for Facts<'_> {
    fn pupil(&mut self, id: i64) -> Result<Option<Pupil>, StoreError> {
        records::get(self.tx, table::PUPILS, &id.to_string())
    }
    fn contact(&mut self, id: i64) -> Result<Option<Contact>, StoreError> {
        records::get(self.tx, table::CONTACTS, &id.to_string())
    }
    fn attendance_code(&mut self, school_id: i64, code: &str) -> Result<Option<school::AttendanceCode>, StoreError> {
        records::get(
            self.tx,
            table::ATTENDANCE_CODES,
            &school::AttendanceCode::key(school_id, code),
        )
    }
    fn school_year(&mut self, school_id: i64, date: NaiveDate) -> Result<Option<school::SchoolYear>, StoreError> {
        records::get(self.tx, table::SCHOOL_YEARS, &school::SchoolYear::key(school_id, date))
    }
    fn school_days(
        &mut self,
        school_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<school::SchoolDay>, StoreError> {
        let before = from.pred_opt().unwrap_or(from);
        records::select(
            self.tx,
            table::SCHOOL_DAYS,
            &[
                Cond::Eq("school_id", Cell::Int(school_id)),
                Cond::Gt("date", Cell::Date(before)),
                Cond::Le("date", Cell::Date(to)),
            ],
        )
    }
    fn absence(&mut self, id: Uuid) -> Result<Option<school::Absence>, StoreError> {
        records::get(self.tx, table::ABSENCES, &id.to_string())
    }
    fn absences_of(&mut self, pupil_id: i64) -> Result<Vec<school::Absence>, StoreError> {
        records::select(self.tx, table::ABSENCES, &[Cond::Eq("pupil_id", Cell::Int(pupil_id))])
    }
    fn attempts_on(&mut self, pupil_id: i64, date: NaiveDate) -> Result<Vec<school::ContactAttempt>, StoreError> {
        records::select(
            self.tx,
            table::CONTACT_ATTEMPTS,
            &[
                Cond::Eq("pupil_id", Cell::Int(pupil_id)),
                Cond::Eq("date", Cell::Date(date)),
            ],
        )
    }
    fn id_taken(&mut self, id: Uuid) -> Result<bool, StoreError> {
        let key = id.to_string();
        Ok(self.tx.get_record(table::CONTACT_ATTEMPTS, &key)?.is_some()
            || self.tx.get_record(table::ESCALATIONS, &key)?.is_some())
    }
    fn rules(&mut self, school_id: i64) -> Result<school::SchoolRules, StoreError> {
        let settings = records::get(self.tx, table::SCHOOL_SETTINGS, &school_id.to_string())?;
        Ok(school::SchoolSettings::rules_of(settings))
    }
    fn may_supervise(&self, bucket: &Bucket) -> bool {
        self.caller.supervises.contains(bucket)
    }
}
