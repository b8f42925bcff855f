//! IPC types of casework: the patient record, contacts, the support plan, the community
//! directory and prescriptions.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use waymark_domain as domain;
use waymark_store as store;

use super::{iso, Patient, Referral};

mirror_enum!(ContactKind {
    FaceToFace,
    Phone,
    Video,
    HomeVisit
});
mirror_enum!(GoalStatus {
    Open,
    InProgress,
    Achieved,
    Dropped
});
mirror_enum!(JoinMethod {
    Signpost,
    DirectReferral
});
mirror_enum!(ServiceStatus { Active, Inactive });
mirror_enum!(CostBand {
    Free,
    Low,
    Paid,
    Unknown
});
mirror_enum!(ItemStatus {
    Suggested,
    Referred,
    Started,
    Completed,
    Declined,
    DidNotAttend
});
mirror_enum!(Barrier {
    Cost,
    Transport,
    Eligibility,
    WaitingList,
    Confidence,
    Timing,
    NoSuchService,
    Other
});

mirror_enum!(
    /// RFC 5545 day codes, as HSDS schedules write them.
    Weekday {
        #[serde(rename = "MO")]
        Mo,
        #[serde(rename = "TU")]
        Tu,
        #[serde(rename = "WE")]
        We,
        #[serde(rename = "TH")]
        Th,
        #[serde(rename = "FR")]
        Fr,
        #[serde(rename = "SA")]
        Sa,
        #[serde(rename = "SU")]
        Su,
    }
);

// ---- Contacts -------------------------------------------------------------------------

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ContactInput {
    pub referral_id: Option<i64>,
    pub contact_date: String,
    pub kind: ContactKind,
    pub minutes: String,
    pub notes: String,
}

