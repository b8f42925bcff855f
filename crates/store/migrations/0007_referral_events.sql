-- Schema 7: each move of an episode's status, by a person or by the work itself (the
-- first conversation makes a new referral "contacted", the first prescription makes it
-- "active"), so the referral's timeline shows how it got where it is.

CREATE TABLE referral_events (
    id           INTEGER PRIMARY KEY,
    referral_id  INTEGER NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    event_date   TEXT NOT NULL,      -- the day of the work, or of a person's change
    from_status  TEXT NOT NULL CHECK (from_status IN ('new', 'contacted', 'active', 'closed')),
    to_status    TEXT NOT NULL CHECK (to_status IN ('new', 'contacted', 'active', 'closed')),
    -- What moved it: a person, or the conversation or prescription that was recorded.
    cause        TEXT NOT NULL CHECK (cause IN ('person', 'conversation', 'prescription')),
    staff_id     INTEGER REFERENCES staff (id),
    created_at   TEXT NOT NULL
);
CREATE INDEX referral_events_referral ON referral_events (referral_id, id);

-- How the patient agreed to share their details with providers, when the link worker
-- records it at the moment a prescription's slips need it.
ALTER TABLE patients ADD COLUMN consent_share_how TEXT CHECK (consent_share_how IN ('verbal', 'written'));
-- Consent withdrawn (on the patient's details) takes how it was given with it.
CREATE TRIGGER patients_share_consent_withdrawn
AFTER UPDATE OF consent_share_date ON patients
WHEN NEW.consent_share_date IS NULL AND NEW.consent_share_how IS NOT NULL
BEGIN
    UPDATE patients SET consent_share_how = NULL WHERE id = NEW.id;
END;
