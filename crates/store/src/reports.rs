//! The practice's period report: referrals, people seen, what was prescribed and how
//! far each activity got, the barriers met (the unmet-needs report), and the paired
//! baseline/follow-up change of each outcome measure. Aggregates only; each table can
//! be exported as CSV with small numbers suppressed.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{params, Connection};
use waymark_domain::outcomes::{Instrument, Scale};
use waymark_domain::report::{self, Period, ReportTable};
use waymark_domain::{Barrier, ItemStatus, ReferralReason, ReferralSource};

use crate::audit::{self, AuditAction};
use crate::date_text;
use crate::db::Database;
use crate::error::Result;
use crate::export::{spreadsheet_cell, write_csv_file};
use crate::outcomes::scored;

/// A count under a key (an enum's text form, or a service category).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub key: String,
    pub count: u64,
}

/// Activities prescribed in the period by how far they got. Each stage counts the
/// activities that reached at least it, so suggested ≥ referred ≥ started ≥ completed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Funnel {
    pub suggested: u64,
    pub referred: u64,
    pub started: u64,
    pub completed: u64,
    pub declined: u64,
    pub did_not_attend: u64,
}

/// Paired change on one scale: follow-ups in the period against their baselines.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutcomeChange {
    pub scale: Scale,
    pub pairs: u64,
    pub mean_baseline: Option<f64>,
    pub mean_follow_up: Option<f64>,
    pub mean_change: Option<f64>,
    /// Pairs that moved in the better direction for this scale.
    pub improved: u64,
    pub share_improved: Option<f64>,
}

/// Everything the reports screen shows for one period.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodReport {
    pub period: Period,
    pub referrals: u64,
    /// Every source, most referrals first.
    pub referral_sources: Vec<Count>,
    /// Every reason, most referrals first (a referral may give several).
    pub referral_reasons: Vec<Count>,
    /// Distinct patients with a conversation in the period.
    pub people_seen: u64,
    pub contacts: u64,
    pub prescriptions: u64,
    /// Activities on the period's prescriptions.
    pub items: u64,
    /// Activities by their service's category ("" for none), most first.
    pub service_categories: Vec<Count>,
    pub funnel: Funnel,
    /// Barriers recorded on the period's activities, most common first.
    pub barriers: Vec<Count>,
    /// One row per scale, in `Scale::ALL` order.
    pub outcomes: Vec<OutcomeChange>,
}

#[derive(Debug)]
pub struct Reports<'a> {
    db: &'a Database,
}

impl Database {
    pub fn reports(&self) -> Reports<'_> {
        Reports { db: self }
    }
}

impl Reports<'_> {
    /// The report for `period`, read in one transaction. It holds no patient data, but
    /// reading it is audited like any other look at the caseload.
    pub fn period(&self, period: Period) -> Result<PeriodReport> {
        let tx = self.db.conn.unchecked_transaction()?;
        let report = build(&tx, period)?;
        audit::record(&tx, self.db.actor, AuditAction::View, "report", None, None)?;
        tx.commit()?;
        Ok(report)
    }

    /// Writes one table of the period's report as CSV to `path` (through a temporary
    /// file, renamed when complete), with counts under five shown as "<5", and audits
    /// the export. Returns the number of data rows.
    pub fn export_csv(&self, period: Period, table: ReportTable, path: &Path) -> Result<u64> {
        let tx = self.db.conn.unchecked_transaction()?;
        let report = build(&tx, period)?;
        let rows = table_rows(&report, table);
        write_csv_file(path, |w| {
            w.write_record(header(table))?;
            for row in &rows {
                // Only the label may be user text (a service's category); the
                // numbers, negative changes included, stay numbers.
                w.write_record(row.iter().enumerate().map(|(i, c)| {
                    if i == 0 {
                        spreadsheet_cell(c).into_owned()
                    } else {
                        c.clone()
                    }
                }))?;
            }
            Ok(())
        })?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::Export,
            audit_entity(table),
            None,
            None,
        )?;
        tx.commit()?;
        Ok(rows.len() as u64)
    }
}

