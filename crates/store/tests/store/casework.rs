use waymark_domain::{
    Barrier, ContactInput, ContactKind, GoalInput, GoalStatus, ItemStatus, ItemStatusChange,
    PrescriptionInput, PrescriptionItemInput, ReferralStatus, StatusChange, StepInput,
};
use waymark_store::prescriptions::SlipConsent;
use waymark_store::{AuditAction, EpisodeFilter, Error, PatientQuery};

use crate::common::*;

/// A prescription of one service with no note or message.
fn art_class(referral: i64, date: &str, checkin: &str, service_id: i64) -> PrescriptionInput {
    PrescriptionInput {
        referral_id: Some(referral),
        prescribed_date: date.into(),
        message: String::new(),
        next_checkin_date: checkin.into(),
        items: vec![PrescriptionItemInput {
            service_id,
            personal_note: String::new(),
        }],
    }
}

fn overdue(db: &waymark_store::Database) -> Vec<String> {
    caseload(
        db,
        PatientQuery {
            overdue: true,
            ..Default::default()
        },
    )
}

fn caseload(db: &waymark_store::Database, q: PatientQuery) -> Vec<String> {
    db.patients()
        .list(&PatientQuery { limit: 50, ..q }, today())
        .unwrap()
        .items
        .into_iter()
        .map(|p| p.given_name)
        .collect()
}

