//! England's social prescribing standard: the person's demographics and consent, the
//! referrer, the message back to the GP (gathered, sent, audited, filtered on), the
//! GP-appointment evidence and the referrer report, the caseload counter.

use chrono::NaiveDate;
use waymark_domain::outcomes::{Instrument, Timepoint};
use waymark_domain::report::{Period, ReportTable};
use waymark_domain::{
    Barrier, ClosureOutcome, ConsentHow, Gender, GpAppointmentsInput, ItemStatus, ItemStatusChange,
    MeasureInput, PatientInput, PrescriptionInput, PrescriptionItemInput, ReferralInput,
    ReferralStatus, StatusChange,
};
use waymark_store::referrals::SentAs;
use waymark_store::{AuditAction, Database, EpisodeFilter, Error, PatientQuery};

use crate::common::*;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn the_standards_patient_and_referrer_fields_round_trip() {
    let (_dir, db) = with_practice();
    let input = PatientInput {
        gender: Some(Gender::Female),
        ethnicity: vec!["N".into()],
        communication_needs: "BSL interpreter for appointments".into(),
        consent_how: Some(ConsentHow::Written),
        consent_given_by: "Sam O'Brien (son, lasting power of attorney)".into(),
        consent_date: "2026-11-02".into(),
        ..zoe()
    };
    let p = db.patients().create(&input, today()).unwrap();
    let f = &p.fields;
    assert_eq!(f.gender, Some(Gender::Female));
    assert_eq!(f.ethnicity, ["N"]);
    assert_eq!(f.consent_how, Some(ConsentHow::Written));
    assert_eq!(p.consent_store_date, Some(date("2026-11-02")));
    assert_eq!(db.patients().get(p.id).unwrap(), p);

    // An edit that leaves the date empty keeps the date consent was given.
    let again = db
        .patients()
        .update(
            p.id,
            &PatientInput {
                consent_date: String::new(),
                ..input.clone()
            },
            today(),
        )
        .unwrap();
    assert_eq!(again.consent_store_date, Some(date("2026-11-02")));

    let r = db
        .referrals()
        .create(
            p.id,
            &ReferralInput {
                referrer_phone: "01632 960001".into(),
                referrer_email: "a.okafor@example.nhs.uk".into(),
                referrer_ods_code: "p84001".into(),
                ..referral()
            },
            today(),
        )
        .unwrap();
    assert_eq!(r.fields.referrer_ods_code.as_deref(), Some("P84001"));
    assert_eq!(db.referrals().get(r.id).unwrap(), r);

    // Bad input changes nothing.
    let bad = PatientInput {
        ethnicity: vec!["A".into(), "us_white".into()],
        ..input
    };
    assert!(matches!(
        db.patients().update(p.id, &bad, today()),
        Err(Error::Validation(_))
    ));
    assert_eq!(db.patients().get(p.id).unwrap(), again);
}

#[test]
fn withdrawn_consent_stops_printing() {
    let (_dir, db) = with_practice();
    let p = db.patients().create(&zoe(), today()).unwrap();
    let r = db.referrals().create(p.id, &referral(), today()).unwrap();
    let yoga = service(&db, "gentle yoga");
    let rx = db
        .prescriptions()
        .create(
            p.id,
            &PrescriptionInput {
                referral_id: Some(r.id),
                prescribed_date: "2026-11-20".into(),
                message: String::new(),
                next_checkin_date: String::new(),
                items: vec![PrescriptionItemInput {
                    service_id: yoga,
                    personal_note: String::new(),
                }],
            },
            today(),
        )
        .unwrap();
    db.patients()
        .update(
            p.id,
            &PatientInput {
                consent_withdrawn_date: "2026-11-24".into(),
                ..zoe()
            },
            today(),
        )
        .unwrap();
    let printed = db
        .prescriptions()
        .print(rx.id, today(), Default::default(), |_| Ok::<_, Error>(()));
    assert!(
        matches!(&printed, Err(Error::ConsentWithdrawn { date }) if date == "2026-11-24"),
        "{printed:?}"
    );
}

