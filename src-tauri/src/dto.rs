//! The types that cross IPC. They belong to the shell: built from domain and store types
//! with `From`, camelCase for TypeScript, and exported with ts-rs to
//! `ui/src/api/bindings/` (checked fresh by `cargo xtask test`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use waymark_domain as domain;
use waymark_store as store;

use crate::error::ApiError;

/// Declares an IPC enum that mirrors a domain enum variant for variant, with `From` both
/// ways, so the domain stays free of serde and ts-rs naming concerns.
macro_rules! mirror_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
        #[serde(rename_all = "snake_case")]
        #[ts(export)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl From<domain::$name> for $name {
            fn from(v: domain::$name) -> Self {
                match v {
                    $(domain::$name::$variant => Self::$variant),+
                }
            }
        }

        impl From<$name> for domain::$name {
            fn from(v: $name) -> Self {
                match v {
                    $($name::$variant => Self::$variant),+
                }
            }
        }
    };
}

mirror_enum!(PatientStatus { Active, Archived });
mirror_enum!(PreferredContact {
    Phone,
    Text,
    Email,
    Letter
});
mirror_enum!(ReferralSource {
    Gp,
    Nurse,
    OtherClinician,
    #[serde(rename = "self")]
    SelfReferral,
    Other,
});
mirror_enum!(ReferralReason {
    Loneliness,
    MentalWellbeing,
    LongTermCondition,
    PhysicalActivity,
    Finance,
    Employment,
    Housing,
    CarerSupport,
    Bereavement,
    Diet,
    Other,
});
mirror_enum!(ReferralStatus {
    New,
    Contacted,
    Active,
    Closed
});
mirror_enum!(Role { Admin, LinkWorker });
mirror_enum!(Gender {
    Male,
    Female,
    Other,
    NotKnown
});
mirror_enum!(ConsentHow { Verbal, Written });
mirror_enum!(
    /// How an episode ended.
    ClosureOutcome {
        Completed,
        Declined,
        NotContactable,
        StoppedTakingPart,
        ReferredElsewhere,
        MovedAway,
        Other,
    }
);
mirror_enum!(Country { Uk, Us });
mirror_enum!(
    /// What a typed date is for, which decides the range it may fall in.
    DateUse { Birth, Past, Any }
);

/// A typed date as the practice reads it: the ISO date and its words ("2 June 1979")
/// to show beside the field, or why it is not a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DateReading {
    pub iso: Option<String>,
    pub words: Option<String>,
    pub error: Option<String>,
}

mirror_enum!(
    /// What an audit row records.
    AuditAction {
        View,
        List,
        Create,
        Update,
        Archive,
        Restore,
        Print,
        Export,
        SignIn,
        SignInFailed,
        SignOut,
        Admin,
    }
);

/// A staff account as the UI sees it (never its passphrase hash).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StaffMember {
    pub id: i64,
    pub display_name: String,
    pub username: String,
    pub role: Role,
    pub active: bool,
}

impl From<store::staff::Staff> for StaffMember {
    fn from(s: store::staff::Staff) -> Self {
        Self {
            id: s.id,
            display_name: s.display_name,
            username: s.username,
            role: s.role.into(),
            active: s.active,
        }
    }
}

/// The signed-in staff member, whether the screen is locked, the idle time, and any
/// backup reminder.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Session {
    pub staff: StaffMember,
    pub locked: bool,
    pub idle_minutes: u32,
    /// Weeks from a baseline outcome measure to its follow-up.
    pub follow_up_weeks: u32,
    /// People a year the practice can safely support (the caseload counter's 100%).
    pub safe_caseload: u32,
    /// The practice's country: which ethnicity categories and paper it uses.
    pub country: Country,
    /// How dates are typed at this practice, for the date fields' labels: "dd/mm/yyyy"
    /// in the UK, "mm/dd/yyyy" in the US.
    pub date_pattern: String,
    /// For admins: what needs doing about backups (no folder, a failure, an old one).
    pub backup_reminder: Option<String>,
    /// For admins: the caseload is older than one this computer has seen (an older copy
    /// of the file put back), until an admin dismisses it.
    pub integrity_warning: Option<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PracticeInput {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub country: Country,
    /// The logo file's bytes (PNG), or `null` for none.
    pub logo_png: Option<Vec<u8>>,
}