#[test]
fn workflow_one_from_referral_to_prescription_and_follow_up() {
    let (_dir, db) = with_practice();
    let p = db.patients().create(&zoe(), today()).unwrap();
    let r = db.referrals().create(p.id, &referral(), today()).unwrap();
    let contact = db
        .contacts()
        .create(
            p.id,
            &ContactInput {
                referral_id: Some(r.id),
                contact_date: "2026-11-20".into(),
                kind: ContactKind::Phone,
                minutes: "30".into(),
                notes: "No time to exercise because of childcare.".into(),
            },
            today(),
        )
        .unwrap();
    assert_eq!(contact.fields.minutes, Some(30));
    db.referrals()
        .set_status(
            r.id,
            &StatusChange::new(ReferralStatus::Active, None).unwrap(),
            today(),
        )
        .unwrap();
    db.plans()
        .set_what_matters(r.id, "Being strong enough to play with the children")
        .unwrap();
    let goal = db
        .plans()
        .add_goal(
            r.id,
            &GoalInput {
                description: "Gentle exercise twice a week".into(),
                target_date: "2027-02-01".into(),
                status: GoalStatus::Open,
            },
            today(),
        )
        .unwrap();
    let goal = db
        .plans()
        .add_step(
            goal.id,
            &StepInput {
                description: "Join the childcare co-op".into(),
                target_date: String::new(),
                done: false,
            },
            today(),
        )
        .unwrap();
    let goal = db.plans().set_step_done(goal.steps[0].id, true).unwrap();
    assert!(goal.steps[0].done);

    let coop = service(&db, "childcare co-op");
    let yoga = service(&db, "gentle yoga");
    let rx = db
        .prescriptions()
        .create(
            p.id,
            &PrescriptionInput {
                referral_id: Some(r.id),
                prescribed_date: "2026-11-24".into(),
                message: "Two small steps for you.".into(),
                next_checkin_date: "2026-12-15".into(),
                items: vec![
                    PrescriptionItemInput {
                        service_id: coop,
                        personal_note: "Come on a Monday and ask for the coordinator".into(),
                    },
                    PrescriptionItemInput {
                        service_id: yoga,
                        personal_note:
                            "Ask for Maria and mention the doctor's letter for the discount".into(),
                    },
                ],
            },
            today(),
        )
        .unwrap();
    assert_eq!(rx.items.len(), 2);
    assert_eq!(
        rx.items[1].service_name,
        "Gentle Yoga for Strength and Balance"
    );
    assert!(rx.reference_code.starts_with("WM-") && rx.reference_code.len() == 12);
    assert!(rx.items.iter().all(|i| i.status == ItemStatus::Suggested));

    // The printed prescription gathers the practice, the patient, the plan and every
    // service's details; a dropped goal is left off. Only a print that lands is audited.
    db.plans()
        .add_goal(
            r.id,
            &GoalInput {
                description: "Run a marathon".into(),
                target_date: String::new(),
                status: GoalStatus::Dropped,
            },
            today(),
        )
        .unwrap();
    let refused: Result<(), Error> =
        db.prescriptions()
            .print(rx.id, today(), SlipConsent::Ask, |_| {
                Err(Error::NotFound {
                    entity: "printer",
                    id: 0,
                })
            });
    assert!(refused.is_err());
    assert_ne!(db.audit_entries(1).unwrap()[0].action, AuditAction::Print);
    let sheet = db
        .prescriptions()
        .print(rx.id, today(), SlipConsent::Ask, |sheet| {
            Ok::<_, Error>(sheet.clone())
        })
        .unwrap();
    assert_eq!(sheet.practice.name, "Hollinsford Surgery");
    assert_eq!(sheet.patient_name, "Zoë O'Brien");
    assert!(!sheet.needs_large_print);
    assert_eq!(
        sheet.print_language, None,
        "English unless the record says otherwise"
    );
    assert_eq!(sheet.link_worker, rx.staff_name);
    assert_eq!(sheet.reference_code, rx.reference_code);
    assert_eq!(sheet.message.as_deref(), Some("Two small steps for you."));
    assert_eq!(
        sheet.next_checkin,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 15)
    );
    assert_eq!(
        sheet.what_matters.as_deref(),
        Some("Being strong enough to play with the children")
    );
    let goals: Vec<&str> = sheet.goals.iter().map(|g| g.description.as_str()).collect();
    assert_eq!(goals, ["Gentle exercise twice a week"]);
    let items: Vec<&str> = sheet
        .items
        .iter()
        .map(|i| i.service.name.as_str())
        .collect();
    assert_eq!(
        items,
        [
            "Community Childcare Co-op",
            "Gentle Yoga for Strength and Balance"
        ]
    );
    assert!(sheet.items[1]
        .service
        .fees_description
        .as_deref()
        .is_some_and(|f| f.contains("50% off")));
    assert_eq!(
        sheet.items[1].personal_note.as_deref(),
        Some("Ask for Maria and mention the doctor's letter for the discount")
    );
    let printed = &db.audit_entries(1).unwrap()[0];
    assert_eq!(
        (
            printed.action,
            printed.entity.as_str(),
            printed.record_id,
            printed.patient_id
        ),
        (AuditAction::Print, "prescription", Some(rx.id), Some(p.id))
    );
    assert!(matches!(
        db.prescriptions()
            .print(rx.id + 100, today(), SlipConsent::Ask, |_| Ok::<_, Error>(
                ()
            )),
        Err(Error::NotFound { .. })
    ));
    // The provider quotes the printed code back: the caseload search finds the patient.
    let quoted = rx.reference_code.to_lowercase().replace('-', " ");
    assert_eq!(
        caseload(
            &db,
            PatientQuery {
                text: quoted,
                ..Default::default()
            }
        ),
        ["Zoë"]
    );

    // The directory's source stops listing the yoga class: it is kept and marked, and
    // the prescription that names it prints as before.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/directory.hsds.json"
    ))
    .unwrap();
    let mut page: serde_json::Value = serde_json::from_str(&text).unwrap();
    let contents = page["contents"].as_array_mut().unwrap();
    contents.retain(|s| s["name"] != "Gentle Yoga for Strength and Balance");
    let refreshed = db
        .directory()
        .import_hsds(&page.to_string(), today())
        .unwrap();
    assert_eq!(
        refreshed.delisted_names,
        ["Gentle Yoga for Strength and Balance"]
    );
    assert!(db.directory().get(yoga, today()).unwrap().delisted);
    let again = db
        .prescriptions()
        .print(rx.id, today(), SlipConsent::Ask, |sheet| {
            Ok::<_, Error>(sheet.clone())
        })
        .unwrap();
    assert_eq!(
        again.items[1].service.name,
        "Gentle Yoga for Strength and Balance"
    );

    // Workflow 5: weeks later, one started and one declined with its barrier.
    let rx = db
        .prescriptions()
        .set_item_status(
            rx.items[0].id,
            &ItemStatusChange::new(ItemStatus::Started, None, "").unwrap(),
            today(),
        )
        .unwrap();
    let rx = db
        .prescriptions()
        .set_item_status(
            rx.items[1].id,
            &ItemStatusChange::new(
                ItemStatus::Declined,
                Some(Barrier::Cost),
                "Even £4 is too much",
            )
            .unwrap(),
            today(),
        )
        .unwrap();
    assert_eq!(rx.items[0].status, ItemStatus::Started);
    assert_eq!(
        (rx.items[1].status, rx.items[1].barrier),
        (ItemStatus::Declined, Some(Barrier::Cost))
    );
    assert_eq!(db.audit_entries(1).unwrap()[0].entity, "prescription_item");

    let record = db.patient_record(p.id, 20).unwrap();
    assert_eq!(
        record.referrals[0].what_matters.as_deref(),
        Some("Being strong enough to play with the children")
    );
    assert_eq!(record.goals.len(), 2, "the dropped goal stays in the plan");
    assert_eq!(record.contacts.total, 1);
    assert_eq!(record.prescriptions, vec![rx]);
    let view = &db.audit_entries(1).unwrap()[0];
    assert_eq!(
        (view.action, view.patient_id),
        (AuditAction::View, Some(p.id))
    );

    let row = &db
        .patients()
        .list(
            &PatientQuery {
                limit: 5,
                ..Default::default()
            },
            today(),
        )
        .unwrap()
        .items[0];
    assert_eq!(row.episode_status, Some(ReferralStatus::Active));
    assert_eq!(
        row.next_checkin,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 15)
    );
    assert_eq!(
        row.last_contact,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
    );
    assert!(!row.checkin_overdue);
}

