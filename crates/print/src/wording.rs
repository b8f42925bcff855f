//! Every fixed phrase printed on a document, in one place, so a translation is one new
//! table. Placeholders in braces are filled by the document.

/// The recovery kit's text.
#[derive(Debug, Clone, Copy)]
pub struct RecoveryKitWording {
    pub title: &'static str,
    pub for_practice: &'static str,
    pub made_on: &'static str,
    pub code_heading: &'static str,
    pub what_heading: &'static str,
    pub what: &'static str,
    pub safe_heading: &'static str,
    pub safe: &'static [&'static str],
    pub use_heading: &'static str,
    pub steps: &'static [&'static str],
    pub data_folder: &'static str,
    pub footer: &'static str,
}

pub const RECOVERY_KIT_EN: RecoveryKitWording = RecoveryKitWording {
    title: "Waymark recovery kit",
    for_practice: "For",
    made_on: "Made on {date}",
    code_heading: "Recovery code",
    what_heading: "What this is for",
    what: "This code opens the practice's Waymark caseload, and its backups, when a computer's \
           credential store does not hold the caseload's key: a new or repaired computer, a \
           reinstalled operating system, or a restore from a backup.",
    safe_heading: "Keep it safe",
    safe: &[
        "Store this sheet locked away with the practice's important papers, away from the \
         computer and away from the backup drive. Anyone with this code and a backup can read \
         every record in it.",
        "Do not keep this file on the computer: print it, check that the code matches the \
         screen, then delete the file.",
    ],
    use_heading: "How to use it",
    steps: &[
        "If Waymark says the caseload's key is missing, type this code under \"Open with the \
         recovery code\". Waymark puts the key back, so the code is not needed again on that \
         computer.",
        "To move to a new computer, install Waymark, choose \"Restore from a backup\" on the \
         set-up screen, choose the newest backup folder and type this code.",
        "If an administrator makes a new recovery code, print its kit. Backups made before then \
         still need this code: keep this sheet until they have been replaced.",
    ],
    data_folder: "Data folder when this kit was made: {folder}",
    footer: "Waymark {version}",
};

