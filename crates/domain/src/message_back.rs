//! The message back to the GP and referrer: what England's Social Prescribing
//! Information Standard (PRSB, "Message back to GP and referrer") says a link worker
//! sends when an episode ends, gathered by the store and written here as plain text
//! for pasting into EMIS Web or SystmOne; the print crate lays the same facts out as a
//! letter.

use chrono::NaiveDate;

use crate::outcomes::Scale;
use crate::prescription::{Barrier, ItemStatus};
use crate::referral::{
    ClosureOutcome, GpAppointments, ReferralReason, ReferralStatus,
    SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING, SNOMED_SOCIAL_PRESCRIBING_DECLINED,
};
use crate::report::{barrier_label, item_status_label, reason_label, scale_label};
use crate::sheet::printable;
use crate::validation::{optional_text, ValidationErrors};
use crate::PracticeFields;

/// Everything the message back says about one episode.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageBack {
    /// The sender: the practice running social prescribing.
    pub practice: PracticeFields,
    /// The day it is written.
    pub date: NaiveDate,
    pub person: Person,
    pub referral: ReferralSummary,
    /// "What matters to me", in the person's words.
    pub what_matters: Option<String>,
    /// The agreed goals and where each got to.
    pub goals: Vec<GoalLine>,
    /// Activities started, completed or referred to.
    pub taken_up: Vec<ActivityLine>,
    /// Activities declined or not attended, with the barrier.
    pub not_taken_up: Vec<ActivityLine>,
    /// Activities only suggested so far.
    pub suggested: Vec<ActivityLine>,
    /// One line per scale with a baseline and a later measure in the episode.
    pub wellbeing: Vec<WellbeingLine>,
    pub gp_appointments: GpAppointments,
    /// What happens next, as the link worker writes it.
    pub next_steps: Option<String>,
    pub link_worker: LinkWorker,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub date_of_birth: NaiveDate,
    /// "NHS number 943 476 5919" or "MRN 12345".
    pub identifier: Option<String>,
    pub address: Option<String>,
    pub registered_gp: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralSummary {
    pub received_date: NaiveDate,
    /// Name, role and organisation, as known.
    pub referrer: Option<String>,
    pub reasons: Vec<ReferralReason>,
    pub conditions: Option<String>,
    pub status: ReferralStatus,
    pub closed_date: Option<NaiveDate>,
    pub closure_reason: Option<String>,
    pub outcome: Option<ClosureOutcome>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalLine {
    pub description: String,
    /// The goal's status in words ("Achieved").
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityLine {
    pub service: String,
    pub organisation: Option<String>,
    pub status: ItemStatus,
    pub barrier: Option<Barrier>,
    pub barrier_note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WellbeingLine {
    pub scale: Scale,
    pub baseline: f64,
    pub baseline_date: NaiveDate,
    pub latest: f64,
    pub latest_date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkWorker {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A SNOMED CT concept for the GP record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    pub id: &'static str,
    pub term: &'static str,
}

impl MessageBack {
    /// The codes for the GP record: the referral once per episode, and "declined"
    /// when the person declined.
    pub fn codes(&self) -> Vec<Code> {
        let code = |(id, term): (&'static str, &'static str)| Code { id, term };
        let mut codes = vec![code(SNOMED_REFERRAL_TO_SOCIAL_PRESCRIBING)];
        let r = &self.referral;
        // Episodes closed before how they ended was recorded go by their reason, as the
        // referral's codes panel does.
        let declined = match r.outcome {
            Some(o) => o == ClosureOutcome::Declined,
            None => {
                r.status == ReferralStatus::Closed
                    && r.closure_reason
                        .as_deref()
                        .is_some_and(|why| why.to_lowercase().contains("declin"))
            }
        };
        if declined {
            codes.push(code(SNOMED_SOCIAL_PRESCRIBING_DECLINED));
        }
        codes
    }

    /// The sections in order, each a heading and its lines: the one wording both the
    /// plain text and the printed letter use.
    pub fn sections(&self) -> Vec<(&'static str, Vec<String>)> {
        let long = |d: NaiveDate| self.practice.country.long_date(d);
        let text = |s: &str| printable(s);
        let mut out = Vec::new();

        let p = &self.person;
        let mut person = vec![
            format!("Name: {}", text(&p.name)),
            format!("Date of birth: {}", long(p.date_of_birth)),
        ];
        person.extend(p.identifier.as_deref().map(text));
        if let Some(a) = &p.address {
            person.push(format!("Address: {}", one_line(&text(a))));
        }
        if let Some(gp) = &p.registered_gp {
            person.push(format!("Registered GP: {}", text(gp)));
        }
        out.push(("About the person", person));

        let r = &self.referral;
        let mut referral = vec![format!("Referral received: {}", long(r.received_date))];
        if let Some(by) = &r.referrer {
            referral.push(format!("Referred by: {}", text(by)));
        }
        if !r.reasons.is_empty() {
            let reasons: Vec<&str> = r.reasons.iter().map(|&x| reason_label(x)).collect();
            referral.push(format!("Reasons: {}", reasons.join(", ")));
        }
        if let Some(c) = &r.conditions {
            referral.push(format!("Conditions: {}", one_line(&text(c))));
        }
        out.push(("Why they were referred", referral));

        out.push((
            "What matters to them",
            vec![self
                .what_matters
                .as_deref()
                .map_or_else(|| "Not recorded.".to_owned(), text)],
        ));

        let goals: Vec<String> = if self.goals.is_empty() {
            vec!["No goals recorded.".into()]
        } else {
            self.goals
                .iter()
                .map(|g| format!("- {} ({})", text(&g.description), text(&g.status)))
                .collect()
        };
        out.push(("Goals agreed", goals));

        let activity = |a: &ActivityLine| {
            let mut line = format!("- {}", text(&a.service));
            if let Some(o) = &a.organisation {
                line.push_str(&format!(", {}", text(o)));
            }
            line.push_str(&format!(": {}", item_status_label(a.status).to_lowercase()));
            if let Some(b) = a.barrier {
                line.push_str(&format!(" (barrier: {}", barrier_label(b).to_lowercase()));
                if let Some(n) = &a.barrier_note {
                    line.push_str(&format!(", {}", one_line(&text(n))));
                }
                line.push(')');
            }
            line
        };
        let list = |items: &[ActivityLine], none: &str| -> Vec<String> {
            if items.is_empty() {
                vec![none.to_owned()]
            } else {
                items.iter().map(activity).collect()
            }
        };
        out.push((
            "What they took up",
            list(&self.taken_up, "None of the activities was taken up."),
        ));
        let mut not: Vec<String> = self.not_taken_up.iter().map(activity).collect();
        not.extend(self.suggested.iter().map(activity));
        if not.is_empty() {
            not.push("None declined or missed.".into());
        }
        out.push(("What they did not take up, and why", not));

        let mut change: Vec<String> = self
            .wellbeing
            .iter()
            .map(|w| {
                // Compared as printed (one decimal place), so "+0" never says better.
                let diff = round1(round1(w.latest) - round1(w.baseline));
                let better = if diff == 0.0 {
                    "no change"
                } else if w.scale.improved(w.baseline, w.latest) {
                    "better"
                } else {
                    "worse"
                };
                format!(
                    "{}: {} on {}, {} on {} ({:+}, {better})",
                    scale_label(w.scale),
                    number(w.baseline),
                    long(w.baseline_date),
                    number(w.latest),
                    long(w.latest_date),
                    diff + 0.0,
                )
            })
            .collect();
        if change.is_empty() {
            change.push("No measure was repeated during the episode.".into());
        }
        let gp = self.gp_appointments;
        let months = crate::referral::GP_APPOINTMENT_MONTHS;
        if let Some(b) = gp.before {
            change.push(format!(
                "GP appointments in the {months} months before the referral: {} (counted {})",
                b.appointments,
                long(b.counted)
            ));
        }
        if let Some(a) = gp.after {
            change.push(format!(
                "GP appointments in the {months} months after the referral: {} (counted {})",
                a.appointments,
                long(a.counted)
            ));
        }
        out.push(("Wellbeing and GP appointments", change));

        let mut next = Vec::new();
        match r.status {
            ReferralStatus::Closed => {
                let how = r
                    .outcome
                    .map_or(String::new(), |o| format!(": {}", o.label().to_lowercase()));
                let when = r
                    .closed_date
                    .map_or(String::new(), |d| format!(" on {}", long(d)));
                next.push(format!("Support ended{when}{how}."));
                if let Some(why) = &r.closure_reason {
                    next.push(one_line(&text(why)));
                }
            }
            _ => next.push("Support is continuing.".into()),
        }
        if let Some(n) = &self.next_steps {
            next.push(text(n));
        }
        out.push(("What happens next", next));

        let w = &self.link_worker;
        let mut worker = vec![w
            .name
            .as_deref()
            .map_or_else(|| "Link worker".to_owned(), text)];
        worker.push(text(&self.practice.name));
        worker.extend(w.phone.as_deref().map(|p| format!("Phone: {}", text(p))));
        worker.extend(w.email.as_deref().map(|e| format!("Email: {}", text(e))));
        out.push(("Link worker", worker));

        out.push((
            "Codes for the GP record (SNOMED CT)",
            self.codes()
                .iter()
                .map(|c| format!("{} {}", c.id, c.term))
                .collect(),
        ));
        out
    }

    /// The sender's contact lines under its name, as both versions carry them.
    pub fn letterhead(&self) -> Vec<String> {
        let p = &self.practice;
        let mut out = Vec::new();
        if let Some(a) = &p.address {
            let lines: Vec<String> = printable(a)
                .lines()
                .map(one_line)
                .filter(|l| !l.is_empty())
                .collect();
            out.push(lines.join(", "));
        }
        out.extend(
            p.phone
                .as_deref()
                .map(|v| format!("Phone: {}", printable(v))),
        );
        out.extend(
            p.email
                .as_deref()
                .map(|v| format!("Email: {}", printable(v))),
        );
        out
    }

    /// The title both versions carry.
    pub fn title(&self) -> &'static str {
        "Social prescribing: message back to GP and referrer"
    }

    /// The message as plain text, for pasting into a GP system: a title, then each
    /// section's heading in capitals and its lines.
    pub fn plain_text(&self) -> String {
        let p = &self.practice;
        let mut out = format!("{}\n{}\n", self.title(), printable(&p.name));
        for line in self.letterhead() {
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str(&format!("Date: {}\n", p.country.long_date(self.date)));
        for (heading, lines) in self.sections() {
            out.push('\n');
            out.push_str(&heading.to_uppercase());
            out.push('\n');
            for line in lines {
                out.push_str(&line);
                out.push('\n');
            }
        }
        out
    }
}

/// The longest "what happens next" a message may carry.
pub const NEXT_STEPS_MAX: usize = 2000;

/// Checks what the link worker wrote under "What happens next" ("" is none).
pub fn validate_next_steps(text: &str) -> Result<Option<String>, ValidationErrors> {
    let mut e = ValidationErrors::default();
    let text = optional_text(
        &mut e,
        "nextSteps",
        "What happens next",
        text,
        NEXT_STEPS_MAX,
        true,
    );
    e.into_result(text)
}

/// A multi-line text folded onto one line.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// A score as a letter shows it: whole numbers bare, others to one decimal place.
fn number(v: f64) -> String {
    let v = round1(v);
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Country, PracticeFields};

    fn message(outcome: Option<ClosureOutcome>, reason: &str) -> MessageBack {
        let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        MessageBack {
            practice: PracticeFields {
                name: "Hollinsford Surgery".into(),
                address: Some("1 High Street\nHollinsford".into()),
                phone: Some("01632 960000".into()),
                email: None,
                country: Country::Uk,
                logo_png: None,
            },
            date: day,
            person: Person {
                name: "Zoë O'Brien".into(),
                date_of_birth: NaiveDate::from_ymd_opt(1987, 3, 14).unwrap(),
                identifier: None,
                address: None,
                registered_gp: None,
            },
            referral: ReferralSummary {
                received_date: day,
                referrer: None,
                reasons: vec![],
                conditions: None,
                status: ReferralStatus::Closed,
                closed_date: Some(day),
                closure_reason: Some(reason.into()),
                outcome,
            },
            what_matters: None,
            goals: vec![],
            taken_up: vec![],
            not_taken_up: vec![],
            suggested: vec![],
            wellbeing: vec![WellbeingLine {
                scale: Scale::Swemwbs,
                baseline: 19.25,
                baseline_date: day,
                latest: 19.27,
                latest_date: day,
            }],
            gp_appointments: GpAppointments::default(),
            next_steps: None,
            link_worker: LinkWorker {
                name: None,
                phone: None,
                email: None,
            },
        }
    }

    fn ids(m: &MessageBack) -> Vec<&'static str> {
        m.codes().iter().map(|c| c.id).collect()
    }

    #[test]
    fn the_declined_code_follows_the_outcome_or_an_older_episodes_reason() {
        let referral = "871731000000106";
        let declined = "871711000000103";
        assert_eq!(
            ids(&message(Some(ClosureOutcome::Declined), "")),
            [referral, declined]
        );
        assert_eq!(
            ids(&message(Some(ClosureOutcome::Completed), "declined")),
            [referral]
        );
        assert_eq!(
            ids(&message(None, "Patient Declined for now")),
            [referral, declined]
        );
        assert_eq!(ids(&message(None, "Goals met")), [referral]);
    }

    #[test]
    fn the_text_carries_the_letterhead_and_rounds_as_it_compares() {
        let text = message(None, "Goals met").plain_text();
        assert!(text.starts_with(
            "Social prescribing: message back to GP and referrer\nHollinsford Surgery\n\
             1 High Street, Hollinsford\nPhone: 01632 960000\nDate: 24 November 2026\n"
        ));
        // 19.25 and 19.27 both print as 19.3: no change, never "+0, better".
        assert!(
            text.contains("19.3 on 24 November 2026, 19.3 on 24 November 2026 (+0, no change)"),
            "{text}"
        );
        let empty = message(None, "Goals met");
        assert!(empty.plain_text().contains("None declined or missed."));
    }
}