#[test]
fn bad_prescriptions_change_nothing() {
    let (_dir, db) = with_directory();
    let p = db.patients().create(&zoe(), today()).unwrap();
    let other = db
        .patients()
        .create(&patient("Ελένη", "Παπαδοπούλου", "1990-01-01", ""), today())
        .unwrap();
    let r_other = db
        .referrals()
        .create(other.id, &referral(), today())
        .unwrap();
    let hike = service(&db, "group hike");
    let rx = |referral_id, service_id| PrescriptionInput {
        referral_id,
        prescribed_date: "2026-11-24".into(),
        message: String::new(),
        next_checkin_date: String::new(),
        items: vec![PrescriptionItemInput {
            service_id,
            personal_note: String::new(),
        }],
    };
    let audit_before = db.audit_entries(1).unwrap()[0].id;
    assert!(matches!(
        db.prescriptions().create(p.id, &rx(None, 999_999), today()),
        Err(Error::NotFound {
            entity: "service",
            ..
        })
    ));
    assert!(matches!(
        db.prescriptions()
            .create(p.id, &rx(Some(r_other.id), hike), today()),
        Err(Error::NotFound {
            entity: "referral",
            ..
        })
    ));
    db.directory()
        .set_status(hike, waymark_domain::ServiceStatus::Inactive, today())
        .unwrap();
    assert!(matches!(
        db.prescriptions().create(p.id, &rx(None, hike), today()),
        Err(Error::Validation(_))
    ));
    let record = db.patient_record(p.id, 20).unwrap();
    assert!(record.prescriptions.is_empty());
    // Only the retirement and the record view were audited since.
    let rows = db.audit_entries(3).unwrap();
    assert_eq!(rows[2].id, audit_before);
}