/// Workflow 4 of the brief: job loss and money worries, three activities, a
/// wellbeing measure repeated, closed.
fn workflow_four(db: &Database) -> (i64, i64) {
    let p = db
        .patients()
        .create(
            &patient("Siobhán", "Ní Bhriain", "1979-08-21", "943 476 5919"),
            today(),
        )
        .unwrap();
    db.patients()
        .update(
            p.id,
            &PatientInput {
                consent_store: true,
                registered_gp: "Dr Amara Okafor, Hollinsford Surgery".into(),
                ..patient("Siobhán", "Ní Bhriain", "1979-08-21", "943 476 5919")
            },
            today(),
        )
        .unwrap();
    let r = db
        .referrals()
        .create(
            p.id,
            &ReferralInput {
                received_date: "2026-03-10".into(),
                reasons: vec![
                    waymark_domain::ReferralReason::Employment,
                    waymark_domain::ReferralReason::Finance,
                ],
                conditions: "Poor appetite and digestion since losing her job".into(),
                ..referral()
            },
            today(),
        )
        .unwrap();
    db.plans()
        .set_what_matters(r.id, "Getting back to work and on top of the bills")
        .unwrap();
    let items: Vec<PrescriptionItemInput> = [
        "Debt Advice Service",
        "Employment Support Hub",
        "Résumé Writing",
    ]
    .iter()
    .map(|s| PrescriptionItemInput {
        service_id: service(db, s),
        personal_note: String::new(),
    })
    .collect();
    let rx = db
        .prescriptions()
        .create(
            p.id,
            &PrescriptionInput {
                referral_id: Some(r.id),
                prescribed_date: "2026-03-20".into(),
                message: String::new(),
                next_checkin_date: String::new(),
                items,
            },
            today(),
        )
        .unwrap();
    let set = |i: usize, s: ItemStatus, b: Option<Barrier>, note: &str| {
        db.prescriptions()
            .set_item_status(
                rx.items[i].id,
                &ItemStatusChange::new(s, b, note).unwrap(),
                today(),
            )
            .unwrap();
    };
    set(0, ItemStatus::Started, None, "");
    set(
        1,
        ItemStatus::DidNotAttend,
        Some(Barrier::Transport),
        "two buses",
    );
    set(2, ItemStatus::Declined, Some(Barrier::Confidence), "");
    for (when, timepoint, answers) in [
        ("2026-03-20", Timepoint::Baseline, [3, 4, 3, 7]),
        ("2026-06-20", Timepoint::FollowUp, [6, 6, 5, 4]),
    ] {
        db.outcomes()
            .record(
                p.id,
                &MeasureInput {
                    instrument: Instrument::Ons4,
                    timepoint,
                    recorded_date: when.into(),
                    answers: answers.iter().map(|a| Some(*a)).collect(),
                },
                today(),
            )
            .unwrap();
    }
    db.referrals()
        .set_gp_appointments(
            r.id,
            &GpAppointmentsInput {
                before: "9".into(),
                before_counted: "2026-03-10".into(),
                after: "4".into(),
                after_counted: "2026-09-15".into(),
            },
            today(),
        )
        .unwrap();
    db.referrals()
        .set_status(
            r.id,
            &StatusChange::new(ReferralStatus::Closed, Some("Back in work part time"))
                .unwrap()
                .with_outcome(Some(ClosureOutcome::Completed)),
            date("2026-11-20"),
        )
        .unwrap();
    (p.id, r.id)
}

