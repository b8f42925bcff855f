-- Waymark schema 1: the whole data model of the product brief, so that later work adds
-- behaviour rather than churn. Dates are ISO 8601 text (YYYY-MM-DD), timestamps are
-- UTC RFC 3339 text. Enumerations are checked text so a bad value can never be stored.

CREATE TABLE practice (
    id          INTEGER PRIMARY KEY CHECK (id = 1), -- one practice per database
    name        TEXT NOT NULL,
    address     TEXT,
    phone       TEXT,
    email       TEXT,
    logo_png    BLOB,
    country     TEXT NOT NULL DEFAULT 'UK' CHECK (country IN ('UK', 'US')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL
);

CREATE TABLE staff (
    id               INTEGER PRIMARY KEY,
    display_name     TEXT NOT NULL,
    username         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    email            TEXT,
    phone            TEXT,
    role             TEXT NOT NULL CHECK (role IN ('admin', 'link_worker')),
    passphrase_hash  TEXT NOT NULL,          -- Argon2id PHC string
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_attempts  INTEGER NOT NULL DEFAULT 0,
    locked_until     TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

CREATE TABLE patients (
    id                    INTEGER PRIMARY KEY,
    given_name            TEXT NOT NULL,
    family_name           TEXT NOT NULL,
    preferred_name        TEXT,
    date_of_birth         TEXT NOT NULL,
    nhs_number            TEXT CHECK (nhs_number IS NULL OR (length(nhs_number) = 10 AND nhs_number NOT GLOB '*[^0-9]*')),
    mrn                   TEXT,              -- US medical record number
    pronouns              TEXT,
    address               TEXT,
    phone                 TEXT,
    email                 TEXT,
    preferred_contact     TEXT CHECK (preferred_contact IN ('phone', 'text', 'email', 'letter')),
    language              TEXT,
    needs_large_print     INTEGER NOT NULL DEFAULT 0 CHECK (needs_large_print IN (0, 1)),
    needs_easy_read       INTEGER NOT NULL DEFAULT 0 CHECK (needs_easy_read IN (0, 1)),
    needs_interpreter     INTEGER NOT NULL DEFAULT 0 CHECK (needs_interpreter IN (0, 1)),
    registered_gp         TEXT,
    consent_store_date    TEXT,              -- NULL: not given
    consent_contact_date  TEXT,
    consent_share_date    TEXT,
    status                TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    archived_at           TEXT,
    search_text           TEXT NOT NULL,     -- folded names, for search (domain::search::fold)
    sort_key              TEXT NOT NULL,     -- folded family then given name, for listing
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX patients_status_sort ON patients (status, sort_key);
CREATE INDEX patients_nhs_number ON patients (nhs_number);
CREATE INDEX patients_date_of_birth ON patients (date_of_birth);

CREATE TABLE referrals (
    id                     INTEGER PRIMARY KEY,
    patient_id             INTEGER NOT NULL REFERENCES patients (id),
    received_date          TEXT NOT NULL,
    referrer_name          TEXT,
    referrer_role          TEXT,
    referrer_organisation  TEXT,
    source                 TEXT NOT NULL CHECK (source IN ('gp', 'nurse', 'other_clinician', 'self', 'other')),
    conditions             TEXT,
    status                 TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'contacted', 'active', 'closed')),
    closure_reason         TEXT,
    closed_date            TEXT,
    what_matters           TEXT,             -- the support plan's "what matters to you"
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL,
    CHECK ((status = 'closed') = (closure_reason IS NOT NULL))
);
CREATE INDEX referrals_patient ON referrals (patient_id, received_date);
CREATE INDEX referrals_status ON referrals (status);

CREATE TABLE referral_reasons (
    referral_id  INTEGER NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    reason       TEXT NOT NULL CHECK (reason IN ('loneliness', 'mental_wellbeing', 'long_term_condition',
                     'physical_activity', 'finance', 'employment', 'housing', 'carer_support',
                     'bereavement', 'diet', 'other')),
    PRIMARY KEY (referral_id, reason)
) WITHOUT ROWID;
CREATE INDEX referral_reasons_reason ON referral_reasons (reason);

CREATE TABLE contacts (
    id            INTEGER PRIMARY KEY,
    patient_id    INTEGER NOT NULL REFERENCES patients (id),
    referral_id   INTEGER REFERENCES referrals (id),
    contact_date  TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('face_to_face', 'phone', 'video', 'home_visit')),
    minutes       INTEGER CHECK (minutes IS NULL OR minutes BETWEEN 0 AND 1440),
    notes         TEXT,
    staff_id      INTEGER REFERENCES staff (id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX contacts_patient ON contacts (patient_id, contact_date);

CREATE TABLE goals (
    id           INTEGER PRIMARY KEY,
    referral_id  INTEGER NOT NULL REFERENCES referrals (id),
    description  TEXT NOT NULL,
    target_date  TEXT,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'achieved', 'dropped')),
    position     INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX goals_referral ON goals (referral_id, position);

CREATE TABLE goal_steps (
    id           INTEGER PRIMARY KEY,
    goal_id      INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    description  TEXT NOT NULL,
    target_date  TEXT,
    done         INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    position     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX goal_steps_goal ON goal_steps (goal_id, position);

-- Community directory, shaped after Open Referral HSDS 3.0 (organization, service,
-- location, schedule, cost_option, phone, language, accessibility).
CREATE TABLE organizations (
    id           INTEGER PRIMARY KEY,
    hsds_id      TEXT UNIQUE,
    name         TEXT NOT NULL,
    description  TEXT,
    email        TEXT,
    website      TEXT,
    phone        TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE TABLE services (
    id                   INTEGER PRIMARY KEY,
    hsds_id              TEXT UNIQUE,
    organization_id      INTEGER REFERENCES organizations (id),
    name                 TEXT NOT NULL,
    description          TEXT,            -- what it is, in plain words
    category             TEXT,
    url                  TEXT,
    email                TEXT,
    phone                TEXT,
    fees_description     TEXT,            -- cost
    discount_description TEXT,            -- discount and how to claim it
    eligibility          TEXT,
    application_process  TEXT,            -- how to join
    join_method          TEXT NOT NULL DEFAULT 'signpost' CHECK (join_method IN ('signpost', 'direct_referral')),
    languages            TEXT,            -- comma-separated BCP 47 codes
    status               TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    last_verified        TEXT,            -- HSDS assured_date
    search_text          TEXT NOT NULL DEFAULT '',
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX services_status_name ON services (status, name);
CREATE INDEX services_category ON services (category);

CREATE TABLE locations (
    id             INTEGER PRIMARY KEY,
    hsds_id        TEXT UNIQUE,
    name           TEXT,
    address_1      TEXT,
    city           TEXT,
    region         TEXT,
    postal_code    TEXT,
    country        TEXT,
    latitude       REAL,
    longitude      REAL,
    accessibility  TEXT
);

CREATE TABLE service_locations (
    service_id   INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    location_id  INTEGER NOT NULL REFERENCES locations (id),
    PRIMARY KEY (service_id, location_id)
) WITHOUT ROWID;

CREATE TABLE schedules (
    id           INTEGER PRIMARY KEY,
    service_id   INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    freq         TEXT,        -- RFC 5545: WEEKLY, MONTHLY
    byday        TEXT,        -- RFC 5545: MO,WE,FR
    opens_at     TEXT,
    closes_at    TEXT,
    description  TEXT,
    timezone     TEXT
);
CREATE INDEX schedules_service ON schedules (service_id);

CREATE TABLE cost_options (
    id           INTEGER PRIMARY KEY,
    service_id   INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    amount       REAL,
    currency     TEXT,
    option       TEXT,
    description  TEXT
);
CREATE INDEX cost_options_service ON cost_options (service_id);

CREATE TABLE prescriptions (
    id                 INTEGER PRIMARY KEY,
    patient_id         INTEGER NOT NULL REFERENCES patients (id),
    referral_id        INTEGER REFERENCES referrals (id),
    prescribed_date    TEXT NOT NULL,
    staff_id           INTEGER REFERENCES staff (id),
    message            TEXT,
    next_checkin_date  TEXT,
    reference_code     TEXT UNIQUE,      -- quoted back by providers (closed loop)
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX prescriptions_patient ON prescriptions (patient_id, prescribed_date);
CREATE INDEX prescriptions_checkin ON prescriptions (next_checkin_date);

CREATE TABLE prescription_items (
    id               INTEGER PRIMARY KEY,
    prescription_id  INTEGER NOT NULL REFERENCES prescriptions (id) ON DELETE CASCADE,
    service_id       INTEGER NOT NULL REFERENCES services (id),
    personal_note    TEXT,
    status           TEXT NOT NULL DEFAULT 'suggested' CHECK (status IN ('suggested', 'referred', 'started', 'completed', 'declined', 'did_not_attend')),
    barrier          TEXT CHECK (barrier IN ('cost', 'transport', 'eligibility', 'waiting_list', 'confidence', 'timing', 'no_such_service', 'other')),
    barrier_note     TEXT,
    status_date      TEXT,
    position         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX prescription_items_prescription ON prescription_items (prescription_id, position);
CREATE INDEX prescription_items_service ON prescription_items (service_id);

-- Outcome measures: answers kept item by item (JSON array of integers) so scoring can
-- be recomputed by the instrument's rules; ONS4 is never summed.
CREATE TABLE outcome_measures (
    id             INTEGER PRIMARY KEY,
    patient_id     INTEGER NOT NULL REFERENCES patients (id),
    referral_id    INTEGER REFERENCES referrals (id),
    instrument     TEXT NOT NULL CHECK (instrument IN ('ons4', 'swemwbs', 'ucla3')),
    timepoint      TEXT NOT NULL CHECK (timepoint IN ('baseline', 'follow_up')),
    recorded_date  TEXT NOT NULL,
    answers        TEXT NOT NULL,
    staff_id       INTEGER REFERENCES staff (id),
    created_at     TEXT NOT NULL
);
CREATE INDEX outcome_measures_patient ON outcome_measures (patient_id, instrument, recorded_date);

-- Audit log: who did what to which record, when. It names records by id only and never
-- holds patient data (no names, no search text). The app only ever inserts here.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    staff_id    INTEGER REFERENCES staff (id),
    action      TEXT NOT NULL CHECK (action IN ('view', 'list', 'create', 'update', 'archive', 'restore', 'print', 'export', 'sign_in', 'sign_in_failed', 'sign_out', 'admin')),
    entity      TEXT NOT NULL,
    record_id   INTEGER,
    patient_id  INTEGER
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_patient ON audit_log (patient_id, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END;
