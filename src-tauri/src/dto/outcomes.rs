//! IPC types of outcome measures and the period report.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use waymark_domain as domain;
use waymark_store as store;

use super::iso;

mirror_enum!(Instrument {
    Ons4,
    Swemwbs,
    Ucla3
});
mirror_enum!(Timepoint { Baseline, FollowUp });
mirror_enum!(Scale {
    LifeSatisfaction,
    Worthwhile,
    Happiness,
    Anxiety,
    Swemwbs,
    Ucla3
});
mirror_enum!(Band {
    VeryLow,
    Low,
    Medium,
    High,
    VeryHigh
});
mirror_enum!(ReportTable {
    ReferralSources,
    ReferralReasons,
    Activity,
    ServiceCategories,
    ItemFunnel,
    Barriers,
    Outcomes,
    Referrers,
    GpAppointments
});

/// A measure as the form sends it: `null` is a question left unanswered.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MeasureInput {
    pub instrument: Instrument,
    pub timepoint: Timepoint,
    pub recorded_date: String,
    pub answers: Vec<Option<i64>>,
}

impl From<MeasureInput> for domain::MeasureInput {
    fn from(m: MeasureInput) -> Self {
        Self {
            instrument: m.instrument.into(),
            timepoint: m.timepoint.into(),
            recorded_date: m.recorded_date,
            answers: m.answers,
        }
    }
}

/// One scale's score; the band is ONS4's only.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ScaleScore {
    pub scale: Scale,
    pub value: f64,
    pub band: Option<Band>,
}

/// A recorded measure with its scores (scored by the domain's rules on every read).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Measure {
    pub id: i64,
    pub patient_id: i64,
    pub referral_id: Option<i64>,
    pub instrument: Instrument,
    pub timepoint: Timepoint,
    pub recorded_date: String,
    pub answers: Vec<u8>,
    /// SWEMWBS's raw total (7–35); its metric score is the scale's value.
    pub raw_score: Option<u8>,
    pub scores: Vec<ScaleScore>,
    pub staff_name: Option<String>,
}

impl From<store::outcomes::Measure> for Measure {
    fn from(m: store::outcomes::Measure) -> Self {
        Self {
            id: m.id,
            patient_id: m.patient_id,
            referral_id: m.referral_id,
            instrument: m.instrument.into(),
            timepoint: m.timepoint.into(),
            recorded_date: iso(m.recorded_date),
            answers: m.answers,
            raw_score: m.scores.raw,
            scores: m
                .scores
                .scales
                .into_iter()
                .map(|s| ScaleScore {
                    scale: s.scale.into(),
                    value: s.value,
                    band: s.band.map(Into::into),
                })
                .collect(),
            staff_name: m.staff_name,
        }
    }
}

/// A count under a key: an enum's text form, or a service's category (`""` for none).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Count {
    pub key: String,
    pub count: u64,
}

/// Activities that reached at least each stage, and those declined or missed.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Funnel {
    pub suggested: u64,
    pub referred: u64,
    pub started: u64,
    pub completed: u64,
    pub declined: u64,
    pub did_not_attend: u64,
}

/// Paired baseline and follow-up change on one scale; means are `null` without pairs.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OutcomeChange {
    pub scale: Scale,
    pub pairs: u64,
    pub mean_baseline: Option<f64>,
    pub mean_follow_up: Option<f64>,
    pub mean_change: Option<f64>,
    pub improved: u64,
    pub share_improved: Option<f64>,
}

/// The reports screen for one period (both days included).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PeriodReport {
    pub from: String,
    pub to: String,
    pub referrals: u64,
    pub referral_sources: Vec<Count>,
    pub referral_reasons: Vec<Count>,
    pub people_seen: u64,
    pub contacts: u64,
    pub prescriptions: u64,
    pub items: u64,
    pub service_categories: Vec<Count>,
    pub funnel: Funnel,
    pub barriers: Vec<Count>,
    pub outcomes: Vec<OutcomeChange>,
    /// Referrals by referring practice or agency ("" for none given), most first.
    pub referrers: Vec<Count>,
    pub gp_appointments: GpAppointmentChange,
}

/// GP appointments six months either side of the period's referrals, for the people
/// with both counts; `change` is after less before.
#[derive(Debug, Clone, Copy, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct GpAppointmentChange {
    pub people: u64,
    pub before: u64,
    pub after: u64,
    pub change: i64,
}

fn counts(c: Vec<store::reports::Count>) -> Vec<Count> {
    c.into_iter()
        .map(|c| Count {
            key: c.key,
            count: c.count,
        })
        .collect()
}

impl From<store::reports::PeriodReport> for PeriodReport {
    fn from(r: store::reports::PeriodReport) -> Self {
        let f = r.funnel;
        Self {
            from: iso(r.period.from),
            to: iso(r.period.to),
            referrals: r.referrals,
            referral_sources: counts(r.referral_sources),
            referral_reasons: counts(r.referral_reasons),
            people_seen: r.people_seen,
            contacts: r.contacts,
            prescriptions: r.prescriptions,
            items: r.items,
            service_categories: counts(r.service_categories),
            funnel: Funnel {
                suggested: f.suggested,
                referred: f.referred,
                started: f.started,
                completed: f.completed,
                declined: f.declined,
                did_not_attend: f.did_not_attend,
            },
            barriers: counts(r.barriers),
            referrers: counts(r.referrers),
            gp_appointments: GpAppointmentChange {
                people: r.gp_appointments.people,
                before: r.gp_appointments.before,
                after: r.gp_appointments.after,
                change: r.gp_appointments.change(),
            },
            outcomes: r
                .outcomes
                .into_iter()
                .map(|o| OutcomeChange {
                    scale: o.scale.into(),
                    pairs: o.pairs,
                    mean_baseline: o.mean_baseline,
                    mean_follow_up: o.mean_follow_up,
                    mean_change: o.mean_change,
                    improved: o.improved,
                    share_improved: o.share_improved,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_use_the_domain_text_forms() {
        for s in domain::Scale::ALL {
            assert_eq!(serde_json::to_value(Scale::from(*s)).unwrap(), s.as_str());
        }
        for t in domain::ReportTable::ALL {
            assert_eq!(
                serde_json::to_value(ReportTable::from(*t)).unwrap(),
                t.as_str()
            );
        }
        for t in domain::Timepoint::ALL {
            assert_eq!(
                serde_json::to_value(Timepoint::from(*t)).unwrap(),
                t.as_str()
            );
        }
        for i in domain::Instrument::ALL {
            assert_eq!(
                serde_json::to_value(Instrument::from(*i)).unwrap(),
                i.as_str()
            );
        }
        for b in domain::Band::ALL {
            assert_eq!(serde_json::to_value(Band::from(*b)).unwrap(), b.as_str());
        }
    }
}