impl From<PracticeInput> for domain::PracticeInput {
    fn from(p: PracticeInput) -> Self {
        Self {
            name: p.name,
            address: p.address,
            phone: p.phone,
            email: p.email,
            country: p.country.into(),
            logo_png: p.logo_png,
        }
    }
}

/// The first-run setup form.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SetupInput {
    pub practice: PracticeInput,
    pub admin_name: String,
    pub admin_username: String,
    pub passphrase: String,
}

/// Setup's outcome: the admin is signed in; the recovery code is shown once.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SetupResult {
    pub session: Session,
    pub recovery_code: String,
}

/// A new staff account from the admin's form.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StaffInput {
    pub display_name: String,
    pub username: String,
    pub role: Role,
    pub passphrase: String,
}

/// Which audit rows to show; `from`/`to` are `YYYY-MM-DD` or empty.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AuditQuery {
    pub staff_id: Option<i64>,
    pub patient_id: Option<i64>,
    pub from: String,
    pub to: String,
    pub limit: u32,
    pub offset: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub staff_id: Option<i64>,
    pub staff_name: Option<String>,
    pub action: AuditAction,
    pub entity: String,
    pub record_id: Option<i64>,
    pub patient_id: Option<i64>,
}

impl From<store::AuditRow> for AuditEntry {
    fn from(r: store::AuditRow) -> Self {
        Self {
            id: r.entry.id,
            at: r.entry.at,
            staff_id: r.entry.staff_id,
            staff_name: r.staff_name,
            action: r.entry.action.into(),
            entity: r.entry.entity,
            record_id: r.entry.record_id,
            patient_id: r.entry.patient_id,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    pub total: u64,
}

/// Whether the caseload opened, and if not, why (in plain words).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppStatus {
    pub ready: bool,
    pub data_dir: String,
    pub error: Option<ApiError>,
    /// No active admin yet: only the first-run setup is reachable.
    pub setup_needed: bool,
    pub session: Option<Session>,
}

/// The patient form as typed; empty text means "not given".
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PatientInput {
    pub given_name: String,
    pub family_name: String,
    pub preferred_name: String,
    pub date_of_birth: String,
    pub nhs_number: String,
    pub mrn: String,
    pub pronouns: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub preferred_contact: Option<PreferredContact>,
    pub language: String,
    /// The language the prescription prints in (`print_languages`); "" for English.
    pub print_language: String,
    pub needs_large_print: bool,
    pub needs_easy_read: bool,
    pub needs_interpreter: bool,
    pub registered_gp: String,
    pub consent_store: bool,
    pub consent_contact: bool,
    pub consent_share: bool,
    #[serde(default)]
    pub gender: Option<Gender>,
    /// Codes from `ethnic_categories`.
    #[serde(default)]
    pub ethnicity: Vec<String>,
    #[serde(default)]
    pub communication_needs: String,
    #[serde(default)]
    pub consent_how: Option<ConsentHow>,
    /// Who gave consent when not the person ("" for the person).
    #[serde(default)]
    pub consent_given_by: String,
    /// "": today, or as first recorded.
    #[serde(default)]
    pub consent_date: String,
    #[serde(default)]
    pub consent_withdrawn_date: String,
}

impl From<PatientInput> for domain::PatientInput {
    fn from(p: PatientInput) -> Self {
        Self {
            given_name: p.given_name,
            family_name: p.family_name,
            preferred_name: p.preferred_name,
            date_of_birth: p.date_of_birth,
            nhs_number: p.nhs_number,
            mrn: p.mrn,
            pronouns: p.pronouns,
            address: p.address,
            phone: p.phone,
            email: p.email,
            preferred_contact: p.preferred_contact.map(Into::into),
            language: p.language,
            print_language: p.print_language,
            needs_large_print: p.needs_large_print,
            needs_easy_read: p.needs_easy_read,
            needs_interpreter: p.needs_interpreter,
            registered_gp: p.registered_gp,
            consent_store: p.consent_store,
            consent_contact: p.consent_contact,
            consent_share: p.consent_share,
            gender: p.gender.map(Into::into),
            ethnicity: p.ethnicity,
            communication_needs: p.communication_needs,
            consent_how: p.consent_how.map(Into::into),
            consent_given_by: p.consent_given_by,
            consent_date: p.consent_date,
            consent_withdrawn_date: p.consent_withdrawn_date,
        }
    }
}

/// A stored patient. `nhsNumber` is the ten digits; `nhsNumberDisplay` is 3-3-4.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Patient {
    pub id: i64,
    pub given_name: String,
    pub family_name: String,
    pub preferred_name: Option<String>,
    pub date_of_birth: String,
    pub nhs_number: Option<String>,
    pub nhs_number_display: Option<String>,
    pub mrn: Option<String>,
    pub pronouns: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub preferred_contact: Option<PreferredContact>,
    pub language: Option<String>,
    /// `None`: English.
    pub print_language: Option<String>,
    pub needs_large_print: bool,
    pub needs_easy_read: bool,
    pub needs_interpreter: bool,
    pub registered_gp: Option<String>,
    pub consent_store_date: Option<String>,
    pub consent_contact_date: Option<String>,
    pub consent_share_date: Option<String>,
    pub gender: Option<Gender>,
    pub ethnicity: Vec<String>,
    /// The categories in words.
    pub ethnicity_label: Option<String>,
    pub communication_needs: Option<String>,
    pub consent_how: Option<ConsentHow>,
    pub consent_given_by: Option<String>,
    pub consent_withdrawn_date: Option<String>,
    pub status: PatientStatus,
    pub created_at: String,
    pub updated_at: String,
}