#[test]
fn the_message_back_gathers_the_episode_and_is_marked_sent_once_produced() {
    let (_dir, db) = with_practice();
    let (patient, referral) = workflow_four(&db);
    let unsent = |db: &Database| {
        db.patients()
            .list(
                &PatientQuery {
                    episode: Some(EpisodeFilter::ClosedWithoutMessage),
                    limit: 10,
                    ..Default::default()
                },
                today(),
            )
            .unwrap()
            .items
            .into_iter()
            .map(|p| p.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(unsent(&db), [patient]);

    let m = db.message_back().draft(referral, today()).unwrap();
    assert_eq!(newest_audit(&db).entity, "message_back");
    assert_eq!(
        m.person.identifier.as_deref(),
        Some("NHS number 943 476 5919")
    );
    let names = |v: &[waymark_domain::message_back::ActivityLine]| {
        v.iter().map(|a| (a.status, a.barrier)).collect::<Vec<_>>()
    };
    assert_eq!(names(&m.taken_up), [(ItemStatus::Started, None)]);
    assert_eq!(
        names(&m.not_taken_up),
        [
            (ItemStatus::DidNotAttend, Some(Barrier::Transport)),
            (ItemStatus::Declined, Some(Barrier::Confidence))
        ]
    );
    // ONS4 measured twice: four scales, each first against latest.
    assert_eq!(m.wellbeing.len(), 4);
    assert_eq!((m.wellbeing[0].baseline, m.wellbeing[0].latest), (3.0, 6.0));
    assert_eq!(m.link_worker.name.as_deref(), Some("Amara Okafor"));
    assert_eq!(m.link_worker.phone.as_deref(), Some("01632 960000"));
    let text = m.plain_text();
    for needle in [
        "Siobhán Ní Bhriain",
        "21 August 1979",
        "Reasons: Finance or debt, Employment",
        "Getting back to work and on top of the bills",
        "did not attend (barrier: transport, two buses)",
        "declined (barrier: confidence)",
        "ONS4 life satisfaction (0-10, higher is better): 3 on 20 March 2026, 6 on 20 June 2026 (+3, better)",
        "ONS4 anxiety (0-10, lower is better): 7 on 20 March 2026, 4 on 20 June 2026 (-3, better)",
        "before the referral: 9 (counted 10 March 2026)",
        "after the referral: 4 (counted 15 September 2026)",
        "Support ended on 20 November 2026: support completed.",
        "871731000000106 Referral to social prescribing service",
    ] {
        assert!(text.contains(needle), "{needle:?} not in:\n{text}");
    }
    assert!(!text.contains("871711000000103"));

    // A letter that fails to render records nothing.
    let failed = db.message_back().send(
        referral,
        "Review in three months",
        SentAs::Letter,
        today(),
        |_| Err::<(), Error>(Error::Corrupt("no printer".into())),
    );
    assert!(failed.is_err());
    let r = db.referrals().get(referral).unwrap();
    assert_eq!((r.message_sent, r.next_steps), (None, None));

    // Copied as text: saved with what happens next, marked sent, audited as an export.
    let copied = db
        .message_back()
        .send(
            referral,
            "Review in three months",
            SentAs::Text,
            today(),
            |m| Ok::<_, Error>(m.plain_text()),
        )
        .unwrap();
    assert!(copied.contains("Review in three months"));
    let audit = newest_audit(&db);
    assert_eq!(
        (audit.action, audit.entity.as_str(), audit.record_id),
        (AuditAction::Export, "message_back", Some(referral))
    );
    let r = db.referrals().get(referral).unwrap();
    let sent = r.message_sent.clone().unwrap();
    assert_eq!((sent.date, sent.how), (today(), SentAs::Text));
    assert_eq!(sent.staff_name.as_deref(), Some("Amara Okafor"));
    assert_eq!(r.next_steps.as_deref(), Some("Review in three months"));
    assert!(unsent(&db).is_empty());

    // Too long a "what happens next" is refused and changes nothing.
    let long = "x".repeat(2001);
    assert!(db
        .message_back()
        .send(
            referral,
            &long,
            SentAs::Letter,
            today(),
            |_| Ok::<_, Error>(())
        )
        .is_err());
    assert_eq!(db.referrals().get(referral).unwrap(), r);

    // Reopening clears the outcome; the declined code follows a declined closing.
    let declined = db
        .referrals()
        .set_status(
            referral,
            &StatusChange::new(ReferralStatus::Closed, Some("Did not want support"))
                .unwrap()
                .with_outcome(Some(ClosureOutcome::Declined)),
            today(),
        )
        .unwrap();
    assert_eq!(declined.outcome, Some(ClosureOutcome::Declined));
    let text = db
        .message_back()
        .draft(referral, today())
        .unwrap()
        .plain_text();
    assert!(text.contains("871711000000103 Social prescribing declined"));
    let reopened = db
        .referrals()
        .set_status(
            referral,
            &StatusChange::new(ReferralStatus::Active, None).unwrap(),
            today(),
        )
        .unwrap();
    assert_eq!(reopened.outcome, None);
    // Closed again, it owes a new message: the one sent before no longer says how it ended.
    let again = db
        .referrals()
        .set_status(
            referral,
            &StatusChange::new(ReferralStatus::Closed, Some("Goals met"))
                .unwrap()
                .with_outcome(Some(ClosureOutcome::Completed)),
            today(),
        )
        .unwrap();
    assert_eq!(again.message_sent, None);
    assert_eq!(unsent(&db), [patient]);
}

#[test]
fn a_withdrawal_cannot_come_before_the_consent_and_a_referral_date_must_fit_its_counts() {
    let (_dir, db) = with_practice();
    let p = db
        .patients()
        .create(
            &PatientInput {
                consent_date: "2026-11-10".into(),
                ..zoe()
            },
            today(),
        )
        .unwrap();
    // The form left the date empty: the date kept (10 November) still counts.
    let early = db.patients().update(
        p.id,
        &PatientInput {
            consent_withdrawn_date: "2026-11-05".into(),
            ..zoe()
        },
        today(),
    );
    match early {
        Err(Error::Validation(e)) => assert!(e.message_for("consentWithdrawnDate").is_some()),
        other => panic!("{other:?}"),
    }
    // A new patient whose consent is dated today cannot have withdrawn it yesterday.
    let new = db.patients().create(
        &PatientInput {
            consent_withdrawn_date: "2026-11-23".into(),
            ..patient("Ana", "Lima", "1990-05-01", "")
        }
        .clone(),
        today(),
    );
    assert!(new.is_ok(), "no consent, nothing withdrawn: {new:?}");
    let refused = db.patients().create(
        &PatientInput {
            consent_store: true,
            consent_withdrawn_date: "2026-11-23".into(),
            ..patient("Ana", "Lima", "1990-05-02", "")
        },
        today(),
    );
    assert!(matches!(refused, Err(Error::Validation(_))), "{refused:?}");

    let r = db
        .referrals()
        .create(
            p.id,
            &ReferralInput {
                received_date: "2026-03-10".into(),
                ..referral()
            },
            today(),
        )
        .unwrap();
    db.referrals()
        .set_gp_appointments(
            r.id,
            &GpAppointmentsInput {
                after: "3".into(),
                after_counted: "2026-09-12".into(),
                ..Default::default()
            },
            today(),
        )
        .unwrap();
    // Moved to April, the months after would not have been over when they were counted.
    let moved = db.referrals().update(
        r.id,
        &ReferralInput {
            received_date: "2026-04-10".into(),
            ..referral()
        },
        today(),
    );
    match moved {
        Err(Error::Validation(e)) => assert!(e.message_for("receivedDate").is_some()),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        db.referrals().get(r.id).unwrap().fields.received_date,
        date("2026-03-10")
    );
}

#[test]
fn gp_appointment_counts_are_checked_against_the_referral() {
    let (_dir, db) = with_practice();
    let p = db.patients().create(&zoe(), today()).unwrap();
    // Received 2 November 2026: the six months after end on 2 May 2027.
    let r = db.referrals().create(p.id, &referral(), today()).unwrap();
    let early = db.referrals().set_gp_appointments(
        r.id,
        &GpAppointmentsInput {
            after: "2".into(),
            ..Default::default()
        },
        today(),
    );
    match early {
        Err(Error::Validation(e)) => assert!(e.message_for("afterCounted").is_some()),
        other => panic!("{other:?}"),
    }
    let set = db
        .referrals()
        .set_gp_appointments(
            r.id,
            &GpAppointmentsInput {
                before: "5".into(),
                ..Default::default()
            },
            today(),
        )
        .unwrap();
    let before = set.gp_appointments.before.unwrap();
    assert_eq!((before.appointments, before.counted), (5, today()));
    assert_eq!(set.gp_appointments.after, None);
}

/// Hand-worked: referrals received in October 2026 from three organisations (one
/// typed two ways), six with both GP counts.
#[test]
fn the_reports_count_referrers_and_pair_gp_appointments() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let counts = [(6, 3), (2, 2), (10, 4), (4, 5), (8, 1), (3, 3)];
    let orgs = [
        "Hollinsford Surgery",
        "hollinsford  surgery",
        "Hollinsford Surgery",
        "Citizens Advice",
        "",
        "Jobcentre Plus",
    ];
    let mut referrals = Vec::new();
    for (i, org) in orgs.iter().enumerate() {
        let p = db
            .patients()
            .create(
                &patient(&format!("Person{i}"), "Test", "1980-01-01", ""),
                today(),
            )
            .unwrap();
        let r = db
            .referrals()
            .create(
                p.id,
                &ReferralInput {
                    received_date: format!("2026-10-{:02}", i + 1),
                    referrer_organisation: (*org).into(),
                    ..referral()
                },
                date("2027-06-01"),
            )
            .unwrap();
        referrals.push(r.id);
    }
    // One more, outside the period, and one in it with only a before count.
    let outside = db.patients().create(&zoe(), today()).unwrap();
    let out_r = db
        .referrals()
        .create(
            outside.id,
            &ReferralInput {
                received_date: "2026-09-30".into(),
                ..referral()
            },
            today(),
        )
        .unwrap();
    let later = date("2027-06-01");
    for (id, (before, after)) in referrals.iter().zip(counts) {
        db.referrals()
            .set_gp_appointments(
                *id,
                &GpAppointmentsInput {
                    before: before.to_string(),
                    before_counted: "2026-10-20".into(),
                    after: after.to_string(),
                    after_counted: "2027-05-01".into(),
                },
                later,
            )
            .unwrap();
    }
    db.referrals()
        .set_gp_appointments(
            out_r.id,
            &GpAppointmentsInput {
                before: "50".into(),
                before_counted: "2026-10-01".into(),
                after: "50".into(),
                after_counted: "2027-04-01".into(),
            },
            later,
        )
        .unwrap();
    let october = Period::parse("2026-10-01", "2026-10-31").unwrap();
    let report = db.reports().period(october).unwrap();
    // Before 6+2+10+4+8+3 = 33, after 3+2+4+5+1+3 = 18: 15 fewer.
    let g = report.gp_appointments;
    assert_eq!((g.people, g.before, g.after, g.change()), (6, 33, 18, -15));
    let referrers: Vec<(&str, u64)> = report
        .referrers
        .iter()
        .map(|c| (c.key.as_str(), c.count))
        .collect();
    assert_eq!(
        referrers,
        [
            ("Hollinsford Surgery", 3),
            ("", 1),
            ("Citizens Advice", 1),
            ("Jobcentre Plus", 1)
        ]
    );

    let out = tempfile::tempdir().unwrap();
    let csv = |table: ReportTable| {
        let path = out.path().join("t.csv");
        db.reports().export_csv(october, table, &path).unwrap();
        std::fs::read_to_string(&path).unwrap()
    };
    let gp = csv(ReportTable::GpAppointments);
    assert!(gp.contains("6,33,18,-15"), "{gp}");
    let by = csv(ReportTable::Referrers);
    assert!(by.contains("Hollinsford Surgery,<5"), "{by}");
    assert!(by.contains("Not recorded,<5"), "{by}");

    // Fewer than five people: the count is "<5" and the totals are left out.
    let small = Period::parse("2026-10-01", "2026-10-03").unwrap();
    let path = out.path().join("small.csv");
    db.reports()
        .export_csv(small, ReportTable::GpAppointments, &path)
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.trim_end().ends_with("<5,,,"), "{text}");
}

