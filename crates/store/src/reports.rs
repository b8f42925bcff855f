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
use crate::error::{Error, Result};
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

/// GP appointments in the six months before and after the referrals received in the
/// period, for the people with both counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GpAppointmentChange {
    pub people: u64,
    pub before: u64,
    pub after: u64,
}

impl GpAppointmentChange {
    /// After less before: negative when people needed their GP less.
    pub fn change(&self) -> i64 {
        i64::try_from(self.after).unwrap_or(i64::MAX)
            - i64::try_from(self.before).unwrap_or(i64::MAX)
    }
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
    /// Referrals received by referring practice or agency (its name as first typed;
    /// "" for none given), most first.
    pub referrers: Vec<Count>,
    pub gp_appointments: GpAppointmentChange,
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
    // Everything but people seen and outcome change is a sum over the day tallies the
    // schema keeps (migration 4): a few rows per day whatever the caseload's size.
    let mut tallies: HashMap<String, HashMap<String, u64>> = HashMap::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT kind, key, sum(n) FROM report_counts
             WHERE day BETWEEN ?1 AND ?2 GROUP BY kind, key",
        )?;
        let mut rows = stmt.query(params![from, to])?;
        while let Some(r) = rows.next()? {
            let sum: i64 = r.get(2)?;
            // Triggers keep every tally at zero or more; a negative sum means they were
            // bypassed, and the report must say so rather than leave the row out.
            let n = u64::try_from(sum)
                .map_err(|_| Error::Corrupt(format!("a report tally is negative ({sum})")))?;
            // Tallies that went back to zero stay as rows; they are not counts.
            if n > 0 {
                tallies.entry(r.get(0)?).or_default().insert(r.get(1)?, n);
            }
        }
    }
    let mut kind = |k: &str| tallies.remove(k).unwrap_or_default();
    let sources = kind("source");
    let reasons = kind("reason");
    let contacts: u64 = kind("contact").values().sum();
    let prescriptions: u64 = kind("prescription").values().sum();
    let categories = kind("category");
    let barriers = kind("barrier");
    let statuses = kind("status");
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

    let (referrers, gp_appointments) = referrers_and_gp(conn, &from, &to)?;
    Ok(PeriodReport {
        period,
        referrals: sources.values().sum(),
        referral_sources: every(ReferralSource::ALL.iter().map(|s| s.as_str()), &sources),
        referral_reasons: every(ReferralReason::ALL.iter().map(|s| s.as_str()), &reasons),
        people_seen: people_seen(conn, &from, &to)?,
        contacts,
        prescriptions,
        items: funnel.suggested,
        service_categories: ranked(categories),
        funnel,
        barriers: ranked(barriers),
        outcomes: paired_change(conn, &from, &to)?,
        referrers,
        gp_appointments,
    })
}