pub(crate) fn iso(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

impl From<store::Patient> for Patient {
    fn from(p: store::Patient) -> Self {
        let f = p.fields;
        Self {
            id: p.id,
            given_name: f.given_name,
            family_name: f.family_name,
            preferred_name: f.preferred_name,
            date_of_birth: iso(f.date_of_birth),
            nhs_number: f.nhs_number.as_ref().map(|n| n.digits().to_owned()),
            nhs_number_display: f.nhs_number.as_ref().map(ToString::to_string),
            mrn: f.mrn,
            pronouns: f.pronouns,
            address: f.address,
            phone: f.phone,
            email: f.email,
            preferred_contact: f.preferred_contact.map(Into::into),
            language: f.language,
            print_language: f.print_language,
            needs_large_print: f.needs_large_print,
            needs_easy_read: f.needs_easy_read,
            needs_interpreter: f.needs_interpreter,
            registered_gp: f.registered_gp,
            consent_store_date: p.consent_store_date.map(iso),
            consent_contact_date: p.consent_contact_date.map(iso),
            consent_share_date: p.consent_share_date.map(iso),
            ethnicity_label: domain::demographics::ethnicity_label(&f.ethnicity),
            gender: f.gender.map(Into::into),
            ethnicity: f.ethnicity,
            communication_needs: f.communication_needs,
            consent_how: f.consent_how.map(Into::into),
            consent_given_by: f.consent_given_by,
            consent_withdrawn_date: f.consent_withdrawn_date.map(iso),
            status: p.status.into(),
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// A line of the caseload list.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PatientSummary {
    pub id: i64,
    pub given_name: String,
    pub family_name: String,
    pub preferred_name: Option<String>,
    pub date_of_birth: String,
    pub nhs_number_display: Option<String>,
    pub status: PatientStatus,
    /// The latest episode's status; `null` when no referral is recorded.
    pub episode_status: Option<ReferralStatus>,
    pub next_checkin: Option<String>,
    pub last_contact: Option<String>,
    pub checkin_overdue: bool,
    /// When follow-up outcome measures fall due, if a baseline awaits them.
    pub measures_due: Option<String>,
    pub measures_overdue: bool,
}

impl From<store::PatientSummary> for PatientSummary {
    fn from(p: store::PatientSummary) -> Self {
        Self {
            id: p.id,
            given_name: p.given_name,
            family_name: p.family_name,
            preferred_name: p.preferred_name,
            date_of_birth: iso(p.date_of_birth),
            nhs_number_display: p.nhs_number.as_ref().map(ToString::to_string),
            status: p.status.into(),
            episode_status: p.episode_status.map(Into::into),
            next_checkin: p.next_checkin.map(iso),
            last_contact: p.last_contact.map(iso),
            checkin_overdue: p.checkin_overdue,
            measures_due: p.measures_due.map(iso),
            measures_overdue: p.measures_overdue,
        }
    }
}

/// What the caseload list asks for.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PatientQuery {
    pub text: String,
    pub include_archived: bool,
    /// The latest episode's status, or `none` for patients with no referral.
    #[serde(default)]
    pub episode: Option<EpisodeFilter>,
    #[serde(default)]
    pub overdue: bool,
    #[serde(default)]
    pub no_contact_weeks: Option<u32>,
    /// Only patients whose follow-up measures are overdue or due within two weeks.
    #[serde(default)]
    pub measures_due: bool,
    pub limit: u32,
    pub offset: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum EpisodeFilter {
    New,
    Contacted,
    Active,
    Closed,
    None,
    /// A closed episode whose message back to the GP has not been sent.
    ClosedUnsent,
}

impl From<PatientQuery> for store::PatientQuery {
    fn from(q: PatientQuery) -> Self {
        use domain::ReferralStatus as S;
        let episode = q.episode.map(|e| match e {
            EpisodeFilter::New => store::EpisodeFilter::Status(S::New),
            EpisodeFilter::Contacted => store::EpisodeFilter::Status(S::Contacted),
            EpisodeFilter::Active => store::EpisodeFilter::Status(S::Active),
            EpisodeFilter::Closed => store::EpisodeFilter::Status(S::Closed),
            EpisodeFilter::None => store::EpisodeFilter::NoReferral,
            EpisodeFilter::ClosedUnsent => store::EpisodeFilter::ClosedWithoutMessage,
        });
        Self {
            text: q.text,
            include_archived: q.include_archived,
            episode,
            overdue: q.overdue,
            no_contact_weeks: q.no_contact_weeks,
            measures_due: q.measures_due,
            limit: q.limit,
            offset: q.offset,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PatientPage {
    pub items: Vec<PatientSummary>,
    pub total: u64,
}

impl From<store::PatientPage> for PatientPage {
    fn from(p: store::PatientPage) -> Self {
        Self {
            items: p.items.into_iter().map(Into::into).collect(),
            total: p.total,
        }
    }
}

/// The referral form as typed.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReferralInput {
    pub received_date: String,
    pub referrer_name: String,
    pub referrer_role: String,
    pub referrer_organisation: String,
    pub source: ReferralSource,
    pub reasons: Vec<ReferralReason>,
    pub conditions: String,
    #[serde(default)]
    pub referrer_phone: String,
    #[serde(default)]
    pub referrer_email: String,
    /// The referring organisation's ODS code.
    #[serde(default)]
    pub referrer_ods_code: String,
}

impl From<ReferralInput> for domain::ReferralInput {
    fn from(r: ReferralInput) -> Self {
        Self {
            received_date: r.received_date,
            referrer_name: r.referrer_name,
            referrer_role: r.referrer_role,
            referrer_organisation: r.referrer_organisation,
            source: r.source.into(),
            reasons: r.reasons.into_iter().map(Into::into).collect(),
            conditions: r.conditions,
            referrer_phone: r.referrer_phone,
            referrer_email: r.referrer_email,
            referrer_ods_code: r.referrer_ods_code,
        }
    }
}

/// GP appointments counted over six months, and the day they were counted.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Counted {
    pub appointments: u32,
    pub counted: String,
}

impl From<domain::Counted> for Counted {
    fn from(c: domain::Counted) -> Self {
        Self {
            appointments: c.appointments,
            counted: iso(c.counted),
        }
    }
}

/// The GP-appointment counts as typed.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GpAppointmentsInput {
    pub before: String,
    pub before_counted: String,
    pub after: String,
    pub after_counted: String,
}

impl From<GpAppointmentsInput> for domain::GpAppointmentsInput {
    fn from(g: GpAppointmentsInput) -> Self {
        Self {
            before: g.before,
            before_counted: g.before_counted,
            after: g.after,
            after_counted: g.after_counted,
        }
    }
}

/// How the message back left Waymark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SentAs {
    Letter,
    Text,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MessageSent {
    pub date: String,
    pub how: SentAs,
    pub staff_name: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Referral {
    pub id: i64,
    pub patient_id: i64,
    pub received_date: String,
    pub referrer_name: Option<String>,
    pub referrer_role: Option<String>,
    pub referrer_organisation: Option<String>,
    pub source: ReferralSource,
    pub reasons: Vec<ReferralReason>,
    pub conditions: Option<String>,
    pub status: ReferralStatus,
    pub closure_reason: Option<String>,
    pub closed_date: Option<String>,
    pub what_matters: Option<String>,
    pub referrer_phone: Option<String>,
    pub referrer_email: Option<String>,
    pub referrer_ods_code: Option<String>,
    /// How a closed episode ended, when recorded.
    pub outcome: Option<ClosureOutcome>,
    pub gp_appointments_before: Option<Counted>,
    pub gp_appointments_after: Option<Counted>,
    /// The first day the six months after the referral can be counted.
    pub gp_appointments_after_from: String,
    pub next_steps: Option<String>,
    /// When the message back to the GP last left Waymark; `null`: not sent.
    pub message_sent: Option<MessageSent>,
    /// Each move of its status, oldest first.
    pub history: Vec<StatusEvent>,
    pub created_at: String,
    pub updated_at: String,
}

mirror_enum!(
    /// What moved an episode's status: a person, or the work recorded against it.
    StatusCause { Person, Conversation, Prescription }
);

/// One move of an episode's status, for the referral's timeline.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StatusEvent {
    pub date: String,
    pub from: ReferralStatus,
    pub to: ReferralStatus,
    pub cause: StatusCause,
    pub staff_name: Option<String>,
}

impl From<store::StatusEvent> for StatusEvent {
    fn from(e: store::StatusEvent) -> Self {
        Self {
            date: iso(e.date),
            from: e.from.into(),
            to: e.to.into(),
            cause: e.cause.into(),
            staff_name: e.staff_name,
        }
    }
}

impl From<store::Referral> for Referral {
    fn from(r: store::Referral) -> Self {
        let f = r.fields;
        Self {
            id: r.id,
            patient_id: r.patient_id,
            received_date: iso(f.received_date),
            referrer_name: f.referrer_name,
            referrer_role: f.referrer_role,
            referrer_organisation: f.referrer_organisation,
            source: f.source.into(),
            reasons: f.reasons.into_iter().map(Into::into).collect(),
            conditions: f.conditions,
            status: r.status.into(),
            closure_reason: r.closure_reason,
            closed_date: r.closed_date.map(iso),
            what_matters: r.what_matters,
            referrer_phone: f.referrer_phone,
            referrer_email: f.referrer_email,
            referrer_ods_code: f.referrer_ods_code,
            outcome: r.outcome.map(Into::into),
            gp_appointments_before: r.gp_appointments.before.map(Into::into),
            gp_appointments_after: r.gp_appointments.after.map(Into::into),
            gp_appointments_after_from: iso(domain::referral::six_months_after(f.received_date)),
            next_steps: r.next_steps,
            message_sent: r.message_sent.map(|m| MessageSent {
                date: iso(m.date),
                how: match m.how {
                    store::referrals::SentAs::Letter => SentAs::Letter,
                    store::referrals::SentAs::Text => SentAs::Text,
                },
                staff_name: m.staff_name,
            }),
            history: r.history.into_iter().map(Into::into).collect(),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_use_the_domain_text_forms() {
        for r in domain::ReferralReason::ALL {
            let json = serde_json::to_value(ReferralReason::from(*r)).unwrap();
            assert_eq!(json, r.as_str());
        }
        for s in domain::ReferralSource::ALL {
            let json = serde_json::to_value(ReferralSource::from(*s)).unwrap();
            assert_eq!(json, s.as_str());
        }
        for s in domain::ReferralStatus::ALL {
            assert_eq!(
                serde_json::to_value(ReferralStatus::from(*s)).unwrap(),
                s.as_str()
            );
        }
        for s in domain::PreferredContact::ALL {
            assert_eq!(
                serde_json::to_value(PreferredContact::from(*s)).unwrap(),
                s.as_str()
            );
        }
    }

    #[test]
    fn patient_input_reads_camel_case() {
        let json = serde_json::json!({
            "givenName": "Zoë", "familyName": "O'Brien", "preferredName": "", "dateOfBirth": "1987-03-14",
            "nhsNumber": "999 526 0182", "mrn": "", "pronouns": "", "address": "", "phone": "",
            "email": "", "preferredContact": "letter", "language": "", "printLanguage": "pl", "needsLargePrint": true,
            "needsEasyRead": false, "needsInterpreter": false, "registeredGp": "",
            "consentStore": true, "consentContact": false, "consentShare": false
        });
        let input: domain::PatientInput =
            serde_json::from_value::<PatientInput>(json).unwrap().into();
        assert_eq!(input.given_name, "Zoë");
        assert_eq!(
            input.preferred_contact,
            Some(domain::PreferredContact::Letter)
        );
        assert!(input.needs_large_print);
    }
}

/// The admin's backup choices; `folder` is empty until one is chosen.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackupSettings {
    pub folder: String,
    pub keep: u32,
    pub daily: bool,
}

impl From<store::backup_settings::BackupSettings> for BackupSettings {
    fn from(s: store::backup_settings::BackupSettings) -> Self {
        Self {
            folder: s
                .folder
                .map(|f| f.display().to_string())
                .unwrap_or_default(),
            keep: s.keep,
            daily: s.daily,
        }
    }
}

impl From<BackupSettings> for store::backup_settings::BackupSettings {
    fn from(s: BackupSettings) -> Self {
        let folder = s.folder.trim();
        Self {
            folder: (!folder.is_empty()).then(|| folder.into()),
            keep: s.keep,
            daily: s.daily,
        }
    }
}

/// How many rows of one kind a backup holds.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RecordCount {
    pub table: String,
    pub count: i64,
}

/// How far a running backup has got.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackupProgress {
    /// `copying`, then `checking`.
    pub stage: String,
    /// Of the whole backup, from 0 to 1 (copying is most of it).
    pub fraction: f64,
}

impl From<store::backup::BackupProgress> for BackupProgress {
    fn from(p: store::backup::BackupProgress) -> Self {
        let (stage, fraction) = match p.stage {
            store::backup::BackupStage::Copying => ("copying", 0.8 * p.fraction),
            store::backup::BackupStage::Checking => ("checking", 0.8 + 0.2 * p.fraction),
        };
        Self {
            stage: stage.into(),
            fraction,
        }
    }
}

/// What a backup says it holds (from its manifest; verified when `verified`).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackupSummary {
    pub dir: String,
    pub created_at: String,
    pub counts: Vec<RecordCount>,
    /// Opened with the key, integrity-checked and counted, not just listed.
    pub verified: bool,
}

impl BackupSummary {
    pub fn new(dir: &std::path::Path, m: store::backup::BackupManifest, verified: bool) -> Self {
        Self {
            dir: dir.display().to_string(),
            created_at: m.created_at,
            counts: m
                .counts
                .into_iter()
                .map(|(table, count)| RecordCount { table, count })
                .collect(),
            verified,
        }
    }
}

/// A backup in the folder that could not be read, and why.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UnreadableBackup {
    pub dir: String,
    pub problem: String,
}

/// Everything the admin's backups screen shows.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackupOverview {
    pub settings: BackupSettings,
    pub data_dir: String,
    pub last_ok_at: Option<String>,
    pub last_ok_dir: Option<String>,
    pub last_failure_at: Option<String>,
    pub last_failure: Option<String>,
    /// The backups in the chosen folder, newest first.
    pub backups: Vec<BackupSummary>,
    pub unreadable: Vec<UnreadableBackup>,
    /// Why the folder could not be listed (unplugged drive, say).
    pub folder_problem: Option<String>,
}

/// Where an export was saved, and how many rows it holds.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExportResult {
    pub path: String,
    pub rows: u64,
}

// After `mirror_enum!`, which the casework types use.
mod casework;
mod directory;
mod outcomes;
pub use casework::*;
pub use directory::*;
pub use outcomes::*;