#[test]
fn caseload_filters_by_episode_overdue_and_silence() {
    let (_dir, db) = with_directory();
    let zoe = db.patients().create(&zoe(), today()).unwrap();
    let sio = db
        .patients()
        .create(&patient("Siobhán", "Ní Bhriain", "1975-06-01", ""), today())
        .unwrap();
    db.patients()
        .create(&patient("Łukasz", "Wójcik", "1980-02-02", ""), today())
        .unwrap();
    let r = db.referrals().create(zoe.id, &referral(), today()).unwrap();
    db.referrals()
        .set_status(
            r.id,
            &StatusChange::new(ReferralStatus::Contacted, None).unwrap(),
            today(),
        )
        .unwrap();
    let art = service(&db, "drop-in art");
    db.prescriptions()
        .create(
            zoe.id,
            &art_class(r.id, "2026-10-01", "2026-11-01", art),
            today(),
        )
        .unwrap();
    db.contacts()
        .create(
            sio.id,
            &ContactInput {
                referral_id: None,
                contact_date: "2026-11-23".into(),
                kind: ContactKind::FaceToFace,
                minutes: String::new(),
                notes: String::new(),
            },
            today(),
        )
        .unwrap();
    // Referred after that conversation, so it stays new (a conversation on an episode
    // moves a new one to "contacted").
    db.referrals().create(sio.id, &referral(), today()).unwrap();

    assert_eq!(
        caseload(
            &db,
            PatientQuery {
                episode: Some(EpisodeFilter::Status(ReferralStatus::New)),
                ..Default::default()
            }
        ),
        ["Siobhán"]
    );
    assert_eq!(
        caseload(
            &db,
            PatientQuery {
                episode: Some(EpisodeFilter::NoReferral),
                ..Default::default()
            }
        ),
        ["Łukasz"]
    );
    assert_eq!(overdue(&db), ["Zoë"]);
    assert_eq!(
        caseload(
            &db,
            PatientQuery {
                no_contact_weeks: Some(2),
                ..Default::default()
            }
        ),
        ["Zoë", "Łukasz"]
    );
    let zoe_row = search(&db, "zoe");
    assert!(zoe_row.items[0].checkin_overdue);

    // Any number of weeks is accepted (it comes over IPC): far past means "ever".
    assert_eq!(
        caseload(
            &db,
            PatientQuery {
                no_contact_weeks: Some(u32::MAX),
                ..Default::default()
            }
        ),
        ["Zoë", "Łukasz"]
    );

    // The check-in conversation, even a late one, meets the check-in.
    db.contacts()
        .create(
            zoe.id,
            &ContactInput {
                referral_id: Some(r.id),
                contact_date: "2026-11-03".into(),
                kind: ContactKind::Phone,
                minutes: "15".into(),
                notes: String::new(),
            },
            today(),
        )
        .unwrap();
    assert!(overdue(&db).is_empty());
    let row = &search(&db, "zoe").items[0];
    assert_eq!((row.next_checkin, row.checkin_overdue), (None, false));

    // A new prescription sets the next one.
    db.prescriptions()
        .create(
            zoe.id,
            &art_class(r.id, "2026-11-20", "2026-11-23", art),
            today(),
        )
        .unwrap();
    assert_eq!(overdue(&db), ["Zoë"]);

    // Closing the episode clears the check-in: nothing is overdue for a closed case.
    db.referrals()
        .set_status(
            r.id,
            &StatusChange::new(ReferralStatus::Closed, Some("Goals met")).unwrap(),
            today(),
        )
        .unwrap();
    assert!(overdue(&db).is_empty());
}

#[test]
fn duplicates_are_found_by_nhs_number_or_name_and_birth_date() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let first = db.patients().create(&zoe(), today()).unwrap();
    // Same person typed differently: no accent, other case, no apostrophe.
    let same_name = patient("zoe", "OBRIEN", "1987-03-14", "");
    let found = db
        .patients()
        .possible_duplicates(&same_name, None, today())
        .unwrap();
    assert_eq!(found.iter().map(|p| p.id).collect::<Vec<_>>(), [first.id]);
    let same_nhs = patient("Someone", "Else", "1990-01-01", "9995260182");
    assert_eq!(
        db.patients()
            .possible_duplicates(&same_nhs, None, today())
            .unwrap()
            .len(),
        1
    );
    assert!(db
        .patients()
        .possible_duplicates(&zoe(), Some(first.id), today())
        .unwrap()
        .is_empty());
    let different = patient("Zoë", "O'Brien", "1987-03-15", "");
    assert!(db
        .patients()
        .possible_duplicates(&different, None, today())
        .unwrap()
        .is_empty());

    // The same NHS number is refused outright; the name match only warns.
    let err = db.patients().create(&same_nhs, today()).unwrap_err();
    match err {
        Error::Validation(e) => assert!(e.message_for("nhsNumber").is_some()),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        db.patients()
            .list(
                &PatientQuery {
                    limit: 5,
                    ..Default::default()
                },
                today()
            )
            .unwrap()
            .total,
        1
    );
    db.patients().create(&same_name, today()).unwrap();
}

#[test]
fn contacts_page_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let p = db.patients().create(&zoe(), today()).unwrap();
    for day in 1..=30 {
        db.contacts()
            .create(
                p.id,
                &ContactInput {
                    referral_id: None,
                    contact_date: format!("2026-10-{day:02}"),
                    kind: ContactKind::Video,
                    minutes: "10".into(),
                    notes: format!("call {day}"),
                },
                today(),
            )
            .unwrap();
    }
    let page = db.contacts().list(p.id, 10, 10).unwrap();
    assert_eq!(page.total, 30);
    assert_eq!(page.items[0].fields.notes.as_deref(), Some("call 20"));
    assert_eq!(page.items.len(), 10);
    let bad = db.contacts().create(
        p.id,
        &ContactInput {
            referral_id: None,
            contact_date: "2026-12-25".into(),
            kind: ContactKind::Phone,
            minutes: "-1".into(),
            notes: String::new(),
        },
        today(),
    );
    assert!(matches!(bad, Err(Error::Validation(_))));
    assert_eq!(db.contacts().list(p.id, 10, 0).unwrap().total, 30);
}

