use waymark_domain::outcomes::{Band, Instrument, Scale, Timepoint};
use waymark_domain::report::{Period, ReportTable};
use waymark_domain::{
    Barrier, ContactInput, ContactKind, ItemStatus, ItemStatusChange, MeasureInput,
    PrescriptionInput, PrescriptionItemInput, ReferralReason, ReferralSource, ReferralStatus,
    ServiceInput, StatusChange,
};
use waymark_store::{AuditAction, AuditFilter, Database, Error, PatientQuery};

use crate::common::*;

fn measure(
    instrument: Instrument,
    timepoint: Timepoint,
    date: &str,
    answers: &[i64],
) -> MeasureInput {
    MeasureInput {
        instrument,
        timepoint,
        recorded_date: date.into(),
        answers: answers.iter().map(|a| Some(*a)).collect(),
    }
}

fn record(
    db: &Database,
    patient: i64,
    instrument: Instrument,
    tp: Timepoint,
    date: &str,
    answers: &[i64],
) {
    db.outcomes()
        .record(patient, &measure(instrument, tp, date, answers), today())
        .unwrap();
}

fn audit_total(db: &Database) -> u64 {
    db.audit_query(&AuditFilter {
        limit: 1,
        ..Default::default()
    })
    .unwrap()
    .1
}

fn due_list(db: &Database) -> Vec<(String, Option<chrono::NaiveDate>, bool)> {
    db.patients()
        .list(
            &PatientQuery {
                measures_due: true,
                limit: 50,
                ..Default::default()
            },
            today(),
        )
        .unwrap()
        .items
        .into_iter()
        .map(|p| (p.given_name, p.measures_due, p.measures_overdue))
        .collect()
}

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

#[test]
fn measures_are_scored_shown_on_the_record_and_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let p = db.patients().create(&zoe(), today()).unwrap().id;
    let r = db.referrals().create(p, &referral(), today()).unwrap().id;

    let m = db
        .outcomes()
        .record(
            p,
            &measure(
                Instrument::Ons4,
                Timepoint::Baseline,
                "2026-11-02",
                &[4, 5, 3, 7],
            ),
            today(),
        )
        .unwrap();
    assert_eq!(m.referral_id, Some(r), "filed under the latest episode");
    assert_eq!(m.answers, vec![4, 5, 3, 7]);
    let scores: Vec<(Scale, f64, Option<Band>)> = m
        .scores
        .scales
        .iter()
        .map(|s| (s.scale, s.value, s.band))
        .collect();
    assert_eq!(
        scores,
        vec![
            (Scale::LifeSatisfaction, 4.0, Some(Band::Low)),
            (Scale::Worthwhile, 5.0, Some(Band::Medium)),
            (Scale::Happiness, 3.0, Some(Band::Low)),
            (Scale::Anxiety, 7.0, Some(Band::High)),
        ]
    );
    let audit = newest_audit(&db);
    assert_eq!(audit.action, AuditAction::Create);
    assert_eq!(audit.entity, "outcome_measure");
    assert_eq!((audit.record_id, audit.patient_id), (Some(m.id), Some(p)));

    record(
        &db,
        p,
        Instrument::Swemwbs,
        Timepoint::Baseline,
        "2026-11-02",
        &[2, 2, 2, 2, 2, 2, 2],
    );
    let record = db.patient_record(p, 5).unwrap();
    assert_eq!(record.measures.len(), 2);
    let swemwbs = &record.measures[1].scores;
    assert_eq!(swemwbs.raw, Some(14));
    assert_eq!(swemwbs.scales[0].value, 15.32);
    assert_eq!(
        record.measures_due,
        Some(day("2027-01-25")),
        "12 weeks after the baseline"
    );
}

#[test]
fn incomplete_or_out_of_range_answers_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let p = db.patients().create(&zoe(), today()).unwrap().id;
    let before = audit_total(&db);
    let bad = MeasureInput {
        answers: vec![Some(1), None, Some(4)],
        ..measure(Instrument::Ucla3, Timepoint::Baseline, "2026-11-20", &[])
    };
    let Err(Error::Validation(e)) = db.outcomes().record(p, &bad, today()) else {
        panic!("an unanswered question must be refused");
    };
    assert_eq!(e.message_for("answer2"), Some("Answer question 2."));
    assert!(e.message_for("answer3").unwrap().contains("from 1 to 3"));
    let future = measure(
        Instrument::Ucla3,
        Timepoint::Baseline,
        "2026-11-25",
        &[1, 1, 1],
    );
    assert!(matches!(
        db.outcomes().record(p, &future, today()),
        Err(Error::Validation(_))
    ));
    let nobody = measure(
        Instrument::Ucla3,
        Timepoint::Baseline,
        "2026-11-20",
        &[1, 1, 1],
    );
    assert!(matches!(
        db.outcomes().record(p + 100, &nobody, today()),
        Err(Error::NotFound { .. })
    ));
    assert_eq!(audit_total(&db), before, "nothing audited");
    let record = db.patient_record(p, 5).unwrap();
    assert!(record.measures.is_empty());
    assert_eq!(record.measures_due, None);
}

