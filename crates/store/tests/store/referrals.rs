use waymark_domain::{ReferralInput, ReferralReason, ReferralStatus, StatusChange};
use waymark_store::{AuditAction, Error};

use crate::common::*;

#[test]
fn round_trip_update_and_list_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let p = db.patients().create(&zoe(), today()).unwrap();
    let first = db.referrals().create(p.id, &referral(), today()).unwrap();
    assert_eq!(first.status, ReferralStatus::New);
    assert_eq!(
        first.fields.reasons,
        [
            ReferralReason::LongTermCondition,
            ReferralReason::PhysicalActivity
        ]
    );
    assert_eq!(db.referrals().get(first.id).unwrap(), first);

    let newer = ReferralInput {
        received_date: "2026-11-20".into(),
        reasons: vec![ReferralReason::Loneliness],
        ..referral()
    };
    let second = db.referrals().create(p.id, &newer, today()).unwrap();
    let ids: Vec<_> = db
        .referrals()
        .list_for_patient(p.id)
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, [second.id, first.id]);

    let edited = ReferralInput {
        reasons: vec![ReferralReason::Diet],
        conditions: "Type 2 diabetes".into(),
        ..referral()
    };
    let updated = db.referrals().update(first.id, &edited, today()).unwrap();
    assert_eq!(updated.fields.reasons, [ReferralReason::Diet]);
    assert_eq!(
        updated.fields.conditions.as_deref(),
        Some("Type 2 diabetes")
    );
}

#[test]
fn status_moves_and_closing_records_reason_and_date() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let p = db.patients().create(&zoe(), today()).unwrap();
    let r = db.referrals().create(p.id, &referral(), today()).unwrap();
    for status in [ReferralStatus::Contacted, ReferralStatus::Active] {
        let moved = db
            .referrals()
            .set_status(r.id, &StatusChange::new(status, None).unwrap(), today())
            .unwrap();
        assert_eq!(moved.status, status);
    }
    let close = StatusChange::new(ReferralStatus::Closed, Some("Goals met")).unwrap();
    let closed = db.referrals().set_status(r.id, &close, today()).unwrap();
    assert_eq!(closed.closure_reason.as_deref(), Some("Goals met"));
    assert_eq!(closed.closed_date, Some(today()));
    let reopened = db
        .referrals()
        .set_status(
            r.id,
            &StatusChange::new(ReferralStatus::Active, None).unwrap(),
            today(),
        )
        .unwrap();
    assert_eq!(
        (reopened.closure_reason, reopened.closed_date),
        (None, None)
    );
}

#[test]
fn bad_input_and_unknown_patients_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let p = db.patients().create(&zoe(), today()).unwrap();
    assert!(matches!(
        db.referrals().create(4242, &referral(), today()),
        Err(Error::NotFound { .. })
    ));
    let no_reason = ReferralInput {
        reasons: vec![],
        ..referral()
    };
    assert!(matches!(
        db.referrals().create(p.id, &no_reason, today()),
        Err(Error::Validation(_))
    ));
    assert!(db.referrals().list_for_patient(p.id).unwrap().is_empty());
}

#[test]
fn referral_access_is_audited_against_the_patient() {
    let dir = tempfile::tempdir().unwrap();
    let db = open(dir.path(), &mock_vault());
    let p = db.patients().create(&zoe(), today()).unwrap();
    let r = db.referrals().create(p.id, &referral(), today()).unwrap();
    db.referrals().list_for_patient(p.id).unwrap();
    let rows: Vec<_> = db.audit_entries(2).unwrap();
    assert_eq!(
        (rows[0].action, rows[0].entity.as_str(), rows[0].patient_id),
        (AuditAction::List, "referral", Some(p.id))
    );
    assert_eq!(
        (rows[1].action, rows[1].record_id, rows[1].patient_id),
        (AuditAction::Create, Some(r.id), Some(p.id))
    );
}