/// The episode's status follows the work: the first conversation makes a new referral
/// "contacted", the first prescription makes it "active"; each move is on the referral's
/// history and audited as automatic. A closed episode is left for a person to reopen.
#[test]
fn the_episode_status_follows_the_work_and_a_closed_one_waits_for_a_person() {
    let (_dir, db) = with_directory();
    let p = db.patients().create(&zoe(), today()).unwrap();
    let r = db.referrals().create(p.id, &referral(), today()).unwrap();
    assert_eq!(r.status, ReferralStatus::New);
    assert!(r.history.is_empty());
    let talk = |referral_id: Option<i64>, date: &str| {
        db.contacts()
            .create(
                p.id,
                &ContactInput {
                    referral_id,
                    contact_date: date.into(),
                    kind: ContactKind::Phone,
                    minutes: String::new(),
                    notes: String::new(),
                },
                today(),
            )
            .unwrap()
    };

    // A conversation that names no referral counts for the latest one.
    talk(None, "2026-11-18");
    let after_talk = db.referrals().get(r.id).unwrap();
    assert_eq!(after_talk.status, ReferralStatus::Contacted);
    let moved = db.audit_entries(3).unwrap();
    assert!(
        moved
            .iter()
            .any(|e| e.entity == waymark_store::referrals::AUTO_STATUS_ENTITY
                && e.action == AuditAction::Update
                && e.record_id == Some(r.id)
                && e.patient_id == Some(p.id)),
        "{moved:?}"
    );
    // A second conversation moves nothing more.
    talk(Some(r.id), "2026-11-19");
    assert_eq!(db.referrals().get(r.id).unwrap().history.len(), 1);

    let art = service(&db, "Drop-in Art Class");
    db.prescriptions()
        .create(p.id, &art_class(r.id, "2026-11-20", "", art), today())
        .unwrap();
    let active = db.referrals().get(r.id).unwrap();
    assert_eq!(active.status, ReferralStatus::Active);
    let history: Vec<_> = active
        .history
        .iter()
        .map(|e| (e.date.to_string(), e.from, e.to, e.cause))
        .collect();
    use waymark_domain::StatusCause::{Conversation, Person, Prescription};
    assert_eq!(
        history,
        [
            (
                "2026-11-18".to_owned(),
                ReferralStatus::New,
                ReferralStatus::Contacted,
                Conversation
            ),
            (
                "2026-11-20".to_owned(),
                ReferralStatus::Contacted,
                ReferralStatus::Active,
                Prescription
            ),
        ]
    );
    // The caseload's summary column follows too.
    let row = search(&db, "Zo").items.into_iter().next().unwrap();
    assert_eq!(row.episode_status, Some(ReferralStatus::Active));

    // Closing is a person's decision, and new work leaves a closed episode closed.
    let closed = db
        .referrals()
        .set_status(
            r.id,
            &StatusChange::new(ReferralStatus::Closed, Some("Goals met")).unwrap(),
            today(),
        )
        .unwrap();
    talk(Some(r.id), "2026-11-24");
    db.prescriptions()
        .create(p.id, &art_class(r.id, "2026-11-24", "", art), today())
        .unwrap();
    let still = db.referrals().get(r.id).unwrap();
    assert_eq!(still.status, ReferralStatus::Closed);
    assert_eq!(still.history.len(), closed.history.len());
    let last = still.history.last().unwrap();
    assert_eq!(
        (last.from, last.to, last.cause),
        (ReferralStatus::Active, ReferralStatus::Closed, Person)
    );

    // A patient with no referral: a conversation is logged and nothing else happens.
    let other = db
        .patients()
        .create(&patient("Ann", "Lee", "1950-01-01", ""), today())
        .unwrap();
    db.contacts()
        .create(
            other.id,
            &ContactInput {
                referral_id: None,
                contact_date: "2026-11-20".into(),
                kind: ContactKind::Phone,
                minutes: String::new(),
                notes: String::new(),
            },
            today(),
        )
        .unwrap();
    assert!(db
        .referrals()
        .list_for_patient(other.id)
        .unwrap()
        .is_empty());
}

