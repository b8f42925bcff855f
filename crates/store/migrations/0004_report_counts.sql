-- Report counts kept as the caseload changes (issue 6: every report in under 300 ms).
--
-- The period report sums, per day, how many referrals came from each source and for each
-- reason, how many conversations and prescriptions there were, and how many activities
-- were prescribed by service category, by status and by barrier. Counting those rows at
-- report time cost up to a second over a large caseload; these tallies are read instead.
-- Triggers keep them, so every writer (the app, imports, a restored backup's own tables)
-- keeps them right without knowing they exist. A child's tally follows its parent's date:
-- when a parent is deleted its BEFORE DELETE trigger takes its children off, because the
-- cascade deletes them after the parent row has gone.

CREATE TABLE report_counts (
    day   TEXT NOT NULL,      -- YYYY-MM-DD
    kind  TEXT NOT NULL,      -- source, reason, contact, prescription, status, barrier, category
    key   TEXT NOT NULL,      -- the source, reason, status, barrier or category ('' for none)
    n     INTEGER NOT NULL,
    PRIMARY KEY (day, kind, key)
) WITHOUT ROWID;

-- Referrals by source, on the day received.
CREATE TRIGGER report_referral_insert AFTER INSERT ON referrals BEGIN
    INSERT INTO report_counts VALUES (new.received_date, 'source', new.source, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER report_referral_delete BEFORE DELETE ON referrals BEGIN
    INSERT INTO report_counts VALUES (old.received_date, 'source', old.source, -1)
        ON CONFLICT DO UPDATE SET n = n - 1;
    INSERT INTO report_counts
        SELECT old.received_date, 'reason', reason, -1 FROM referral_reasons
        WHERE referral_id = old.id
        ON CONFLICT DO UPDATE SET n = n - 1;
END;
CREATE TRIGGER report_referral_update AFTER UPDATE OF received_date, source ON referrals
WHEN old.received_date IS NOT new.received_date OR old.source IS NOT new.source BEGIN
    INSERT INTO report_counts VALUES (old.received_date, 'source', old.source, -1)
        ON CONFLICT DO UPDATE SET n = n - 1;
    INSERT INTO report_counts VALUES (new.received_date, 'source', new.source, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO report_counts
        SELECT old.received_date, 'reason', reason, -1 FROM referral_reasons
        WHERE referral_id = new.id AND old.received_date IS NOT new.received_date
        ON CONFLICT DO UPDATE SET n = n - 1;
    INSERT INTO report_counts
        SELECT new.received_date, 'reason', reason, 1 FROM referral_reasons
        WHERE referral_id = new.id AND old.received_date IS NOT new.received_date
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- Referral reasons, on their referral's day.
CREATE TRIGGER report_reason_insert AFTER INSERT ON referral_reasons BEGIN
    INSERT INTO report_counts
        SELECT received_date, 'reason', new.reason, 1 FROM referrals WHERE id = new.referral_id
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER report_reason_delete AFTER DELETE ON referral_reasons BEGIN
    INSERT INTO report_counts
        SELECT received_date, 'reason', old.reason, -1 FROM referrals WHERE id = old.referral_id
        ON CONFLICT DO UPDATE SET n = n - 1;
END;
CREATE TRIGGER report_reason_update AFTER UPDATE OF referral_id, reason ON referral_reasons BEGIN
    INSERT INTO report_counts
        SELECT received_date, 'reason', old.reason, -1 FROM referrals WHERE id = old.referral_id
        ON CONFLICT DO UPDATE SET n = n - 1;
    INSERT INTO report_counts
        SELECT received_date, 'reason', new.reason, 1 FROM referrals WHERE id = new.referral_id
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- Conversations.
CREATE TRIGGER report_contact_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO report_counts VALUES (new.contact_date, 'contact', '', 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER report_contact_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO report_counts VALUES (old.contact_date, 'contact', '', -1)
        ON CONFLICT DO UPDATE SET n = n - 1;
END;
CREATE TRIGGER report_contact_update AFTER UPDATE OF contact_date ON contacts
WHEN old.contact_date IS NOT new.contact_date BEGIN
    INSERT INTO report_counts VALUES (old.contact_date, 'contact', '', -1)
        ON CONFLICT DO UPDATE SET n = n - 1;
    INSERT INTO report_counts VALUES (new.contact_date, 'contact', '', 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- Prescriptions, and their activities on the prescription's day.
CREATE TRIGGER report_prescription_insert AFTER INSERT ON prescriptions BEGIN
    INSERT INTO report_counts VALUES (new.prescribed_date, 'prescription', '', 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER report_prescription_delete BEFORE DELETE ON prescriptions BEGIN
    INSERT INTO report_counts VALUES (old.prescribed_date, 'prescription', '', -1)
        ON CONFLICT DO UPDATE SET n = n - 1;
    INSERT INTO report_counts
        SELECT old.prescribed_date, 'status', status, -count(*) FROM prescription_items
        WHERE prescription_id = old.id GROUP BY status
        ON CONFLICT DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_counts
        SELECT old.prescribed_date, 'barrier', barrier, -count(*) FROM prescription_items
        WHERE prescription_id = old.id AND barrier IS NOT NULL GROUP BY barrier
        ON CONFLICT DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_counts
        SELECT old.prescribed_date, 'category', coalesce(s.category, ''), -count(*)
        FROM prescription_items i JOIN services s ON s.id = i.service_id
        WHERE i.prescription_id = old.id GROUP BY 3
        ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER report_prescription_update AFTER UPDATE OF prescribed_date ON prescriptions
WHEN old.prescribed_date IS NOT new.prescribed_date BEGIN
    INSERT INTO report_counts VALUES (old.prescribed_date, 'prescription', '', -1)
        ON CONFLICT DO UPDATE SET n = n - 1;
    INSERT INTO report_counts VALUES (new.prescribed_date, 'prescription', '', 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO report_counts
        SELECT d.day, 'status', i.status, d.sign * count(*)
        FROM prescription_items i,
             (SELECT old.prescribed_date AS day, -1 AS sign
              UNION ALL SELECT new.prescribed_date, 1) AS d
        WHERE i.prescription_id = new.id GROUP BY 1, 3
        ON CONFLICT DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_counts
        SELECT d.day, 'barrier', i.barrier, d.sign * count(*)
        FROM prescription_items i,
             (SELECT old.prescribed_date AS day, -1 AS sign
              UNION ALL SELECT new.prescribed_date, 1) AS d
        WHERE i.prescription_id = new.id AND i.barrier IS NOT NULL GROUP BY 1, 3
        ON CONFLICT DO UPDATE SET n = n + excluded.n;
    INSERT INTO report_counts
        SELECT d.day, 'category', coalesce(s.category, ''), d.sign * count(*)
        FROM prescription_items i JOIN services s ON s.id = i.service_id,
             (SELECT old.prescribed_date AS day, -1 AS sign
              UNION ALL SELECT new.prescribed_date, 1) AS d
        WHERE i.prescription_id = new.id GROUP BY 1, 3
        ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

-- An activity counts under its status, its barrier (if any) and its service's category.
CREATE TRIGGER report_item_insert AFTER INSERT ON prescription_items BEGIN
    INSERT INTO report_counts
        SELECT p.prescribed_date, k.kind, k.key, 1
        FROM prescriptions p,
             (SELECT 'status' AS kind, new.status AS key
              UNION ALL SELECT 'barrier', new.barrier
              UNION ALL SELECT 'category', coalesce(s.category, '') FROM services s
                  WHERE s.id = new.service_id) AS k
        WHERE p.id = new.prescription_id AND k.key IS NOT NULL
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER report_item_delete AFTER DELETE ON prescription_items BEGIN
    INSERT INTO report_counts
        SELECT p.prescribed_date, k.kind, k.key, -1
        FROM prescriptions p,
             (SELECT 'status' AS kind, old.status AS key
              UNION ALL SELECT 'barrier', old.barrier
              UNION ALL SELECT 'category', coalesce(s.category, '') FROM services s
                  WHERE s.id = old.service_id) AS k
        WHERE p.id = old.prescription_id AND k.key IS NOT NULL
        ON CONFLICT DO UPDATE SET n = n - 1;
END;
CREATE TRIGGER report_item_update
AFTER UPDATE OF prescription_id, service_id, status, barrier ON prescription_items
WHEN old.prescription_id IS NOT new.prescription_id OR old.service_id IS NOT new.service_id
  OR old.status IS NOT new.status OR old.barrier IS NOT new.barrier BEGIN
    INSERT INTO report_counts
        SELECT p.prescribed_date, k.kind, k.key, -1
        FROM prescriptions p,
             (SELECT 'status' AS kind, old.status AS key
              UNION ALL SELECT 'barrier', old.barrier
              UNION ALL SELECT 'category', coalesce(s.category, '') FROM services s
                  WHERE s.id = old.service_id) AS k
        WHERE p.id = old.prescription_id AND k.key IS NOT NULL
        ON CONFLICT DO UPDATE SET n = n - 1;
    INSERT INTO report_counts
        SELECT p.prescribed_date, k.kind, k.key, 1
        FROM prescriptions p,
             (SELECT 'status' AS kind, new.status AS key
              UNION ALL SELECT 'barrier', new.barrier
              UNION ALL SELECT 'category', coalesce(s.category, '') FROM services s
                  WHERE s.id = new.service_id) AS k
        WHERE p.id = new.prescription_id AND k.key IS NOT NULL
        ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- A service moved to another category takes its activities with it.
CREATE TRIGGER report_service_category AFTER UPDATE OF category ON services
WHEN coalesce(old.category, '') IS NOT coalesce(new.category, '') BEGIN
    INSERT INTO report_counts
        SELECT p.prescribed_date, 'category', d.key, d.sign * count(*)
        FROM prescription_items i JOIN prescriptions p ON p.id = i.prescription_id,
             (SELECT coalesce(old.category, '') AS key, -1 AS sign
              UNION ALL SELECT coalesce(new.category, ''), 1) AS d
        WHERE i.service_id = new.id GROUP BY 1, 3
        ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

-- What the caseload already holds.
INSERT INTO report_counts
    SELECT received_date, 'source', source, count(*) FROM referrals WHERE true GROUP BY 1, 3;
INSERT INTO report_counts
    SELECT r.received_date, 'reason', rr.reason, count(*)
    FROM referrals r JOIN referral_reasons rr ON rr.referral_id = r.id WHERE true GROUP BY 1, 3;
INSERT INTO report_counts
    SELECT contact_date, 'contact', '', count(*) FROM contacts WHERE true GROUP BY 1;
INSERT INTO report_counts
    SELECT prescribed_date, 'prescription', '', count(*) FROM prescriptions WHERE true GROUP BY 1;
INSERT INTO report_counts
    SELECT p.prescribed_date, 'status', i.status, count(*)
    FROM prescriptions p JOIN prescription_items i ON i.prescription_id = p.id
    WHERE true GROUP BY 1, 3;
INSERT INTO report_counts
    SELECT p.prescribed_date, 'barrier', i.barrier, count(*)
    FROM prescriptions p JOIN prescription_items i ON i.prescription_id = p.id
    WHERE i.barrier IS NOT NULL GROUP BY 1, 3;
INSERT INTO report_counts
    SELECT p.prescribed_date, 'category', coalesce(s.category, ''), count(*)
    FROM prescriptions p JOIN prescription_items i ON i.prescription_id = p.id
    JOIN services s ON s.id = i.service_id
    WHERE true GROUP BY 1, 3;

-- Outcome pairs kept on each follow-up: the baseline it pairs with (the patient's latest
-- baseline on the same instrument on or before it) and the date of the next follow-up
-- (so "the latest follow-up in the period" needs no window over every follow-up). A
-- trigger recomputes both for the patient and instrument whenever a measure changes; a
-- patient has a handful of measures, so that is cheap and obviously right.
-- Derived, so no foreign key: deleting a baseline re-pairs its follow-ups in the same
-- statement.
ALTER TABLE outcome_measures ADD COLUMN baseline_id INTEGER;
ALTER TABLE outcome_measures ADD COLUMN next_follow_up TEXT;
DROP INDEX outcome_measures_period;
CREATE INDEX outcome_measures_pairs ON outcome_measures
    (timepoint, recorded_date, next_follow_up, baseline_id, instrument, answers);

CREATE VIEW outcome_pairing AS
    SELECT f.id,
        (SELECT b.id FROM outcome_measures b INDEXED BY outcome_measures_patient
         WHERE b.patient_id = f.patient_id AND b.instrument = f.instrument
           AND b.timepoint = 'baseline' AND b.recorded_date <= f.recorded_date
         ORDER BY b.recorded_date DESC, b.id DESC LIMIT 1) AS baseline_id,
        (SELECT n.recorded_date FROM outcome_measures n INDEXED BY outcome_measures_patient
         WHERE n.patient_id = f.patient_id AND n.instrument = f.instrument
           AND n.timepoint = 'follow_up' AND (n.recorded_date, n.id) > (f.recorded_date, f.id)
         ORDER BY n.recorded_date, n.id LIMIT 1) AS next_follow_up
    FROM outcome_measures f WHERE f.timepoint = 'follow_up';

CREATE TRIGGER outcome_pairs_insert AFTER INSERT ON outcome_measures BEGIN
    UPDATE outcome_measures AS f
    SET baseline_id = p.baseline_id, next_follow_up = p.next_follow_up
    FROM outcome_pairing AS p
    WHERE p.id = f.id AND f.patient_id = new.patient_id AND f.instrument = new.instrument;
END;
CREATE TRIGGER outcome_pairs_delete AFTER DELETE ON outcome_measures BEGIN
    UPDATE outcome_measures AS f
    SET baseline_id = p.baseline_id, next_follow_up = p.next_follow_up
    FROM outcome_pairing AS p
    WHERE p.id = f.id AND f.patient_id = old.patient_id AND f.instrument = old.instrument;
END;
CREATE TRIGGER outcome_pairs_update
AFTER UPDATE OF patient_id, instrument, timepoint, recorded_date ON outcome_measures BEGIN
    UPDATE outcome_measures AS f
    SET baseline_id = p.baseline_id, next_follow_up = p.next_follow_up
    FROM outcome_pairing AS p
    WHERE p.id = f.id AND ((f.patient_id = old.patient_id AND f.instrument = old.instrument)
        OR (f.patient_id = new.patient_id AND f.instrument = new.instrument));
    -- A row that stops being a follow-up pairs with nothing.
    UPDATE outcome_measures SET baseline_id = NULL, next_follow_up = NULL
    WHERE id = new.id AND new.timepoint = 'baseline';
END;

UPDATE outcome_measures AS f
SET baseline_id = p.baseline_id, next_follow_up = p.next_follow_up
FROM outcome_pairing AS p WHERE p.id = f.id;
