-- Waymark schema 2: casework. The caseload's summary columns on patients, and the
-- directory's service record flattened to the fields a practice edits and prints.

-- Caseload summary, kept by the store whenever a referral, contact or prescription
-- changes (store::caseload::refresh), so the caseload list filters and sorts on indexed
-- columns of one table.
ALTER TABLE patients ADD COLUMN episode_status TEXT
    CHECK (episode_status IS NULL OR episode_status IN ('new', 'contacted', 'active', 'closed'));
ALTER TABLE patients ADD COLUMN next_checkin TEXT;
ALTER TABLE patients ADD COLUMN last_contact TEXT;
CREATE INDEX patients_caseload_episode ON patients (status, episode_status, sort_key);
CREATE INDEX patients_caseload_checkin ON patients (status, next_checkin);
CREATE INDEX patients_caseload_contact ON patients (status, last_contact);

-- The name search index: for each folded word of a patient's names, the word marked as
-- a word start (" word") and its suffixes of three or more characters, so any part of a
-- name is found by an index range rather than a scan of the caseload. Filled from
-- patients.search_text by the store (migrations.rs) and kept with every patient change.
CREATE TABLE patient_name_index (
    term        TEXT NOT NULL,
    patient_id  INTEGER NOT NULL REFERENCES patients (id),
    PRIMARY KEY (term, patient_id)
) WITHOUT ROWID;
CREATE INDEX patient_name_index_patient ON patient_name_index (patient_id);

UPDATE patients SET
    episode_status = (SELECT r.status FROM referrals r WHERE r.patient_id = patients.id
                      ORDER BY r.received_date DESC, r.id DESC LIMIT 1),
    last_contact = (SELECT max(c.contact_date) FROM contacts c WHERE c.patient_id = patients.id);

-- The service record: one place, one timetable and one cost band per service (what the
-- printed prescription shows); the HSDS sub-tables of schema 1 were never written and
-- are replaced by these columns. `days` is an RFC 5545 BYDAY list without ordinals.
ALTER TABLE services ADD COLUMN when_text TEXT;
ALTER TABLE services ADD COLUMN days TEXT NOT NULL DEFAULT '';
ALTER TABLE services ADD COLUMN location_name TEXT;
ALTER TABLE services ADD COLUMN address TEXT;
ALTER TABLE services ADD COLUMN accessibility TEXT;
ALTER TABLE services ADD COLUMN access_search TEXT NOT NULL DEFAULT ''; -- folded accessibility, for its filter
ALTER TABLE services ADD COLUMN cost_band TEXT NOT NULL DEFAULT 'unknown'
    CHECK (cost_band IN ('free', 'low', 'paid', 'unknown'));
DROP TABLE service_locations;
DROP TABLE locations;
DROP TABLE schedules;
DROP TABLE cost_options;
CREATE INDEX services_status_sort ON services (status, name COLLATE NOCASE);
CREATE INDEX services_organization ON services (organization_id);
CREATE INDEX organizations_name ON organizations (name COLLATE NOCASE);

CREATE INDEX prescriptions_referral ON prescriptions (referral_id);
CREATE INDEX prescription_items_status ON prescription_items (status, barrier);
