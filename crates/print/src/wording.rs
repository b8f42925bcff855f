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

/// The social prescription's text. `{name}` is a person, `{phone}`/`{email}` the
/// practice's, `{date}` a date, `{code}` the reference code, `{n}`/`{total}` pages,
/// `{text}` the person's words. Dates are written with `weekdays` and `months`.
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
    /// When an activity runs, Monday first.
    pub days: [&'static str; 7],
    /// Dates are written with these names, in the practice's country's order.
    pub weekdays: [&'static str; 7],
    pub months: [&'static str; 12],
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
    weekdays: [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
    months: [
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
    ],
};