/// Referrals received in the period by referring organisation, and the paired
/// GP-appointment counts of those referrals, from one pass over the reports' covering
/// index of referrals (schema 9): no table page is read.
///
/// Names are grouped whatever their case and spacing ("Hollinsford  surgery" is
/// "Hollinsford Surgery"), under the spelling used most (the first met, on a tie). The
/// GP figures count the people with both counts and total their referrals' counts.
fn referrers_and_gp(
    conn: &Connection,
    from: &str,
    to: &str,
) -> Result<(Vec<Count>, GpAppointmentChange)> {
    let mut stmt = conn.prepare_cached(
        "SELECT referrer_organisation, patient_id, gp_appts_before, gp_appts_after
         FROM referrals INDEXED BY referrals_report WHERE received_date BETWEEN ?1 AND ?2",
    )?;
    let mut rows = stmt.query(params![from, to])?;
    // Each exact spelling's count, in the order first met ("" for none given).
    let mut spellings: Vec<(String, u64)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut gp = GpAppointmentChange::default();
    let mut people: Vec<u64> = Vec::new();
    while let Some(r) = rows.next()? {
        let name = r
            .get_ref(0)?
            .as_str_or_null()
            .map_err(rusqlite::Error::from)?
            .unwrap_or_default();
        // Looked up by the borrowed text: a name is copied once, when first met.
        match index.get(name) {
            Some(&i) => spellings[i].1 += 1,
            None => {
                index.insert(name.to_owned(), spellings.len());
                spellings.push((name.to_owned(), 1));
            }
        }
        let (before, after): (Option<i64>, Option<i64>) = (r.get(2)?, r.get(3)?);
        if let (Some(b), Some(a)) = (before, after) {
            gp.before += u64::try_from(b).unwrap_or_default();
            gp.after += u64::try_from(a).unwrap_or_default();
            // A bit per patient, as for people seen.
            if let Ok(id) = usize::try_from(r.get::<_, i64>(1)?) {
                let (word, bit) = (id / 64, id % 64);
                if word >= people.len() {
                    people.resize(word + 1, 0);
                }
                people[word] |= 1 << bit;
            }
        }
    }
    gp.people = people.iter().map(|w| u64::from(w.count_ones())).sum();
    // Folded name → (total, the shown spelling's count, the spelling).
    let mut groups: HashMap<String, (u64, u64, String)> = HashMap::new();
    for (name, n) in spellings {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        let g = groups
            .entry(waymark_domain::search::fold(&name))
            .or_insert_with(|| (0, 0, name.clone()));
        g.0 += n;
        // Strictly more: on a tie the spelling met first stays.
        if n > g.1 {
            (g.1, g.2) = (n, name);
        }
    }
    let referrers = ranked(
        groups
            .into_values()
            .map(|(total, _, name)| (name, total))
            .collect(),
    );
    Ok((referrers, gp))
}