#[test]
fn follow_up_measures_come_due_on_the_caseload() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let new = |given: &str| {
        db.patients()
            .create(&patient(given, "Example", "1970-01-01", ""), today())
            .unwrap()
            .id
    };
    let overdue = new("Overdue");
    let soon = new("Soon");
    let later = new("Later");
    let done = new("Done");
    let closed = new("Closed");
    let ucla = |p, tp, date| record(&db, p, Instrument::Ucla3, tp, date, &[2, 2, 2]);
    ucla(overdue, Timepoint::Baseline, "2026-08-01");
    ucla(soon, Timepoint::Baseline, "2026-09-10");
    ucla(later, Timepoint::Baseline, "2026-11-20");
    ucla(done, Timepoint::Baseline, "2026-06-01");
    ucla(done, Timepoint::FollowUp, "2026-08-24");
    let r = db
        .referrals()
        .create(closed, &referral(), today())
        .unwrap()
        .id;
    ucla(closed, Timepoint::Baseline, "2026-06-01");

    // 12 weeks: overdue since 24 Oct; Soon due 3 Dec (within 14 days); Later not yet.
    assert_eq!(
        due_list(&db),
        vec![
            ("Closed".to_owned(), Some(day("2026-08-24")), true),
            ("Overdue".to_owned(), Some(day("2026-10-24")), true),
            ("Soon".to_owned(), Some(day("2026-12-03")), false),
        ]
    );
    // A closed episode awaits nothing.
    db.referrals()
        .set_status(
            r,
            &StatusChange {
                status: ReferralStatus::Closed,
                closure_reason: Some("Moved away".into()),
                outcome: None,
            },
            today(),
        )
        .unwrap();
    assert_eq!(due_list(&db).len(), 2);
    // A follow-up answers the reminder; a new baseline starts another.
    ucla(overdue, Timepoint::FollowUp, "2026-11-23");
    assert_eq!(
        due_list(&db),
        vec![("Soon".to_owned(), Some(day("2026-12-03")), false)]
    );
    let summary = &db
        .patients()
        .list(
            &PatientQuery {
                text: "Later".into(),
                limit: 5,
                ..Default::default()
            },
            today(),
        )
        .unwrap()
        .items[0];
    assert_eq!(
        (summary.measures_due, summary.measures_overdue),
        (Some(day("2027-02-12")), false)
    );

    // The practice's interval moves every due date; bad values are refused.
    assert!(matches!(
        db.set_follow_up_weeks(0),
        Err(Error::Validation(_))
    ));
    assert!(matches!(
        db.set_follow_up_weeks(53),
        Err(Error::Validation(_))
    ));
    assert_eq!(db.follow_up_weeks().unwrap(), 12);
    db.set_follow_up_weeks(1).unwrap();
    assert_eq!(db.follow_up_weeks().unwrap(), 1);
    assert_eq!(
        due_list(&db),
        vec![
            ("Soon".to_owned(), Some(day("2026-09-17")), true),
            ("Later".to_owned(), Some(day("2026-11-27")), false),
        ]
    );
    assert_eq!(
        db.patient_record(later, 5).unwrap().measures_due,
        Some(day("2026-11-27"))
    );
}

/// A small caseload whose report for October 2026 is worked out by hand below.
struct Fixture {
    _dir: tempfile::TempDir,
    db: Database,
}

