//! Dates as a link worker types them, read the practice's way whatever the computer's
//! locale: day/month/year in the UK, month/day/year in the US, and ISO `yyyy-mm-dd`
//! everywhere. A date that could be read another way, or that does not exist, is an
//! error with the reason; it is never guessed.
//!
//! This is the one place dates are read. The UI only shows what it was told: the
//! pattern for the label, and the date understood, in words, beside the field.

use chrono::NaiveDate;

use crate::practice::Country;
use crate::validation::EARLIEST_DATE;

/// The latest a planned date may be: ten years from today, so a slip in the year is
/// caught. The record's own validation uses the same bound.
pub fn latest_planned(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_months(chrono::Months::new(12 * YEARS_AHEAD))
        .unwrap_or(NaiveDate::MAX)
}

/// What the date is for, which decides the range it may fall in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateUse {
    /// A date of birth: not in the future, not before 1900.
    Birth,
    /// Something that has happened (a conversation, a referral received, a measure
    /// taken): not after today, not before 1900.
    Past,
    /// A day planned or reviewed (a check-in, a target date, a report's period): from
    /// 1900 to ten years ahead.
    Any,
}

crate::string_enum!(DateUse {
    Birth => "birth",
    Past => "past",
    Any => "any",
});

/// How far ahead a planned date may be.
const YEARS_AHEAD: u32 = 10;

/// Why a typed date was not accepted, in words for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DateError(pub String);

impl Country {
    /// The pattern dates are typed in, for a field's label: "dd/mm/yyyy".
    pub fn date_pattern(self) -> &'static str {
        match self {
            Country::Uk => "dd/mm/yyyy",
            Country::Us => "mm/dd/yyyy",
        }
    }

    /// A date written the way it is typed: "02/06/1979" (UK), "06/02/1979" (US).
    pub fn short_date(self, date: NaiveDate) -> String {
        match self {
            Country::Uk => date.format("%d/%m/%Y").to_string(),
            Country::Us => date.format("%m/%d/%Y").to_string(),
        }
    }

    /// Whether the day comes before the month in a typed date.
    fn day_first(self) -> bool {
        matches!(self, Country::Uk)
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Reads a typed date the practice's way and checks it falls where `use_` allows.
pub fn read_date(
    text: &str,
    country: Country,
    use_: DateUse,
    today: NaiveDate,
) -> Result<NaiveDate, DateError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DateError("Enter a date.".into()));
    }
    let date = parse(text, country)?;
    check_range(date, use_, country, today)?;
    Ok(date)
}

/// A piece of a typed date: digits (with how many were typed) or a month's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Number(u32, usize),
    Month(u32),
}

fn parse(text: &str, country: Country) -> Result<NaiveDate, DateError> {
    let parts = split(text)?;
    let pattern = country.date_pattern();
    let (year, month, day) = match parts.as_slice() {
        // Year first is only ever year, month, day (ISO 8601).
        [Part::Number(y, 4), Part::Number(m, _), Part::Number(d, _)] => {
            (year_of(*y, 4, pattern)?, *m, *d)
        }
        // A month named: unambiguous in either order.
        [Part::Number(d, 1..=2), Part::Month(m), Part::Number(y, digits)]
        | [Part::Month(m), Part::Number(d, 1..=2), Part::Number(y, digits)] => {
            (year_of(*y, *digits, pattern)?, *m, *d)
        }
        [Part::Number(a, 1..=2), Part::Number(b, 1..=2), Part::Number(y, digits)] => {
            let year = year_of(*y, *digits, pattern)?;
            let (day, month) = if country.day_first() {
                (*a, *b)
            } else {
                (*b, *a)
            };
            if !(1..=12).contains(&month) {
                // The other order would make a date: say so rather than swap.
                let other = NaiveDate::from_ymd_opt(year, day, month);
                return Err(DateError(match other {
                    Some(_) => format!(
                        "There is no month {month}. Dates here are written {pattern}; \
                         this looks written the other way round."
                    ),
                    None => format!("There is no month {month}. Write the date as {pattern}."),
                }));
            }
            (year, month, day)
        }
        _ => {
            return Err(DateError(format!(
                "Write the date as {pattern} (or yyyy-mm-dd)."
            )))
        }
    };
    if !(1..=12).contains(&month) {
        return Err(DateError(format!(
            "There is no month {month}. Write the date as {pattern}."
        )));
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        DateError(match NaiveDate::from_ymd_opt(year, month, 1) {
            Some(first) => format!("There is no {day} {} {year}.", first.format("%B")),
            None => format!("Write the date as {pattern}."),
        })
    })
}

