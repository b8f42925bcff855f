#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every language's table is whole and writes dates as CLDR does (ICU4X's compiled CLDR
//! data, a dev-dependency only, so the app does not carry it).

use chrono::{Datelike, NaiveDate};
use icu::calendar::Gregorian;
use icu::datetime::fieldsets::{YMD, YMDE};
use icu::datetime::input::Date;
use icu::datetime::FixedCalendarDateTimeFormatter;
use icu::locale::Locale;
use waymark_domain::print_language::PRINT_LANGUAGES;
use waymark_print::languages::{Language, LANGUAGES};
use waymark_print::wording::{DateForms, DATES_EN_GB, DATES_EN_US, PRESCRIPTION_EN};

/// The placeholders in a phrase ("{name}", "{date}"), sorted.
fn placeholders(text: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| format!("{{{name}}}")))
        .collect();
    out.sort();
    out
}

#[test]
fn the_print_crate_has_a_table_for_every_language_the_record_offers() {
    let record: Vec<_> = PRINT_LANGUAGES
        .iter()
        .map(|l| (l.code, l.english_name))
        .collect();
    let tables: Vec<_> = LANGUAGES.iter().map(|l| (l.code, l.english_name)).collect();
    assert_eq!(record, tables);
}

#[test]
fn every_table_has_every_phrase_with_the_english_placeholders() {
    let english = PRESCRIPTION_EN.phrases();
    for language in LANGUAGES.iter().filter(|l| l.code != "en") {
        let phrases = language.wording.phrases();
        for ((field, text), (_, en)) in phrases.iter().zip(&english) {
            assert!(
                !text.trim().is_empty(),
                "{} {field} is empty",
                language.code
            );
            if field.starts_with("dates.") {
                continue;
            }
            assert_eq!(
                placeholders(text),
                placeholders(en),
                "{} {field}: {text:?} keeps other placeholders than {en:?}",
                language.code
            );
            // A sentence left in English is a phrase not translated. (A one-word label
            // may be the same word, as "Contact" is in Romanian.)
            if en.split_whitespace().count() > 1 {
                assert_ne!(text, en, "{} {field} is still English", language.code);
            }
        }
    }
}

/// The CLDR locale for a table's code (CLDR files Tagalog as Filipino).
fn locale(language: &Language) -> Locale {
    language.code.parse().expect("the codes are BCP 47 tags")
}

/// A date in every month and on every weekday.
fn dates() -> Vec<NaiveDate> {
    (1..=12)
        .map(|m| NaiveDate::from_ymd_opt(2026, m, 1 + (m * 2) % 27).expect("a real date"))
        .chain((1..=7).map(|d| NaiveDate::from_ymd_opt(2026, 6, d).expect("a real date")))
        .chain([NaiveDate::from_ymd_opt(1979, 6, 2).expect("a real date")])
        .collect()
}

/// Each date `forms` writes otherwise than CLDR, as "code form ours ≠ CLDR's".
fn check_dates(code: &str, locale: Locale, forms: &DateForms) -> Vec<String> {
    let long =
        FixedCalendarDateTimeFormatter::<Gregorian, _>::try_new(locale.clone().into(), YMD::long())
            .expect("CLDR has the long date");
    let full = FixedCalendarDateTimeFormatter::<Gregorian, _>::try_new(locale.into(), YMDE::long())
        .expect("CLDR has the date with its weekday");
    let mut weekdays = std::collections::BTreeSet::new();
    let mut wrong = Vec::new();
    for d in dates() {
        let icu =
            Date::try_new_gregorian(d.year(), d.month() as u8, d.day() as u8).expect("a real date");
        for (form, ours, cldr) in [
            ("long", forms.long(d), long.format(&icu).to_string()),
            ("full", forms.full(d), full.format(&icu).to_string()),
        ] {
            if ours != cldr {
                wrong.push(format!("{code} {form}: {ours:?} ≠ {cldr:?}"));
            }
        }
        weekdays.insert(d.weekday().num_days_from_monday());
    }
    assert_eq!(weekdays.len(), 7, "the dates cover every weekday");
    wrong
}

#[test]
fn dates_are_written_as_cldr_writes_them() {
    let mut wrong = check_dates("en-GB", "en-GB".parse().expect("a tag"), &DATES_EN_GB);
    wrong.extend(check_dates(
        "en-US",
        "en-US".parse().expect("a tag"),
        &DATES_EN_US,
    ));
    for language in LANGUAGES.iter().filter(|l| l.code != "en") {
        wrong.extend(check_dates(
            language.code,
            locale(language),
            &language.wording.dates,
        ));
    }
    assert!(
        wrong.is_empty(),
        "dates unlike CLDR's:\n{}",
        wrong.join("\n")
    );
}