fn october() -> Period {
    Period::parse("2026-10-01", "2026-10-31").unwrap()
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let service = |name: &str, category: &str| {
        db.directory()
            .create(
                &ServiceInput {
                    name: name.into(),
                    category: category.into(),
                    ..Default::default()
                },
                today(),
            )
            .unwrap()
            .id
    };
    let garden = service("Garden club", "Gardening");
    let debt = service("Debt advice", "Money");
    let walk = service("Walking group", "");

    let mut ids = Vec::new();
    for n in 1..=6 {
        let p = db
            .patients()
            .create(
                &patient(&format!("P{n}"), "Fixture", "1960-05-05", ""),
                today(),
            )
            .unwrap();
        ids.push(p.id);
    }
    let [p1, p2, p3, p4, p5, p6] = ids[..] else {
        unreachable!()
    };

    let refer = |p, date: &str, source, reasons: &[ReferralReason]| {
        db.referrals()
            .create(
                p,
                &waymark_domain::ReferralInput {
                    received_date: date.into(),
                    source,
                    reasons: reasons.to_vec(),
                    ..referral()
                },
                today(),
            )
            .unwrap()
            .id
    };
    use ReferralReason as R;
    let r1 = refer(
        p1,
        "2026-10-05",
        ReferralSource::Gp,
        &[R::Loneliness, R::MentalWellbeing],
    );
    let r2 = refer(p2, "2026-10-10", ReferralSource::Gp, &[R::Finance]);
    refer(
        p3,
        "2026-10-20",
        ReferralSource::SelfReferral,
        &[R::Loneliness],
    );
    let r4 = refer(p4, "2026-09-30", ReferralSource::Nurse, &[R::Diet]);
    refer(p5, "2026-11-01", ReferralSource::Nurse, &[R::Housing]);
    let r6 = refer(
        p6,
        "2026-10-31",
        ReferralSource::OtherClinician,
        &[R::Loneliness, R::Employment],
    );

    let talk = |p, date: &str| {
        db.contacts()
            .create(
                p,
                &ContactInput {
                    referral_id: None,
                    contact_date: date.into(),
                    kind: ContactKind::Phone,
                    minutes: "20".into(),
                    notes: String::new(),
                },
                today(),
            )
            .unwrap();
    };
    talk(p1, "2026-10-06");
    talk(p1, "2026-10-20");
    talk(p2, "2026-10-12");
    talk(p4, "2026-09-30");
    talk(p5, "2026-11-02");
    talk(p6, "2026-10-31");

    let prescribe = |p, r, date: &str, services: &[i64]| {
        db.prescriptions()
            .create(
                p,
                &PrescriptionInput {
                    referral_id: Some(r),
                    prescribed_date: date.into(),
                    message: String::new(),
                    next_checkin_date: String::new(),
                    items: services
                        .iter()
                        .map(|&service_id| PrescriptionItemInput {
                            service_id,
                            personal_note: String::new(),
                        })
                        .collect(),
                },
                today(),
            )
            .unwrap()
            .items
            .into_iter()
            .map(|i| i.id)
            .collect::<Vec<_>>()
    };
    let set = |item, status, barrier| {
        db.prescriptions()
            .set_item_status(
                item,
                &ItemStatusChange {
                    status,
                    barrier,
                    barrier_note: None,
                },
                today(),
            )
            .unwrap();
    };
    let x1 = prescribe(p1, r1, "2026-10-06", &[garden, debt]);
    set(x1[0], ItemStatus::Started, None);
    set(x1[1], ItemStatus::Declined, Some(Barrier::Cost));
    let x2 = prescribe(p2, r2, "2026-10-12", &[debt, walk]);
    set(x2[0], ItemStatus::Completed, None);
    set(x2[1], ItemStatus::DidNotAttend, Some(Barrier::Transport));
    let x6 = prescribe(p6, r6, "2026-10-31", &[garden]);
    set(x6[0], ItemStatus::Referred, None);
    let x4 = prescribe(p4, r4, "2026-09-30", &[garden]);
    set(x4[0], ItemStatus::Declined, Some(Barrier::Confidence));

    use Instrument::*;
    use Timepoint::*;
    let m = |p, i, t, date, a: &[i64]| record(&db, p, i, t, date, a);
    // UCLA-3: P1 9 → 5 (an earlier follow-up in October is superseded), P2 5 → 6
    // (a later follow-up in November does not displace October's latest); P3 has no
    // baseline, P6's baseline comes after its follow-up, P4's follow-up is after the
    // period.
    m(p1, Ucla3, Baseline, "2026-09-01", &[3, 3, 3]);
    m(p1, Ucla3, FollowUp, "2026-10-02", &[3, 3, 2]);
    m(p1, Ucla3, FollowUp, "2026-10-15", &[2, 2, 1]);
    m(p2, Ucla3, Baseline, "2026-10-01", &[1, 2, 2]);
    m(p2, Ucla3, FollowUp, "2026-10-30", &[2, 2, 2]);
    m(p2, Ucla3, FollowUp, "2026-11-10", &[3, 3, 3]);
    m(p3, Ucla3, FollowUp, "2026-10-10", &[2, 2, 2]);
    m(p6, Ucla3, FollowUp, "2026-10-20", &[2, 2, 2]);
    m(p6, Ucla3, Baseline, "2026-11-01", &[3, 3, 3]);
    m(p4, Ucla3, Baseline, "2026-08-01", &[2, 2, 2]);
    m(p4, Ucla3, FollowUp, "2026-11-05", &[1, 1, 1]);
    // ONS4: P1 [4,5,3,7] → [7,7,6,2]; P2 [6,6,6,3] → [6,5,7,4].
    m(p1, Ons4, Baseline, "2026-09-01", &[4, 5, 3, 7]);
    m(p1, Ons4, FollowUp, "2026-10-15", &[7, 7, 6, 2]);
    m(p2, Ons4, Baseline, "2026-10-01", &[6, 6, 6, 3]);
    m(p2, Ons4, FollowUp, "2026-10-30", &[6, 5, 7, 4]);
    // SWEMWBS: P1 raw 14 → 21; P2's latest baseline (raw 14, not the older raw 7) → 35.
    m(p1, Swemwbs, Baseline, "2026-09-01", &[2; 7]);
    m(p1, Swemwbs, FollowUp, "2026-10-15", &[3; 7]);
    m(p2, Swemwbs, Baseline, "2026-09-01", &[1; 7]);
    m(p2, Swemwbs, Baseline, "2026-10-01", &[2; 7]);
    m(p2, Swemwbs, FollowUp, "2026-10-30", &[5; 7]);
    Fixture { _dir: dir, db }
}