fn build(conn: &Connection, period: Period) -> Result<PeriodReport> {
    let from = date_text(period.from);
    let to = date_text(period.to);
    let grouped = |sql: &str| -> Result<HashMap<String, u64>> {
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map(params![from, to], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        let mut out = HashMap::new();
        for row in rows {
            let (k, n) = row?;
            out.insert(k, u64::try_from(n).unwrap_or_default());
        }
        Ok(out)
    };
    let sources = grouped(
        "SELECT source, count(*) FROM referrals
         WHERE received_date BETWEEN ?1 AND ?2 GROUP BY source",
    )?;
    let reasons = grouped(
        "SELECT rr.reason, count(*) FROM referrals r
         JOIN referral_reasons rr ON rr.referral_id = r.id
         WHERE r.received_date BETWEEN ?1 AND ?2 GROUP BY rr.reason",
    )?;
    let (people_seen, contacts): (i64, i64) = conn.query_row(
        "SELECT count(DISTINCT patient_id), count(*) FROM contacts
         WHERE contact_date BETWEEN ?1 AND ?2",
        params![from, to],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let prescriptions: i64 = conn.query_row(
        "SELECT count(*) FROM prescriptions WHERE prescribed_date BETWEEN ?1 AND ?2",
        params![from, to],
        |r| r.get(0),
    )?;

    // Every activity on the period's prescriptions, grouped once by service, status
    // and barrier (from a covering index); the three tables are sums over these
    // groups, with each service's category looked up here rather than joined per row.
    let category_of: HashMap<i64, String> = {
        let mut stmt = conn.prepare_cached("SELECT id, coalesce(category, '') FROM services")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut categories: HashMap<String, u64> = HashMap::new();
    let mut statuses: HashMap<&'static str, u64> = HashMap::new();
    let mut barriers: HashMap<String, u64> = HashMap::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT i.service_id, i.status, i.barrier, count(*)
             FROM prescriptions p
             JOIN prescription_items i ON i.prescription_id = p.id
             WHERE p.prescribed_date BETWEEN ?1 AND ?2
             GROUP BY 1, 2, 3",
        )?;
        let mut rows = stmt.query(params![from, to])?;
        while let Some(r) = rows.next()? {
            let n = u64::try_from(r.get::<_, i64>(3)?).unwrap_or_default();
            let category = category_of
                .get(&r.get::<_, i64>(0)?)
                .cloned()
                .unwrap_or_default();
            *categories.entry(category).or_default() += n;
            let status: ItemStatus = r.get::<_, String>(1)?.parse()?;
            *statuses.entry(status.as_str()).or_default() += n;
            if let Some(b) = r.get::<_, Option<String>>(2)? {
                *barriers.entry(b).or_default() += n;
            }
        }
    }
    let at = |s: ItemStatus| statuses.get(s.as_str()).copied().unwrap_or_default();
    let completed = at(ItemStatus::Completed);
    let started = completed + at(ItemStatus::Started);
    let referred = started + at(ItemStatus::Referred);
    let funnel = Funnel {
        suggested: statuses.values().sum(),
        referred,
        started,
        completed,
        declined: at(ItemStatus::Declined),
        did_not_attend: at(ItemStatus::DidNotAttend),
    };
    let items = funnel.suggested;

    Ok(PeriodReport {
        period,
        referrals: sources.values().sum(),
        referral_sources: every(ReferralSource::ALL.iter().map(|s| s.as_str()), &sources),
        referral_reasons: every(ReferralReason::ALL.iter().map(|s| s.as_str()), &reasons),
        people_seen: u64::try_from(people_seen).unwrap_or_default(),
        contacts: u64::try_from(contacts).unwrap_or_default(),
        prescriptions: u64::try_from(prescriptions).unwrap_or_default(),
        items,
        service_categories: ranked(categories),
        funnel,
        barriers: ranked(barriers),
        outcomes: paired_change(conn, &from, &to)?,
    })
}

/// Every key in its given order with its count (zero when absent), most first; the
/// sort is stable, so ties keep the given order.
fn every<'k>(keys: impl Iterator<Item = &'k str>, counts: &HashMap<String, u64>) -> Vec<Count> {
    let mut out: Vec<Count> = keys
        .map(|k| Count {
            key: k.to_owned(),
            count: counts.get(k).copied().unwrap_or_default(),
        })
        .collect();
    out.sort_by_key(|c| std::cmp::Reverse(c.count));
    out
}