/// A year typed with four digits; anything else is refused, never widened.
fn year_of(year: u32, digits: usize, pattern: &str) -> Result<i32, DateError> {
    match i32::try_from(year) {
        // `split` keeps at most four digits, so a four-digit year always fits.
        Ok(year) if digits == 4 => Ok(year),
        _ => Err(DateError(format!(
            "Write the year in full, with four digits ({pattern})."
        ))),
    }
}

/// Splits the text at separators (`/`, `-`, `.`, spaces, a comma) into numbers and
/// month names; ordinal endings ("2nd") are allowed after a day.
fn split(text: &str) -> Result<Vec<Part>, DateError> {
    let mut parts = Vec::new();
    for word in text
        .split(|c: char| matches!(c, '/' | '-' | '.' | ',') || c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        let digits: String = word.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            let rest = word[digits.len()..].to_ascii_lowercase();
            if !rest.is_empty() && !matches!(rest.as_str(), "st" | "nd" | "rd" | "th") {
                return Err(DateError(format!("\"{word}\" is not part of a date.")));
            }
            if digits.len() > 4 {
                return Err(DateError(format!("\"{word}\" is not part of a date.")));
            }
            let n: u32 = digits
                .parse()
                .map_err(|_| DateError(format!("\"{word}\" is not part of a date.")))?;
            parts.push(Part::Number(n, digits.len()));
            continue;
        }
        let lower = word.to_lowercase();
        // A month's full name or its first three letters ("Sept" too).
        let month = MONTHS
            .iter()
            .position(|m| *m == lower || (lower.len() >= 3 && m.starts_with(&lower)));
        match month {
            Some(i) => parts.push(Part::Month(i as u32 + 1)),
            None => return Err(DateError(format!("\"{word}\" is not part of a date."))),
        }
    }
    Ok(parts)
}