fn counts(c: &[waymark_store::reports::Count]) -> Vec<(&str, u64)> {
    c.iter().map(|c| (c.key.as_str(), c.count)).collect()
}

#[test]
fn the_period_report_matches_the_hand_worked_answers() {
    let f = fixture();
    let r = f.db.reports().period(october()).unwrap();
    assert_eq!(r.referrals, 4);
    assert_eq!(
        counts(&r.referral_sources),
        vec![
            ("gp", 2),
            ("other_clinician", 1),
            ("self", 1),
            ("nurse", 0),
            ("other", 0)
        ]
    );
    assert_eq!(
        counts(&r.referral_reasons)[..4],
        [
            ("loneliness", 3),
            ("mental_wellbeing", 1),
            ("finance", 1),
            ("employment", 1)
        ]
    );
    assert_eq!(r.referral_reasons.len(), ReferralReason::ALL.len());
    assert!(r.referral_reasons[4..].iter().all(|c| c.count == 0));
    assert_eq!((r.people_seen, r.contacts), (3, 4));
    assert_eq!((r.prescriptions, r.items), (3, 5));
    assert_eq!(
        counts(&r.service_categories),
        vec![("Gardening", 2), ("Money", 2), ("", 1)]
    );
    let fun = r.funnel;
    assert_eq!(
        (
            fun.suggested,
            fun.referred,
            fun.started,
            fun.completed,
            fun.declined,
            fun.did_not_attend
        ),
        (5, 3, 2, 1, 1, 1)
    );
    assert_eq!(counts(&r.barriers), vec![("cost", 1), ("transport", 1)]);

    let row = |s: Scale| *r.outcomes.iter().find(|o| o.scale == s).unwrap();
    assert_eq!(r.outcomes.len(), 6);
    let close = |a: Option<f64>, b: f64| (a.unwrap() - b).abs() < 1e-9;
    let ucla = row(Scale::Ucla3);
    assert_eq!((ucla.pairs, ucla.improved), (2, 1));
    assert!(close(ucla.mean_baseline, 7.0) && close(ucla.mean_follow_up, 5.5));
    assert!(close(ucla.mean_change, -1.5) && close(ucla.share_improved, 0.5));
    for (scale, base, follow, change, improved) in [
        (Scale::LifeSatisfaction, 5.0, 6.5, 1.5, 1),
        (Scale::Worthwhile, 5.5, 6.0, 0.5, 1),
        (Scale::Happiness, 4.5, 6.5, 2.0, 2),
        (Scale::Anxiety, 5.0, 3.0, -2.0, 1),
    ] {
        let o = row(scale);
        assert_eq!((o.pairs, o.improved), (2, improved), "{scale}");
        assert!(close(o.mean_baseline, base), "{scale}");
        assert!(close(o.mean_follow_up, follow), "{scale}");
        assert!(close(o.mean_change, change), "{scale}");
    }
    let sw = row(Scale::Swemwbs);
    assert_eq!((sw.pairs, sw.improved), (2, 2));
    assert!(close(sw.mean_baseline, 15.32));
    assert!(close(sw.mean_follow_up, (19.25 + 35.0) / 2.0));
    assert!(close(sw.share_improved, 1.0));

    // A period with nothing in it has zero counts and no means.
    let empty =
        f.db.reports()
            .period(Period::parse("2020-01-01", "2020-01-31").unwrap())
            .unwrap();
    assert_eq!((empty.referrals, empty.items, empty.people_seen), (0, 0, 0));
    assert!(empty.barriers.is_empty() && empty.service_categories.is_empty());
    assert!(empty
        .outcomes
        .iter()
        .all(|o| o.pairs == 0 && o.mean_change.is_none()));
    assert_eq!(newest_audit(&f.db).entity, "report");
}