/// The keys present, most first, ties by key.
fn ranked(counts: HashMap<String, u64>) -> Vec<Count> {
    let mut out: Vec<Count> = counts
        .into_iter()
        .map(|(key, count)| Count { key, count })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    out
}

/// For each patient and instrument: the latest follow-up recorded in the period and
/// the latest baseline on or before it. A follow-up with no baseline makes no pair.
/// The baseline is found through the patient's own rows (`INDEXED BY`): the planner
/// could otherwise take the date index and scan every baseline for each follow-up.
fn paired_change(conn: &Connection, from: &str, to: &str) -> Result<Vec<OutcomeChange>> {
    #[derive(Default)]
    struct Sums {
        pairs: u64,
        baseline: f64,
        follow_up: f64,
        improved: u64,
    }
    let mut sums: HashMap<Scale, Sums> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT f.instrument, f.answers,
            (SELECT b.answers FROM outcome_measures b INDEXED BY outcome_measures_patient
             WHERE b.patient_id = f.patient_id AND b.instrument = f.instrument
               AND b.timepoint = 'baseline' AND b.recorded_date <= f.recorded_date
             ORDER BY b.recorded_date DESC, b.id DESC LIMIT 1)
         FROM (SELECT patient_id, instrument, recorded_date, answers,
                  row_number() OVER (PARTITION BY patient_id, instrument
                                     ORDER BY recorded_date DESC, id DESC) AS nth
               FROM outcome_measures
               WHERE timepoint = 'follow_up' AND recorded_date BETWEEN ?1 AND ?2) AS f
         WHERE f.nth = 1",
    )?;
    let mut rows = stmt.query(params![from, to])?;
    while let Some(r) = rows.next()? {
        let Some(baseline) = r.get::<_, Option<String>>(2)? else {
            continue;
        };
        let instrument: Instrument = r.get::<_, String>(0)?.parse()?;
        let (_, before) = scored(instrument, &baseline)?;
        let (_, after) = scored(instrument, &r.get::<_, String>(1)?)?;
        for (b, a) in before.scales.iter().zip(&after.scales) {
            let s = sums.entry(b.scale).or_default();
            s.pairs += 1;
            s.baseline += b.value;
            s.follow_up += a.value;
            s.improved += u64::from(b.scale.improved(b.value, a.value));
        }
    }
    Ok(Scale::ALL
        .iter()
        .map(|&scale| {
            let s = sums.remove(&scale).unwrap_or_default();
            let mean = |total: f64| (s.pairs > 0).then(|| total / s.pairs as f64);
            OutcomeChange {
                scale,
                pairs: s.pairs,
                mean_baseline: mean(s.baseline),
                mean_follow_up: mean(s.follow_up),
                mean_change: mean(s.follow_up - s.baseline),
                improved: s.improved,
                share_improved: mean(s.improved as f64),
            }
        })
        .collect())
}

/// What the audit log calls an exported table.
fn audit_entity(table: ReportTable) -> &'static str {
    match table {
        ReportTable::ReferralSources => "report_referral_sources",
        ReportTable::ReferralReasons => "report_referral_reasons",
        ReportTable::Activity => "report_activity",
        ReportTable::ServiceCategories => "report_service_categories",
        ReportTable::ItemFunnel => "report_item_funnel",
        ReportTable::Barriers => "report_barriers",
        ReportTable::Outcomes => "report_outcomes",
    }
}

