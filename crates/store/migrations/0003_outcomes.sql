-- Outcome measures and reports (issue 6).

-- The caseload's follow-up reminder: the latest baseline measure with no follow-up
-- recorded since (derived data, written by caseload::refresh only). Nothing wrote
-- outcome_measures before this schema, so every existing patient starts with none.
ALTER TABLE patients ADD COLUMN measures_baseline TEXT;
CREATE INDEX patients_caseload_measures ON patients (status, measures_baseline);

-- The period reports read each table by date.
CREATE INDEX referrals_received ON referrals (received_date);
CREATE INDEX contacts_date ON contacts (contact_date, patient_id);
CREATE INDEX prescriptions_date ON prescriptions (prescribed_date);
-- Covers what the report reads of each activity, so it never visits the table.
CREATE INDEX prescription_items_report ON prescription_items (prescription_id, service_id, status, barrier);
CREATE INDEX outcome_measures_period ON outcome_measures (timepoint, recorded_date);