fn read_csv(path: &std::path::Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark for Excel");
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn exported_tables_suppress_small_numbers_and_are_audited() {
    let f = fixture();
    let out = tempfile::tempdir().unwrap();
    let export = |table: ReportTable| {
        let path = out.path().join(format!("{}.csv", table.as_str()));
        let rows = f.db.reports().export_csv(october(), table, &path).unwrap();
        let audit = newest_audit(&f.db);
        assert_eq!(audit.action, AuditAction::Export);
        assert_eq!(audit.entity, format!("report_{}", table.as_str()));
        let read = read_csv(&path);
        assert_eq!(read.len() as u64, rows);
        read
    };
    let row = |t: &[Vec<String>], first: &str| -> Vec<String> {
        t.iter()
            .find(|r| r[0] == first)
            .unwrap_or_else(|| panic!("{first}"))
            .clone()
    };

    let sources = export(ReportTable::ReferralSources);
    assert_eq!(row(&sources, "GP"), ["GP", "<5"]);
    assert_eq!(row(&sources, "Nurse"), ["Nurse", "0"]);
    let activity = export(ReportTable::Activity);
    assert_eq!(
        row(&activity, "Activities prescribed"),
        ["Activities prescribed", "5"]
    );
    assert_eq!(row(&activity, "People seen"), ["People seen", "<5"]);
    let funnel = export(ReportTable::ItemFunnel);
    let stages: Vec<&str> = funnel.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(stages, ["5", "<5", "<5", "<5", "<5", "<5"]);
    assert_eq!(
        row(&export(ReportTable::ServiceCategories), "No category")[1],
        "<5"
    );
    assert_eq!(row(&export(ReportTable::Barriers), "Cost")[1], "<5");
    assert_eq!(
        export(ReportTable::ReferralReasons).len(),
        ReferralReason::ALL.len()
    );
    let outcomes = export(ReportTable::Outcomes);
    assert_eq!(outcomes.len(), 6);
    let ucla = row(&outcomes, "UCLA-3 loneliness (3-9, lower is better)");
    assert_eq!(
        ucla,
        [
            "UCLA-3 loneliness (3-9, lower is better)",
            "<5",
            "",
            "",
            "",
            "<5",
            ""
        ]
    );

    // An unwritable destination is an error, leaves no file and audits nothing.
    let before = audit_total(&f.db);
    let nowhere = out.path().join("missing").join("x.csv");
    assert!(f
        .db
        .reports()
        .export_csv(october(), ReportTable::Activity, &nowhere)
        .is_err());
    assert_eq!(audit_total(&f.db), before);
    assert!(!nowhere.exists());
}

#[test]
fn outcome_rows_with_five_pairs_show_their_means() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    for n in 0..5 {
        let p = db
            .patients()
            .create(
                &patient(&format!("Q{n}"), "Five", "1960-05-05", ""),
                today(),
            )
            .unwrap()
            .id;
        record(
            &db,
            p,
            Instrument::Ucla3,
            Timepoint::Baseline,
            "2026-09-01",
            &[3, 3, 3],
        );
        let after = if n < 4 { [1, 1, 1] } else { [3, 3, 3] };
        record(
            &db,
            p,
            Instrument::Ucla3,
            Timepoint::FollowUp,
            "2026-10-10",
            &after,
        );
    }
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("outcomes.csv");
    db.reports()
        .export_csv(october(), ReportTable::Outcomes, &path)
        .unwrap();
    let rows = read_csv(&path);
    let ucla = rows.iter().find(|r| r[0].starts_with("UCLA-3")).unwrap();
    // Mean change (4 × −6 + 0) / 5 = −4.8; four improved is suppressed, and so is the
    // share it would reveal.
    assert_eq!(
        ucla,
        &[
            "UCLA-3 loneliness (3-9, lower is better)",
            "5",
            "9.00",
            "4.20",
            "-4.80",
            "<5",
            ""
        ]
    );
}