fn header(table: ReportTable) -> &'static [&'static str] {
    match table {
        ReportTable::ReferralSources => &["Referral source", "Referrals"],
        ReportTable::ReferralReasons => &["Referral reason", "Referrals"],
        ReportTable::Activity => &["Measure", "Count"],
        ReportTable::ServiceCategories => &["Service category", "Activities prescribed"],
        ReportTable::ItemFunnel => &["Stage", "Activities"],
        ReportTable::Barriers => &["Barrier", "Activities"],
        ReportTable::Outcomes => &[
            "Measure",
            "Pairs",
            "Mean at baseline",
            "Mean at follow-up",
            "Mean change",
            "Improved",
            "Share improved",
        ],
    }
}

/// A table's rows as exported: labels in words, counts suppressed under five. An
/// outcome row with fewer than five pairs shows no means, and a share is left out when
/// the count it comes from is suppressed.
fn table_rows(r: &PeriodReport, table: ReportTable) -> Vec<Vec<String>> {
    let counted = |label: String, n: u64| vec![label, report::suppressed(n)];
    let labelled = |counts: &[Count], label: &dyn Fn(&str) -> String| {
        counts
            .iter()
            .map(|c| counted(label(&c.key), c.count))
            .collect::<Vec<_>>()
    };
    match table {
        ReportTable::ReferralSources => labelled(&r.referral_sources, &|k| {
            k.parse()
                .map_or_else(|_| k.to_owned(), |s| report::source_label(s).to_owned())
        }),
        ReportTable::ReferralReasons => labelled(&r.referral_reasons, &|k| {
            k.parse()
                .map_or_else(|_| k.to_owned(), |s| report::reason_label(s).to_owned())
        }),
        ReportTable::Activity => vec![
            counted("Referrals received".into(), r.referrals),
            counted("People seen".into(), r.people_seen),
            counted("Conversations".into(), r.contacts),
            counted("Prescriptions".into(), r.prescriptions),
            counted("Activities prescribed".into(), r.items),
        ],
        ReportTable::ServiceCategories => labelled(&r.service_categories, &|k| {
            if k.is_empty() {
                "No category".to_owned()
            } else {
                k.to_owned()
            }
        }),
        ReportTable::ItemFunnel => {
            let f = r.funnel;
            [
                (ItemStatus::Suggested, f.suggested),
                (ItemStatus::Referred, f.referred),
                (ItemStatus::Started, f.started),
                (ItemStatus::Completed, f.completed),
                (ItemStatus::Declined, f.declined),
                (ItemStatus::DidNotAttend, f.did_not_attend),
            ]
            .into_iter()
            .map(|(s, n)| counted(report::item_status_label(s).to_owned(), n))
            .collect()
        }
        ReportTable::Barriers => labelled(&r.barriers, &|k| {
            k.parse::<Barrier>()
                .map_or_else(|_| k.to_owned(), |b| report::barrier_label(b).to_owned())
        }),
        ReportTable::Outcomes => r
            .outcomes
            .iter()
            .map(|o| {
                let shown = o.pairs >= report::SUPPRESS_BELOW;
                let number = |v: Option<f64>| match v {
                    Some(v) if shown => format!("{v:.2}"),
                    _ => String::new(),
                };
                let share = match o.share_improved {
                    Some(s) if shown && !report::is_suppressed(o.improved) => {
                        format!("{:.0}%", s * 100.0)
                    }
                    _ => String::new(),
                };
                vec![
                    report::scale_label(o.scale).to_owned(),
                    report::suppressed(o.pairs),
                    number(o.mean_baseline),
                    number(o.mean_follow_up),
                    number(o.mean_change),
                    report::suppressed(o.improved),
                    share,
                ]
            })
            .collect(),
    }
}