/// Distinct patients with a conversation in the period, read off the date index into a
/// bit per patient: a set that cannot be tallied per day, and quicker to gather here
/// than through SQL's DISTINCT.
fn people_seen(conn: &Connection, from: &str, to: &str) -> Result<u64> {
    let mut seen: Vec<u64> = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT patient_id FROM contacts INDEXED BY contacts_date
         WHERE contact_date BETWEEN ?1 AND ?2",
    )?;
    let mut rows = stmt.query(params![from, to])?;
    while let Some(r) = rows.next()? {
        let Ok(id) = usize::try_from(r.get::<_, i64>(0)?) else {
            continue;
        };
        let (word, bit) = (id / 64, id % 64);
        if word >= seen.len() {
            seen.resize(word + 1, 0);
        }
        seen[word] |= 1 << bit;
    }
    Ok(seen.iter().map(|w| u64::from(w.count_ones())).sum())
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
/// Both are kept on each follow-up row by the schema's triggers (migration 4): its
/// baseline, and the date of the next follow-up, so the latest in the period is the
/// one whose next follow-up (if any) falls after the period.
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
        "SELECT f.instrument, f.answers, b.answers
         FROM outcome_measures f INDEXED BY outcome_measures_pairs
         JOIN outcome_measures b ON b.id = f.baseline_id
         WHERE f.timepoint = 'follow_up' AND f.recorded_date BETWEEN ?1 AND ?2
           AND (f.next_follow_up IS NULL OR f.next_follow_up > ?2)",
    )?;
    let mut rows = stmt.query(params![from, to])?;
    while let Some(r) = rows.next()? {
        let baseline: String = r.get(2)?;
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
        ReportTable::Referrers => "report_referrers",
        ReportTable::GpAppointments => "report_gp_appointments",
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
        ReportTable::Referrers => &["Referring practice or agency", "Referrals"],
        ReportTable::GpAppointments => &[
            "People with both counts",
            "GP appointments in the 6 months before",
            "GP appointments in the 6 months after",
            "Change",
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
        ReportTable::Referrers => labelled(&r.referrers, &|k| {
            if k.is_empty() {
                "Not recorded".to_owned()
            } else {
                k.to_owned()
            }
        }),
        ReportTable::GpAppointments => {
            // Totals of fewer than five people could be one person's record.
            let g = r.gp_appointments;
            let shown = g.people >= report::SUPPRESS_BELOW;
            let total = |v: String| if shown { v } else { String::new() };
            vec![vec![
                report::suppressed(g.people),
                total(g.before.to_string()),
                total(g.after.to_string()),
                total(format!("{:+}", g.change())),
            ]]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrations;

    /// A small deterministic generator, so a failing sequence replays exactly.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: i64) -> i64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            i64::try_from(self.0 >> 33).unwrap() % n.max(1)
        }

        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[usize::try_from(self.below(from.len() as i64)).unwrap()]
        }

        fn day(&mut self) -> String {
            format!("2026-10-{:02}", 1 + self.below(6))
        }
    }

    /// The tallies counted afresh from the rows they summarise.
    const RECOUNT: &str = "SELECT day, kind, key, n FROM (
        SELECT received_date AS day, 'source' AS kind, source AS key, count(*) AS n
            FROM referrals GROUP BY 1, 3
        UNION ALL SELECT r.received_date, 'reason', rr.reason, count(*)
            FROM referrals r JOIN referral_reasons rr ON rr.referral_id = r.id GROUP BY 1, 3
        UNION ALL SELECT contact_date, 'contact', '', count(*) FROM contacts GROUP BY 1
        UNION ALL SELECT prescribed_date, 'prescription', '', count(*)
            FROM prescriptions GROUP BY 1
        UNION ALL SELECT p.prescribed_date, 'status', i.status, count(*)
            FROM prescriptions p JOIN prescription_items i ON i.prescription_id = p.id
            GROUP BY 1, 3
        UNION ALL SELECT p.prescribed_date, 'barrier', i.barrier, count(*)
            FROM prescriptions p JOIN prescription_items i ON i.prescription_id = p.id
            WHERE i.barrier IS NOT NULL GROUP BY 1, 3
        UNION ALL SELECT p.prescribed_date, 'category', coalesce(s.category, ''), count(*)
            FROM prescriptions p JOIN prescription_items i ON i.prescription_id = p.id
            JOIN services s ON s.id = i.service_id GROUP BY 1, 3)
        ORDER BY 1, 2, 3";
    const KEPT: &str = "SELECT day, kind, key, n FROM report_counts WHERE n != 0 ORDER BY 1, 2, 3";
    /// Each follow-up's baseline and next follow-up, worked out afresh.
    const REPAIRED: &str = "SELECT f.id, p.baseline_id, p.next_follow_up
        FROM outcome_measures f LEFT JOIN outcome_pairing p ON p.id = f.id ORDER BY f.id";
    const PAIRED: &str = "SELECT id, baseline_id, next_follow_up FROM outcome_measures ORDER BY id";

    type Tally = (String, String, String, i64);
    type Pairing = (i64, Option<i64>, Option<String>);

    fn tallies(conn: &Connection, sql: &str) -> Vec<Tally> {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    }

    fn pairings(conn: &Connection, sql: &str) -> Vec<Pairing> {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    }

    fn assert_kept_right(conn: &Connection, step: usize) {
        assert_eq!(
            tallies(conn, KEPT),
            tallies(conn, RECOUNT),
            "tallies after step {step}"
        );
        let negative: i64 = conn
            .query_row("SELECT count(*) FROM report_counts WHERE n < 0", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(negative, 0, "a negative tally after step {step}");
        assert_eq!(
            pairings(conn, PAIRED),
            pairings(conn, REPAIRED),
            "outcome pairs after step {step}"
        );
    }

    fn nth_id(conn: &Connection, table: &str, rng: &mut Lcg) -> Option<i64> {
        let count: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        (count > 0).then(|| {
            conn.query_row(
                &format!("SELECT id FROM {table} ORDER BY id LIMIT 1 OFFSET ?1"),
                [rng.below(count)],
                |r| r.get(0),
            )
            .unwrap()
        })
    }

    const SOURCES: &[&str] = &["gp", "nurse", "self"];
    const REASONS: &[&str] = &["loneliness", "finance", "housing"];
    const STATUSES: &[&str] = &["suggested", "referred", "started", "completed", "declined"];
    const BARRIERS: &[&str] = &["cost", "transport"];

    /// Caseload set-up the scramble draws on: three patients and four services, one
    /// with no category.
    fn set_up(conn: &Connection) {
        conn.execute_batch(
            "INSERT INTO patients (id, given_name, family_name, date_of_birth, search_text,
                sort_key, created_at, updated_at)
             VALUES (1, 'A', 'One', '1980-01-01', ' a one', 'one', 'x', 'x'),
                    (2, 'B', 'Two', '1980-01-01', ' b two', 'two', 'x', 'x'),
                    (3, 'C', 'Three', '1980-01-01', ' c three', 'three', 'x', 'x');
             INSERT INTO services (id, name, category, search_text, created_at, updated_at)
             VALUES (1, 'Walk', 'Physical activity', ' walk', 'x', 'x'),
                    (2, 'Choir', 'Arts', ' choir', 'x', 'x'),
                    (3, 'Advice', 'Money', ' advice', 'x', 'x'),
                    (4, 'Other', NULL, ' other', 'x', 'x');",
        )
        .unwrap();
    }

    /// One random write of any kind the schema allows: inserts, edits of every counted
    /// column (a referral's reasons, an item's prescription, a measure's instrument
    /// included), deletes (with their cascades) and a service changing category.
    fn scramble_once(conn: &Connection, rng: &mut Lcg) {
        let patient = 1 + rng.below(3);
        match rng.below(16) {
            0 | 1 => {
                conn.execute(
                    "INSERT INTO referrals (patient_id, received_date, source, created_at,
                        updated_at) VALUES (?1, ?2, ?3, 'x', 'x')",
                    params![patient, rng.day(), rng.pick(SOURCES)],
                )
                .unwrap();
                let id = conn.last_insert_rowid();
                for _ in 0..rng.below(3) {
                    conn.execute(
                        "INSERT OR IGNORE INTO referral_reasons VALUES (?1, ?2)",
                        params![id, rng.pick(REASONS)],
                    )
                    .unwrap();
                }
            }
            2 => {
                if let Some(id) = nth_id(conn, "referrals", rng) {
                    let (day, source) = (rng.day(), rng.pick(SOURCES));
                    let sql = match rng.below(3) {
                        0 => {
                            "UPDATE referrals SET received_date = ?2 WHERE id = ?1 AND ?3 IS NOT NULL"
                        }
                        1 => "UPDATE referrals SET source = ?3 WHERE id = ?1 AND ?2 IS NOT NULL",
                        _ => "UPDATE referrals SET received_date = ?2, source = ?3 WHERE id = ?1",
                    };
                    conn.execute(sql, params![id, day, source]).unwrap();
                }
            }
            3 => {
                if let Some(id) = nth_id(conn, "referrals", rng) {
                    if rng.below(2) == 0 {
                        conn.execute("DELETE FROM referral_reasons WHERE referral_id = ?1", [id])
                            .unwrap();
                        conn.execute(
                            "INSERT OR IGNORE INTO referral_reasons VALUES (?1, ?2)",
                            params![id, rng.pick(REASONS)],
                        )
                        .unwrap();
                    } else {
                        conn.execute(
                            "UPDATE OR IGNORE referral_reasons SET reason = ?2
                             WHERE referral_id = ?1",
                            params![id, rng.pick(REASONS)],
                        )
                        .unwrap();
                    }
                }
            }
            4 => {
                if let Some(id) = nth_id(conn, "referrals", rng) {
                    conn.execute("DELETE FROM referrals WHERE id = ?1", [id])
                        .unwrap();
                }
            }
            5 | 6 => {
                conn.execute(
                    "INSERT INTO contacts (patient_id, contact_date, kind, created_at,
                        updated_at) VALUES (?1, ?2, 'phone', 'x', 'x')",
                    params![patient, rng.day()],
                )
                .unwrap();
            }
            7 => {
                if let Some(id) = nth_id(conn, "contacts", rng) {
                    if rng.below(2) == 0 {
                        conn.execute("DELETE FROM contacts WHERE id = ?1", [id])
                            .unwrap();
                    } else {
                        conn.execute(
                            "UPDATE contacts SET contact_date = ?2 WHERE id = ?1",
                            params![id, rng.day()],
                        )
                        .unwrap();
                    }
                }
            }
            8 | 9 => {
                conn.execute(
                    "INSERT INTO prescriptions (patient_id, prescribed_date, created_at,
                        updated_at) VALUES (?1, ?2, 'x', 'x')",
                    params![patient, rng.day()],
                )
                .unwrap();
                let id = conn.last_insert_rowid();
                for position in 0..1 + rng.below(3) {
                    let barrier = (rng.below(2) == 0).then(|| rng.pick(BARRIERS));
                    conn.execute(
                        "INSERT INTO prescription_items (prescription_id, service_id, status,
                            barrier, position) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![id, 1 + rng.below(4), rng.pick(STATUSES), barrier, position],
                    )
                    .unwrap();
                }
            }
            10 => {
                if let Some(id) = nth_id(conn, "prescriptions", rng) {
                    if rng.below(2) == 0 {
                        conn.execute("DELETE FROM prescriptions WHERE id = ?1", [id])
                            .unwrap();
                    } else {
                        conn.execute(
                            "UPDATE prescriptions SET prescribed_date = ?2 WHERE id = ?1",
                            params![id, rng.day()],
                        )
                        .unwrap();
                    }
                }
            }
            11 => {
                if let Some(id) = nth_id(conn, "prescription_items", rng) {
                    let barrier = (rng.below(2) == 0).then(|| rng.pick(BARRIERS));
                    match rng.below(5) {
                        0 => conn
                            .execute("DELETE FROM prescription_items WHERE id = ?1", [id])
                            .unwrap(),
                        // Moved to another prescription, maybe of another day.
                        4 => match nth_id(conn, "prescriptions", rng) {
                            Some(to) => conn
                                .execute(
                                    "UPDATE prescription_items SET prescription_id = ?2
                                     WHERE id = ?1",
                                    params![id, to],
                                )
                                .unwrap(),
                            None => 0,
                        },
                        1 => conn
                            .execute(
                                "UPDATE prescription_items SET service_id = ?2 WHERE id = ?1",
                                params![id, 1 + rng.below(4)],
                            )
                            .unwrap(),
                        _ => conn
                            .execute(
                                "UPDATE prescription_items SET status = ?2, barrier = ?3
                                 WHERE id = ?1",
                                params![id, rng.pick(STATUSES), barrier],
                            )
                            .unwrap(),
                    };
                }
            }
            12 => {
                let category = (rng.below(3) > 0).then(|| rng.pick(&["Arts", "Money", "Nature"]));
                conn.execute(
                    "UPDATE services SET category = ?2 WHERE id = ?1",
                    params![1 + rng.below(4), category],
                )
                .unwrap();
            }
            13 | 14 => {
                let (instrument, answers) = if rng.below(2) == 0 {
                    ("ucla3", format!("[{},2,3]", 1 + rng.below(3)))
                } else {
                    ("ons4", format!("[{},6,7,2]", rng.below(11)))
                };
                conn.execute(
                    "INSERT INTO outcome_measures (patient_id, instrument, timepoint,
                        recorded_date, answers, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'x')",
                    params![
                        patient,
                        instrument,
                        rng.pick(&["baseline", "follow_up", "follow_up"]),
                        rng.day(),
                        answers
                    ],
                )
                .unwrap();
            }
            _ => {
                if let Some(id) = nth_id(conn, "outcome_measures", rng) {
                    let sql = match rng.below(5) {
                        0 => "DELETE FROM outcome_measures WHERE id = ?1 AND ?2 IS NOT NULL",
                        // Filed under the other instrument, with answers that fit it.
                        4 => {
                            "UPDATE outcome_measures
                                SET instrument = CASE instrument
                                        WHEN 'ucla3' THEN 'ons4' ELSE 'ucla3' END,
                                    answers = CASE instrument
                                        WHEN 'ucla3' THEN '[5,6,7,2]' ELSE '[1,2,3]' END
                              WHERE id = ?1 AND ?2 IS NOT NULL"
                        }
                        1 => "UPDATE outcome_measures SET recorded_date = ?2 WHERE id = ?1",
                        2 => {
                            "UPDATE outcome_measures SET patient_id = 1 + (patient_id % 3)
                              WHERE id = ?1 AND ?2 IS NOT NULL"
                        }
                        _ => {
                            "UPDATE outcome_measures SET timepoint = CASE timepoint
                                WHEN 'baseline' THEN 'follow_up' ELSE 'baseline' END
                              WHERE id = ?1 AND ?2 IS NOT NULL"
                        }
                    };
                    conn.execute(sql, params![id, rng.day()]).unwrap();
                }
            }
        }
    }

    #[test]
    fn tallies_and_pairs_follow_every_kind_of_write() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA foreign_keys = ON;").unwrap();
        migrations::apply(&mut conn).unwrap();
        set_up(&conn);
        let mut rng = Lcg(6);
        for step in 0..1_500 {
            scramble_once(&conn, &mut rng);
            if step % 10 == 0 {
                assert_kept_right(&conn, step);
            }
        }
        assert_kept_right(&conn, 1_500);
        let kept: i64 = conn
            .query_row("SELECT count(*) FROM report_counts WHERE n > 0", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(kept > 20, "the scramble must leave something to count");

        // The report built from them agrees with counting the rows directly.
        let period = Period::parse("2026-10-02", "2026-10-04").unwrap();
        let report = build(&conn, period).unwrap();
        let direct = |sql: &str| -> u64 {
            conn.query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|n| u64::try_from(n).unwrap())
                .unwrap()
        };
        let within = "BETWEEN '2026-10-02' AND '2026-10-04'";
        assert_eq!(
            report.people_seen,
            direct(&format!(
                "SELECT count(DISTINCT patient_id) FROM contacts WHERE contact_date {within}"
            ))
        );
        assert_eq!(
            report.contacts,
            direct(&format!(
                "SELECT count(*) FROM contacts WHERE contact_date {within}"
            ))
        );
        assert_eq!(
            report.items,
            direct(&format!(
                "SELECT count(*) FROM prescription_items i JOIN prescriptions p
                 ON p.id = i.prescription_id WHERE p.prescribed_date {within}"
            ))
        );
        assert_eq!(
            report.referrals,
            direct(&format!(
                "SELECT count(*) FROM referrals WHERE received_date {within}"
            ))
        );
    }

    #[test]
    fn upgrading_to_schema_four_counts_what_is_already_there() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA foreign_keys = ON;").unwrap();
        migrations::apply_through(&mut conn, 3).unwrap();
        set_up(&conn);
        let mut rng = Lcg(11);
        for _ in 0..600 {
            scramble_once(&conn, &mut rng);
        }
        migrations::apply(&mut conn).unwrap();
        let kept = tallies(&conn, KEPT);
        assert!(kept.len() > 20, "the upgrade must have something to count");
        assert_kept_right(&conn, 600);
        let paired: i64 = conn
            .query_row(
                "SELECT count(*) FROM outcome_measures WHERE baseline_id IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(paired > 0, "some follow-ups must pair");
    }

    #[test]
    fn a_negative_tally_is_reported_as_damage_not_left_out() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrations::apply(&mut conn).unwrap();
        let period = Period::parse("2026-10-01", "2026-10-31").unwrap();
        assert!(build(&conn, period).is_ok());
        conn.execute(
            "INSERT INTO report_counts (day, kind, key, n) VALUES ('2026-10-05', 'source', 'gp', -1)",
            [],
        )
        .unwrap();
        assert!(matches!(build(&conn, period), Err(Error::Corrupt(_))));
    }
}