/// How a language writes a date, as CLDR has it (each table is checked against
/// ICU4X's CLDR data in `tests/languages.rs`).
#[derive(Debug, Clone, Copy)]
pub struct DateForms {
    /// A date: `{d}` the day, `{month}` the month's name, `{y}` the year
    /// ("{d} {month} {y}": "2 June 1979").
    pub long: &'static str,
    /// A date with its weekday, `{weekday}` added ("{weekday} {d} {month} {y}").
    pub full: &'static str,
    /// Month names as a date uses them (the genitive where the language has one).
    pub months: [&'static str; 12],
    /// Weekday names as a full date uses them, Monday first.
    pub weekdays: [&'static str; 7],
    /// The digits days and years are written with, zero first; `None` for 0–9.
    pub digits: Option<[char; 10]>,
}

impl DateForms {
    /// `d` written in `long` form.
    pub fn long(&self, d: chrono::NaiveDate) -> String {
        self.fill(self.long, d)
    }

    /// `d` written in `full` form, with its weekday.
    pub fn full(&self, d: chrono::NaiveDate) -> String {
        self.fill(self.full, d)
    }

    fn fill(&self, pattern: &str, d: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        let digits = |n: u32| -> String {
            let plain = n.to_string();
            match self.digits {
                None => plain,
                Some(set) => plain
                    .chars()
                    .map(|c| c.to_digit(10).map_or(c, |i| set[i as usize]))
                    .collect(),
            }
        };
        pattern
            .replace(
                "{weekday}",
                self.weekdays[d.weekday().num_days_from_monday() as usize],
            )
            .replace("{month}", self.months[d.month0() as usize])
            .replace("{d}", &digits(d.day()))
            .replace("{y}", &digits(d.year().unsigned_abs()))
    }
}

/// English dates at a UK practice: "2 June 1979", "Saturday, 2 June 1979".
pub const DATES_EN_GB: DateForms = DateForms {
    long: "{d} {month} {y}",
    full: "{weekday}, {d} {month} {y}",
    months: ENGLISH_MONTHS,
    weekdays: ENGLISH_WEEKDAYS,
    digits: None,
};

/// English dates at a US practice: "June 2, 1979", "Saturday, June 2, 1979".
pub const DATES_EN_US: DateForms = DateForms {
    long: "{month} {d}, {y}",
    full: "{weekday}, {month} {d}, {y}",
    months: ENGLISH_MONTHS,
    weekdays: ENGLISH_WEEKDAYS,
    digits: None,
};

const ENGLISH_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const ENGLISH_WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The social prescription's text. `{name}` is a person, `{phone}`/`{email}` the
/// practice's, `{date}` a date, `{code}` the reference code, `{n}`/`{total}` pages,
/// `{text}` the person's words. Dates are written with `dates`.
#[derive(Debug, Clone, Copy)]
pub struct PrescriptionWording {
    pub title: &'static str,
    pub for_patient: &'static str,
    pub date: &'static str,
    pub link_worker: &'static str,
    pub reach_call_and_email: &'static str,
    pub reach_call: &'static str,
    pub reach_email: &'static str,
    pub reach_ask_for: &'static str,
    pub what_matters_heading: &'static str,
    /// The person's own words, quoted.
    pub quote: &'static str,
    pub goal_by: &'static str,
    pub activities_heading: &'static str,
    pub when: &'static str,
    pub where_: &'static str,
    pub cost: &'static str,
    pub free: &'static str,
    pub discount: &'static str,
    pub how_to_join: &'static str,
    pub signpost: &'static str,
    pub direct_referral: &'static str,
    pub contact: &'static str,
    pub note: &'static str,
    pub scan: &'static str,
    pub next_checkin_heading: &'static str,
    pub next_checkin: &'static str,
    pub no_checkin: &'static str,
    pub plans_change: &'static str,
    pub plans_change_no_phone: &'static str,
    pub slip_heading: &'static str,
    pub slip_cut: &'static str,
    pub slip_for: &'static str,
    pub slip_referred_by: &'static str,
    pub slip_reference: &'static str,
    pub slip_quote: &'static str,
    pub footer_reference: &'static str,
    pub page: &'static str,
    /// When an activity runs ("Mondays": every Monday), Monday first.
    pub days: [&'static str; 7],
    /// How dates are written (English's follow the practice's country instead).
    pub dates: DateForms,
}

impl PrescriptionWording {
    /// Every phrase with its field's name, for checking a table is whole. The
    /// destructuring has no `..`, so a new field cannot be left out of it.
    pub fn phrases(&self) -> Vec<(&'static str, &'static str)> {
        let Self {
            title,
            for_patient,
            date,
            link_worker,
            reach_call_and_email,
            reach_call,
            reach_email,
            reach_ask_for,
            what_matters_heading,
            quote,
            goal_by,
            activities_heading,
            when,
            where_,
            cost,
            free,
            discount,
            how_to_join,
            signpost,
            direct_referral,
            contact,
            note,
            scan,
            next_checkin_heading,
            next_checkin,
            no_checkin,
            plans_change,
            plans_change_no_phone,
            slip_heading,
            slip_cut,
            slip_for,
            slip_referred_by,
            slip_reference,
            slip_quote,
            footer_reference,
            page,
            days,
            dates,
        } = *self;
        let mut out = vec![
            ("title", title),
            ("for_patient", for_patient),
            ("date", date),
            ("link_worker", link_worker),
            ("reach_call_and_email", reach_call_and_email),
            ("reach_call", reach_call),
            ("reach_email", reach_email),
            ("reach_ask_for", reach_ask_for),
            ("what_matters_heading", what_matters_heading),
            ("quote", quote),
            ("goal_by", goal_by),
            ("activities_heading", activities_heading),
            ("when", when),
            ("where_", where_),
            ("cost", cost),
            ("free", free),
            ("discount", discount),
            ("how_to_join", how_to_join),
            ("signpost", signpost),
            ("direct_referral", direct_referral),
            ("contact", contact),
            ("note", note),
            ("scan", scan),
            ("next_checkin_heading", next_checkin_heading),
            ("next_checkin", next_checkin),
            ("no_checkin", no_checkin),
            ("plans_change", plans_change),
            ("plans_change_no_phone", plans_change_no_phone),
            ("slip_heading", slip_heading),
            ("slip_cut", slip_cut),
            ("slip_for", slip_for),
            ("slip_referred_by", slip_referred_by),
            ("slip_reference", slip_reference),
            ("slip_quote", slip_quote),
            ("footer_reference", footer_reference),
            ("page", page),
        ];
        out.extend(days.iter().map(|d| ("days", *d)));
        out.extend(dates.months.iter().map(|m| ("dates.months", *m)));
        out.extend(dates.weekdays.iter().map(|d| ("dates.weekdays", *d)));
        out.push(("dates.long", dates.long));
        out.push(("dates.full", dates.full));
        out
    }
}

pub const PRESCRIPTION_EN: PrescriptionWording = PrescriptionWording {
    title: "Your social prescription",
    for_patient: "For {name}",
    date: "Date: {date}",
    link_worker: "Your link worker: {name}",
    reach_call_and_email: "To reach us, call {phone} or email {email}.",
    reach_call: "To reach us, call {phone}.",
    reach_email: "To reach us, email {email}.",
    reach_ask_for: "Ask for {name}.",
    what_matters_heading: "What matters to you",
    quote: "“{text}”",
    goal_by: "by {date}",
    activities_heading: "Your activities",
    when: "When",
    where_: "Where",
    cost: "Cost",
    free: "Free",
    discount: "Discount",
    how_to_join: "How to join",
    signpost: "Get in touch with them, or just go along.",
    direct_referral: "Your link worker will refer you. Take the referral slip at the end with you.",
    contact: "Contact",
    note: "Note",
    scan: "Scan a square code with a phone's camera to open that activity's web page.",
    next_checkin_heading: "Your next check-in",
    next_checkin: "{date}. Your link worker will get in touch to see how things are going.",
    no_checkin: "Your link worker will get in touch to see how things are going.",
    plans_change: "If your plans change, or something gets in the way, call {phone}. We can \
                   find something else that suits you.",
    plans_change_no_phone: "If your plans change, or something gets in the way, tell your link \
                            worker. We can find something else that suits you.",
    slip_heading: "Referral slip: {name}",
    slip_cut: "Cut along the line and give this slip to the service.",
    slip_for: "This is to introduce {name}.",
    slip_referred_by: "Referred by {name}, {practice}",
    slip_reference: "Reference",
    slip_quote: "Please quote this reference when you contact the practice about this referral.",
    footer_reference: "Reference {code}",
    page: "Page {n} of {total}",
    days: [
        "Mondays",
        "Tuesdays",
        "Wednesdays",
        "Thursdays",
        "Fridays",
        "Saturdays",
        "Sundays",
    ],
    dates: DATES_EN_GB,
};