fn check_range(
    date: NaiveDate,
    use_: DateUse,
    country: Country,
    today: NaiveDate,
) -> Result<(), DateError> {
    if date < EARLIEST_DATE {
        return Err(DateError(format!(
            "{} is before 1900: check the year.",
            country.long_date(date)
        )));
    }
    match use_ {
        DateUse::Birth if date > today => Err(DateError(format!(
            "{} is in the future: a date of birth cannot be.",
            country.long_date(date)
        ))),
        DateUse::Past if date > today => Err(DateError(format!(
            "{} has not happened yet: check the date.",
            country.long_date(date)
        ))),
        DateUse::Any if date > latest_planned(today) => Err(DateError(format!(
            "{} is more than {YEARS_AHEAD} years ahead: check the year.",
            country.long_date(date)
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn uk(text: &str) -> Result<NaiveDate, DateError> {
        read_date(text, Country::Uk, DateUse::Any, today())
    }

    fn us(text: &str) -> Result<NaiveDate, DateError> {
        read_date(text, Country::Us, DateUse::Any, today())
    }

    #[test]
    fn numbers_are_read_in_the_practices_order() {
        assert_eq!(uk("02/06/1979"), Ok(d(1979, 6, 2)));
        assert_eq!(us("02/06/1979"), Ok(d(1979, 2, 6)));
        for sep in ["/", "-", ".", " "] {
            let text = format!("2{sep}6{sep}1979");
            assert_eq!(uk(&text), Ok(d(1979, 6, 2)), "{text}");
            assert_eq!(us(&text), Ok(d(1979, 2, 6)), "{text}");
        }
        assert_eq!(uk(" 31/12/2026 "), Ok(d(2026, 12, 31)));
        assert_eq!(us("12/31/2026"), Ok(d(2026, 12, 31)));
    }

    #[test]
    fn iso_dates_are_read_everywhere() {
        for read in [uk, us] {
            assert_eq!(read("1979-06-02"), Ok(d(1979, 6, 2)));
            assert_eq!(read("1979-6-2"), Ok(d(1979, 6, 2)));
            assert_eq!(read("1979/06/02"), Ok(d(1979, 6, 2)));
        }
    }

    #[test]
    fn named_months_are_read_in_either_order() {
        for read in [uk, us] {
            assert_eq!(read("2 June 1979"), Ok(d(1979, 6, 2)));
            assert_eq!(read("2nd Jun 1979"), Ok(d(1979, 6, 2)));
            assert_eq!(read("June 2, 1979"), Ok(d(1979, 6, 2)));
            assert_eq!(read("SEPT 30 2026"), Ok(d(2026, 9, 30)));
        }
        assert!(uk("2 Juneteenth 1979").is_err());
        assert!(uk("2 Ju 1979").is_err());
    }

    #[test]
    fn the_other_order_is_an_error_never_a_swap() {
        let e = uk("06/13/1979").unwrap_err();
        assert!(
            e.0.contains("dd/mm/yyyy") && e.0.contains("other way round"),
            "{e}"
        );
        let e = us("13/06/1979").unwrap_err();
        assert!(
            e.0.contains("mm/dd/yyyy") && e.0.contains("other way round"),
            "{e}"
        );
        // Neither order makes a date.
        let e = uk("13/13/1979").unwrap_err();
        assert!(
            e.0.contains("no month 13") && !e.0.contains("other way"),
            "{e}"
        );
    }

    #[test]
    fn two_digit_years_are_refused() {
        for text in ["02/06/79", "2 June 79", "02/06/979", "79-06-02"] {
            let e = uk(text).unwrap_err();
            assert!(
                e.0.contains("four digits") || e.0.contains("dd/mm/yyyy"),
                "{text}: {e}"
            );
        }
    }

    #[test]
    fn impossible_days_are_refused() {
        assert_eq!(uk("29/02/2024"), Ok(d(2024, 2, 29)));
        assert_eq!(uk("29/02/2000"), Ok(d(2000, 2, 29)));
        for (text, says) in [
            ("29/02/2023", "There is no 29 February 2023."),
            ("29/02/1900", "There is no 29 February 1900."),
            ("31/04/2026", "There is no 31 April 2026."),
            ("00/04/2026", "There is no 0 April 2026."),
            ("2026-02-30", "There is no 30 February 2026."),
        ] {
            assert_eq!(uk(text), Err(DateError(says.into())), "{text}");
        }
        assert!(uk("2026-13-01").unwrap_err().0.contains("no month 13"));
    }

    #[test]
    fn things_that_are_not_dates_are_refused() {
        for text in [
            "",
            "  ",
            "yesterday",
            "02/06",
            "1979",
            "02/06/1979/1",
            "2/6/1979 10:00",
            "1e3/2/1979",
            "02/06/19790",
            "٢/٦/١٩٧٩",
        ] {
            assert!(uk(text).is_err(), "{text:?}");
        }
        assert_eq!(uk(""), Err(DateError("Enter a date.".into())));
    }

    #[test]
    fn each_use_has_its_range() {
        let birth = |t: &str| read_date(t, Country::Uk, DateUse::Birth, today());
        let past = |t: &str| read_date(t, Country::Uk, DateUse::Past, today());
        assert_eq!(birth("30/11/2026"), Ok(today()));
        assert!(birth("01/12/2026").unwrap_err().0.contains("in the future"));
        assert!(birth("31/12/1899").unwrap_err().0.contains("before 1900"));
        assert_eq!(birth("01/01/1900"), Ok(d(1900, 1, 1)));
        assert!(past("01/12/2026")
            .unwrap_err()
            .0
            .contains("not happened yet"));
        assert_eq!(past("30/11/2026"), Ok(today()));
        assert_eq!(uk("01/12/2027"), Ok(d(2027, 12, 1)));
        assert_eq!(uk("30/11/2036"), Ok(d(2036, 11, 30)));
        assert!(uk("01/12/2036").unwrap_err().0.contains("10 years ahead"));
        assert!(uk("01/01/1899").unwrap_err().0.contains("before 1900"));
    }

    #[test]
    fn patterns_and_short_dates_follow_the_country() {
        assert_eq!(Country::Uk.date_pattern(), "dd/mm/yyyy");
        assert_eq!(Country::Us.date_pattern(), "mm/dd/yyyy");
        assert_eq!(Country::Uk.short_date(d(1979, 6, 2)), "02/06/1979");
        assert_eq!(Country::Us.short_date(d(1979, 6, 2)), "06/02/1979");
        // What is shown reads back as the same date.
        for country in [Country::Uk, Country::Us] {
            let shown = country.short_date(d(1979, 6, 2));
            assert_eq!(
                read_date(&shown, country, DateUse::Birth, today()),
                Ok(d(1979, 6, 2))
            );
        }
    }
}
