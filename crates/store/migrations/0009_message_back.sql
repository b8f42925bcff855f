-- Schema 9: England's Social Prescribing Information Standard (PRSB). The person's
-- gender, ethnicity, communication needs and how consent was given and withdrawn; the
-- referrer's contact details; how an episode ended, its GP-appointment evidence and
-- the message back to the GP and referrer. Codes are checked by the domain; the
-- CHECKs here guard the closed lists.
ALTER TABLE patients ADD COLUMN gender TEXT
    CHECK (gender IN ('male', 'female', 'other', 'not_known'));
ALTER TABLE patients ADD COLUMN ethnicity TEXT;            -- codes joined by ',' (domain::demographics)
ALTER TABLE patients ADD COLUMN communication_needs TEXT;
ALTER TABLE patients ADD COLUMN consent_store_how TEXT CHECK (consent_store_how IN ('verbal', 'written'));
ALTER TABLE patients ADD COLUMN consent_store_by TEXT;     -- NULL: the person themselves
ALTER TABLE patients ADD COLUMN consent_withdrawn_date TEXT
    CHECK (consent_withdrawn_date IS NULL OR consent_store_date IS NOT NULL);

ALTER TABLE referrals ADD COLUMN referrer_phone TEXT;
ALTER TABLE referrals ADD COLUMN referrer_email TEXT;
ALTER TABLE referrals ADD COLUMN referrer_ods_code TEXT;
ALTER TABLE referrals ADD COLUMN closure_outcome TEXT
    CHECK (closure_outcome IS NULL OR (status = 'closed' AND closure_outcome IN ('completed',
        'declined', 'not_contactable', 'stopped_taking_part', 'referred_elsewhere', 'moved_away',
        'other')));
ALTER TABLE referrals ADD COLUMN gp_appts_before INTEGER
    CHECK (gp_appts_before IS NULL OR gp_appts_before BETWEEN 0 AND 200);
ALTER TABLE referrals ADD COLUMN gp_appts_before_date TEXT
    CHECK ((gp_appts_before IS NULL) = (gp_appts_before_date IS NULL));
ALTER TABLE referrals ADD COLUMN gp_appts_after INTEGER
    CHECK (gp_appts_after IS NULL OR gp_appts_after BETWEEN 0 AND 200);
ALTER TABLE referrals ADD COLUMN gp_appts_after_date TEXT
    CHECK ((gp_appts_after IS NULL) = (gp_appts_after_date IS NULL));
-- What happens next, as the link worker wrote it for the message back.
ALTER TABLE referrals ADD COLUMN next_steps TEXT;
-- The last time the message back left Waymark: as a letter (PDF) or copied as text.
ALTER TABLE referrals ADD COLUMN message_sent_date TEXT;
ALTER TABLE referrals ADD COLUMN message_sent_how TEXT
    CHECK ((message_sent_how IS NULL) = (message_sent_date IS NULL)
        AND (message_sent_how IS NULL OR message_sent_how IN ('letter', 'text')));
ALTER TABLE referrals ADD COLUMN message_sent_by INTEGER REFERENCES staff (id);

-- The caseload finds closed episodes still owing a message back.
CREATE INDEX referrals_unsent ON referrals (patient_id)
    WHERE status = 'closed' AND message_sent_date IS NULL;

-- The reports' referrer and GP-appointment tables read only these columns of the
-- period's referrals: from the index alone, not one encrypted table page per referral.
CREATE INDEX referrals_report ON referrals
    (received_date, referrer_organisation, patient_id, gp_appts_before, gp_appts_after);