impl From<ContactInput> for domain::ContactInput {
    fn from(c: ContactInput) -> Self {
        Self {
            referral_id: c.referral_id,
            contact_date: c.contact_date,
            kind: c.kind.into(),
            minutes: c.minutes,
            notes: c.notes,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Contact {
    pub id: i64,
    pub patient_id: i64,
    pub referral_id: Option<i64>,
    pub contact_date: String,
    pub kind: ContactKind,
    pub minutes: Option<u32>,
    pub notes: Option<String>,
    pub staff_name: Option<String>,
}

impl From<store::contacts::Contact> for Contact {
    fn from(c: store::contacts::Contact) -> Self {
        Self {
            id: c.id,
            patient_id: c.patient_id,
            referral_id: c.fields.referral_id,
            contact_date: iso(c.fields.contact_date),
            kind: c.fields.kind.into(),
            minutes: c.fields.minutes,
            notes: c.fields.notes,
            staff_name: c.staff_name,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ContactPage {
    pub items: Vec<Contact>,
    pub total: u64,
}

impl From<store::contacts::ContactPage> for ContactPage {
    fn from(p: store::contacts::ContactPage) -> Self {
        Self {
            items: p.items.into_iter().map(Into::into).collect(),
            total: p.total,
        }
    }
}

// ---- Support plan ---------------------------------------------------------------------

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GoalInput {
    pub description: String,
    pub target_date: String,
    pub status: GoalStatus,
}

impl From<GoalInput> for domain::GoalInput {
    fn from(g: GoalInput) -> Self {
        Self {
            description: g.description,
            target_date: g.target_date,
            status: g.status.into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StepInput {
    pub description: String,
    pub target_date: String,
}

impl From<StepInput> for domain::StepInput {
    fn from(s: StepInput) -> Self {
        Self {
            description: s.description,
            target_date: s.target_date,
            done: false,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Step {
    pub id: i64,
    pub description: String,
    pub target_date: Option<String>,
    pub done: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Goal {
    pub id: i64,
    pub referral_id: i64,
    pub description: String,
    pub target_date: Option<String>,
    pub status: GoalStatus,
    pub steps: Vec<Step>,
}

impl From<store::plan::Goal> for Goal {
    fn from(g: store::plan::Goal) -> Self {
        Self {
            id: g.id,
            referral_id: g.referral_id,
            description: g.description,
            target_date: g.target_date.map(iso),
            status: g.status.into(),
            steps: g
                .steps
                .into_iter()
                .map(|s| Step {
                    id: s.id,
                    description: s.description,
                    target_date: s.target_date.map(iso),
                    done: s.done,
                })
                .collect(),
        }
    }
}

// ---- Directory ------------------------------------------------------------------------

/// The service form as typed; empty text means "not given".
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ServiceInput {
    pub name: String,
    pub organization: String,
    pub description: String,
    pub category: String,
    pub when_text: String,
    pub days: Vec<Weekday>,
    pub location_name: String,
    pub address: String,
    pub fees_description: String,
    pub discount_description: String,
    pub cost_band: CostBand,
    pub eligibility: String,
    pub phone: String,
    pub email: String,
    pub url: String,
    pub accessibility: String,
    pub languages: String,
    pub application_process: String,
    pub join_method: JoinMethod,
    pub last_verified: String,
}

impl From<ServiceInput> for domain::ServiceInput {
    fn from(s: ServiceInput) -> Self {
        Self {
            name: s.name,
            organization: s.organization,
            description: s.description,
            category: s.category,
            when_text: s.when_text,
            days: s.days.into_iter().map(Into::into).collect(),
            location_name: s.location_name,
            address: s.address,
            fees_description: s.fees_description,
            discount_description: s.discount_description,
            cost_band: Some(s.cost_band.into()),
            eligibility: s.eligibility,
            phone: s.phone,
            email: s.email,
            url: s.url,
            accessibility: s.accessibility,
            languages: s.languages,
            application_process: s.application_process,
            join_method: Some(s.join_method.into()),
            last_verified: s.last_verified,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Service {
    pub id: i64,
    /// Set for services imported from an Open Referral file.
    pub hsds_id: Option<String>,
    pub name: String,
    pub organization: Option<String>,
    pub description: Option<String>,
    pub category: Option<String>,
    pub when_text: Option<String>,
    pub days: Vec<Weekday>,
    pub location_name: Option<String>,
    pub address: Option<String>,
    pub fees_description: Option<String>,
    pub discount_description: Option<String>,
    pub cost_band: CostBand,
    pub eligibility: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
    pub accessibility: Option<String>,
    pub languages: Vec<String>,
    pub application_process: Option<String>,
    pub join_method: JoinMethod,
    pub last_verified: Option<String>,
    pub status: ServiceStatus,
    /// Not verified in the last 12 months (or never).
    pub stale: bool,
    /// The feed or file it was imported from (`None`: made in Waymark).
    pub source: Option<String>,
    /// Its source no longer lists it; it stays for the prescriptions that name it.
    pub delisted: bool,
    /// The feed's own categories for it.
    pub feed_terms: Vec<String>,
}

impl From<store::directory::Service> for Service {
    fn from(s: store::directory::Service) -> Self {
        let f = s.fields;
        Self {
            id: s.id,
            hsds_id: s.hsds_id,
            name: f.name,
            organization: f.organization,
            description: f.description,
            category: f.category,
            when_text: f.when_text,
            days: f.days.into_iter().map(Into::into).collect(),
            location_name: f.location_name,
            address: f.address,
            fees_description: f.fees_description,
            discount_description: f.discount_description,
            cost_band: f.cost_band.into(),
            eligibility: f.eligibility,
            phone: f.phone,
            email: f.email,
            url: f.url,
            accessibility: f.accessibility,
            languages: f.languages,
            application_process: f.application_process,
            join_method: f.join_method.into(),
            last_verified: f.last_verified.map(iso),
            status: s.status.into(),
            stale: s.stale,
            source: s.source,
            delisted: s.delisted,
            feed_terms: s.feed_terms,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CostFilter {
    Free,
    FreeOrLow,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ServiceQuery {
    pub text: String,
    pub category: Option<String>,
    pub cost: Option<CostFilter>,
    pub day: Option<Weekday>,
    pub language: Option<String>,
    pub accessibility: String,
    pub include_inactive: bool,
    pub stale_only: bool,
    pub limit: u32,
    pub offset: u32,
}

impl From<ServiceQuery> for store::directory::ServiceQuery {
    fn from(q: ServiceQuery) -> Self {
        Self {
            text: q.text,
            category: q.category,
            cost: q.cost.map(|c| match c {
                CostFilter::Free => store::directory::CostFilter::Free,
                CostFilter::FreeOrLow => store::directory::CostFilter::FreeOrLow,
            }),
            day: q.day.map(Into::into),
            language: q.language,
            accessibility: q.accessibility,
            include_inactive: q.include_inactive,
            stale_only: q.stale_only,
            limit: q.limit,
            offset: q.offset,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ServicePage {
    pub items: Vec<Service>,
    pub total: u64,
}

impl From<store::directory::ServicePage> for ServicePage {
    fn from(p: store::directory::ServicePage) -> Self {
        Self {
            items: p.items.into_iter().map(Into::into).collect(),
            total: p.total,
        }
    }
}

/// The values in use, for the directory's filter menus.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DirectoryFacets {
    pub categories: Vec<String>,
    pub languages: Vec<String>,
    /// The categories Waymark suggests for feed terms (the practice may add its own).
    pub suggested_categories: Vec<String>,
    /// Where services whose feed terms match no category go.
    pub uncategorised: String,
}

// ---- Prescriptions --------------------------------------------------------------------

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PrescriptionItemInput {
    pub service_id: i64,
    pub personal_note: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PrescriptionInput {
    pub referral_id: Option<i64>,
    pub prescribed_date: String,
    pub message: String,
    pub next_checkin_date: String,
    pub items: Vec<PrescriptionItemInput>,
}

impl From<PrescriptionInput> for domain::PrescriptionInput {
    fn from(p: PrescriptionInput) -> Self {
        Self {
            referral_id: p.referral_id,
            prescribed_date: p.prescribed_date,
            message: p.message,
            next_checkin_date: p.next_checkin_date,
            items: p
                .items
                .into_iter()
                .map(|i| domain::PrescriptionItemInput {
                    service_id: i.service_id,
                    personal_note: i.personal_note,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PrescriptionItem {
    pub id: i64,
    pub service_id: i64,
    pub service_name: String,
    pub organization: Option<String>,
    pub personal_note: Option<String>,
    pub status: ItemStatus,
    pub barrier: Option<Barrier>,
    pub barrier_note: Option<String>,
    pub status_date: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Prescription {
    pub id: i64,
    pub patient_id: i64,
    pub referral_id: Option<i64>,
    pub prescribed_date: String,
    pub staff_name: Option<String>,
    pub message: Option<String>,
    pub next_checkin_date: Option<String>,
    pub reference_code: String,
    pub items: Vec<PrescriptionItem>,
}

impl From<store::prescriptions::Prescription> for Prescription {
    fn from(p: store::prescriptions::Prescription) -> Self {
        Self {
            id: p.id,
            patient_id: p.patient_id,
            referral_id: p.referral_id,
            prescribed_date: iso(p.prescribed_date),
            staff_name: p.staff_name,
            message: p.message,
            next_checkin_date: p.next_checkin_date.map(iso),
            reference_code: p.reference_code,
            items: p
                .items
                .into_iter()
                .map(|i| PrescriptionItem {
                    id: i.id,
                    service_id: i.service_id,
                    service_name: i.service_name,
                    organization: i.organization,
                    personal_note: i.personal_note,
                    status: i.status.into(),
                    barrier: i.barrier.map(Into::into),
                    barrier_note: i.barrier_note,
                    status_date: i.status_date.map(iso),
                })
                .collect(),
        }
    }
}

/// Everything the patient page shows, in one call.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PatientRecord {
    pub patient: Patient,
    pub referrals: Vec<Referral>,
    pub goals: Vec<Goal>,
    pub contacts: ContactPage,
    pub prescriptions: Vec<Prescription>,
    /// Outcome measures, oldest first.
    pub measures: Vec<super::Measure>,
    /// When follow-up measures fall due, if a baseline awaits them.
    pub measures_due: Option<String>,
    /// The next check-in still to happen, and whether it has passed.
    pub next_checkin: Option<String>,
    pub checkin_overdue: bool,
    /// The last conversation's date.
    pub last_contact: Option<String>,
}

impl PatientRecord {
    /// The record as the page shows it on `today` (which decides what is overdue).
    pub fn on(r: store::PatientRecord, today: chrono::NaiveDate) -> Self {
        Self {
            checkin_overdue: waymark_domain::checkin_overdue(r.next_checkin, today),
            next_checkin: r.next_checkin.map(iso),
            last_contact: r.last_contact.map(iso),
            patient: r.patient.into(),
            referrals: r.referrals.into_iter().map(Into::into).collect(),
            goals: r.goals.into_iter().map(Into::into).collect(),
            contacts: r.contacts.into(),
            prescriptions: r.prescriptions.into_iter().map(Into::into).collect(),
            measures: r.measures.into_iter().map(Into::into).collect(),
            measures_due: r.measures_due.map(iso),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_use_the_domain_text_forms() {
        for k in domain::ContactKind::ALL {
            assert_eq!(
                serde_json::to_value(ContactKind::from(*k)).unwrap(),
                k.as_str()
            );
        }
        for s in domain::ItemStatus::ALL {
            assert_eq!(
                serde_json::to_value(ItemStatus::from(*s)).unwrap(),
                s.as_str()
            );
        }
        for b in domain::Barrier::ALL {
            assert_eq!(serde_json::to_value(Barrier::from(*b)).unwrap(), b.as_str());
        }
        for d in domain::Weekday::ALL {
            assert_eq!(serde_json::to_value(Weekday::from(*d)).unwrap(), d.as_str());
        }
        for c in domain::CostBand::ALL {
            assert_eq!(
                serde_json::to_value(CostBand::from(*c)).unwrap(),
                c.as_str()
            );
        }
        for g in domain::GoalStatus::ALL {
            assert_eq!(
                serde_json::to_value(GoalStatus::from(*g)).unwrap(),
                g.as_str()
            );
        }
    }
}