/// A printout leaves the practice, so consent is checked before it is made: nothing for
/// a patient who has not agreed to their details being stored; referral slips (which
/// name the patient to the provider) only with consent to share, or left out by choice.
/// Each choice is audited, and a refusal writes nothing.
#[test]
fn printing_checks_consent_to_store_and_to_share_with_providers() {
    let (_dir, db) = with_practice();
    let direct = db
        .directory()
        .create(
            &waymark_domain::ServiceInput {
                name: "Walking Netball".into(),
                organization: "Hollinsford Netball Club".into(),
                join_method: Some(waymark_domain::JoinMethod::DirectReferral),
                last_verified: "2026-11-01".into(),
                ..Default::default()
            },
            today(),
        )
        .unwrap();
    let art = service(&db, "Drop-in Art Class");
    let no_store = db
        .patients()
        .create(&patient("Ann", "Lee", "1950-01-01", ""), today())
        .unwrap();
    let zoe = db.patients().create(&zoe(), today()).unwrap();
    let r = db.referrals().create(zoe.id, &referral(), today()).unwrap();
    let slips = db
        .prescriptions()
        .create(
            zoe.id,
            &art_class(r.id, "2026-11-20", "", direct.id),
            today(),
        )
        .unwrap();
    let plain = db
        .prescriptions()
        .create(zoe.id, &art_class(r.id, "2026-11-20", "", art), today())
        .unwrap();
    let theirs = db
        .prescriptions()
        .create(
            no_store.id,
            &PrescriptionInput {
                referral_id: None,
                ..art_class(0, "2026-11-20", "", art)
            },
            today(),
        )
        .unwrap();
    let print = |id: i64, slips: SlipConsent| {
        db.prescriptions()
            .print(id, today(), slips, |sheet| Ok::<_, Error>(sheet.clone()))
    };
    let head = || db.audit_entries(1).unwrap()[0].id;

    // No consent to store: refused whatever is chosen, and nothing is audited.
    let before = head();
    for choice in [SlipConsent::Ask, SlipConsent::LeaveOut] {
        assert!(matches!(
            print(theirs.id, choice),
            Err(Error::ConsentToStoreMissing)
        ));
        assert!(matches!(
            db.prescriptions().check_consent(theirs.id, today(), choice),
            Err(Error::ConsentToStoreMissing)
        ));
    }
    assert_eq!(head(), before);

    // No slips on it: consent to share is not asked for, and it prints as itself.
    assert!(print(plain.id, SlipConsent::Ask).unwrap().slips);
    let newest = &db.audit_entries(1).unwrap()[0];
    assert_eq!(
        (newest.action, newest.entity.as_str(), newest.record_id),
        (AuditAction::Print, "prescription", Some(plain.id))
    );

    // Slips and no consent to share: asked first, nothing written.
    let before = head();
    assert!(matches!(
        print(slips.id, SlipConsent::Ask),
        Err(Error::ConsentToShareNeeded)
    ));
    assert_eq!(head(), before);
    // Printed without them: the choice is in the audit log.
    let without = print(slips.id, SlipConsent::LeaveOut).unwrap();
    assert!(!without.slips && without.has_slips());
    let row = &db.audit_entries(1).unwrap()[0];
    assert_eq!(
        (row.action, row.entity.as_str(), row.record_id),
        (
            AuditAction::Print,
            waymark_store::prescriptions::WITHOUT_SLIPS_ENTITY,
            Some(slips.id)
        )
    );
    assert!(db
        .patients()
        .get(zoe.id)
        .unwrap()
        .consent_share_date
        .is_none());

    // Consent given now, verbally: recorded with the date, audited, and the slips print.
    let with = print(
        slips.id,
        SlipConsent::GivenNow(waymark_domain::ConsentHow::Verbal),
    )
    .unwrap();
    assert!(with.slips);
    let rows = db.audit_entries(2).unwrap();
    assert_eq!(
        (rows[1].action, rows[1].entity.as_str(), rows[1].patient_id),
        (
            AuditAction::Update,
            waymark_store::prescriptions::SHARE_CONSENT_ENTITY,
            Some(zoe.id)
        )
    );
    assert_eq!(
        (rows[0].action, rows[0].entity.as_str()),
        (AuditAction::Print, "prescription")
    );
    assert_eq!(
        db.patients().get(zoe.id).unwrap().consent_share_date,
        Some(today())
    );
    // From then on the slips print without asking, and no second consent is recorded.
    let consents = |db: &waymark_store::Database| {
        db.audit_entries(100)
            .unwrap()
            .iter()
            .filter(|e| e.entity == "patient_share_consent")
            .count()
    };
    let recorded = consents(&db);
    assert!(print(slips.id, SlipConsent::Ask).unwrap().slips);
    assert_eq!(consents(&db), recorded);
}
