//! An account as the rules read it, from its synced record: the one mapping the server, the
//! desk and any test world share, so the identity check compares the same held values
//! everywhere.

use chrono::NaiveDate;

use super::AccountFacts;
use super::identity::Held;
use crate::CtAccount;
use crate::values::Pence;

impl AccountFacts {
    /// The rules' view of `account`. An account loaded before liability starts were kept has
    /// none: the earliest date stands in, so only the other date rules apply to it.
    pub fn of(account: CtAccount) -> AccountFacts {
        let held = Held {
            dates_of_birth: account.liable.iter().map(|p| p.date_of_birth).collect(),
            postcode: account.postcode.clone(),
            last_instalment: account.last_instalment_pence.map(Pence),
            bank_last_four: account.bank_last_four.clone(),
            phone: account.phone.clone(),
        };
        AccountFacts {
            liability_start: account.liability_start.unwrap_or(NaiveDate::MIN),
            held,
            account,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::council_tax::identity::{Answer, Item, check};
    use crate::{CouncilTaxBand, LiablePerson};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn account() -> CtAccount {
        CtAccount {
            id: 4,
            reference: "MC00100004".parse().unwrap(),
            office_id: 2,
            band: CouncilTaxBand::B,
            address: "3 Tolbooth Street, Forres".into(),
            postcode: "IV36 1PH".into(),
            uprn: "990000000057".parse().unwrap(),
            liable: vec![
                LiablePerson {
                    name: "Catrìona Rose".into(),
                    date_of_birth: d(1970, 3, 14),
                },
                LiablePerson {
                    name: "Euan Rose".into(),
                    date_of_birth: d(1968, 11, 2),
                },
            ],
            phone: Some("07700 900417".into()),
            email: None,
            single_person_discount: false,
            direct_debit: true,
            paperless: false,
            liability_start: Some(d(2012, 8, 1)),
            last_instalment_pence: Some(12_345),
            bank_last_four: Some("7781".into()),
        }
    }

    fn answer(item: Item, typed: &str) -> Answer {
        Answer {
            item,
            typed: typed.into(),
        }
    }

    #[test]
    fn every_item_the_account_holds_is_compared_with_its_record() {
        let facts = AccountFacts::of(account());
        assert_eq!(facts.liability_start, d(2012, 8, 1));
        // Either liable person's date of birth; the bank's last four; the instalment in pounds.
        let (passed, _) = check(
            &[
                answer(Item::DateOfBirth, "02/11/1968"),
                answer(Item::BankLastFour, "7781"),
            ],
            &facts.held,
        )
        .unwrap();
        assert!(passed);
        let (passed, _) = check(
            &[
                answer(Item::LastInstalment, "123.45"),
                answer(Item::Phone, "+44 7700 900417"),
            ],
            &facts.held,
        )
        .unwrap();
        assert!(passed);
        let (passed, _) = check(
            &[answer(Item::Postcode, "iv361ph"), answer(Item::BankLastFour, "7782")],
            &facts.held,
        )
        .unwrap();
        assert!(!passed);
    }

    #[test]
    fn an_account_holding_no_bank_or_liability_start_offers_no_such_item() {
        let mut a = account();
        a.bank_last_four = None;
        a.last_instalment_pence = None;
        a.liability_start = None;
        let facts = AccountFacts::of(a);
        assert_eq!(facts.liability_start, NaiveDate::MIN);
        assert!(!facts.held.holds(Item::BankLastFour));
        assert!(!facts.held.holds(Item::LastInstalment));
        assert!(facts.held.holds(Item::DateOfBirth));
    }
}