#[test]
fn the_caseload_counter_counts_people_supported_in_twelve_months() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let day = date("2026-11-24");
    // Open now; closed inside the twelve months; closed before them; two episodes of
    // one person; received after today is impossible (refused by validation).
    let cases = [
        ("A", "2026-01-10", None),
        ("B", "2025-06-01", Some("2026-01-05")),
        ("C", "2025-01-01", Some("2025-11-24")),
        ("D", "2026-02-01", None),
        ("D", "2026-05-01", Some("2026-06-01")),
    ];
    let mut ids = std::collections::HashMap::new();
    for (who, received, closed) in cases {
        let pid = *ids.entry(who).or_insert_with(|| {
            db.patients()
                .create(&patient(who, "Test", "1980-01-01", ""), day)
                .unwrap()
                .id
        });
        let r = db
            .referrals()
            .create(
                pid,
                &ReferralInput {
                    received_date: received.into(),
                    ..referral()
                },
                day,
            )
            .unwrap();
        if let Some(c) = closed {
            db.referrals()
                .set_status(
                    r.id,
                    &StatusChange::new(ReferralStatus::Closed, Some("Done")).unwrap(),
                    date(c),
                )
                .unwrap();
        }
    }
    let c = db.caseload_counter(day).unwrap();
    // A, B and D: C's episode closed the day before the twelve months began.
    assert_eq!((c.supported, c.safe, c.since), (3, 250, date("2025-11-25")));
    assert!(db.set_safe_caseload(0).is_err());
    assert!(db.set_safe_caseload(2001).is_err());
    db.set_safe_caseload(200).unwrap();
    assert_eq!(db.caseload_counter(day).unwrap().safe, 200);
}
