//! The patients table: register, change, find, archive. Every access is audited.

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension, Row};
use waymark_domain::search::{fold, query_terms};
use waymark_domain::{NhsNumber, PatientFields, PatientInput, PatientStatus, ReferralStatus};

use crate::audit::{self, AuditAction};
use crate::db::Database;
use crate::error::{Error, Result};
use crate::{date_text, now, parse_date, parse_optional_date};

const ENTITY: &str = "patient";

/// A stored patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patient {
    pub id: i64,
    pub fields: PatientFields,
    pub consent_store_date: Option<NaiveDate>,
    pub consent_contact_date: Option<NaiveDate>,
    pub consent_share_date: Option<NaiveDate>,
    pub status: PatientStatus,
    pub created_at: String,
    pub updated_at: String,
}

/// A line of the caseload list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientSummary {
    pub id: i64,
    pub given_name: String,
    pub family_name: String,
    pub preferred_name: Option<String>,
    pub date_of_birth: NaiveDate,
    pub nhs_number: Option<NhsNumber>,
    pub status: PatientStatus,
    /// The latest episode's status; `None` when no referral is recorded.
    pub episode_status: Option<ReferralStatus>,
    pub next_checkin: Option<NaiveDate>,
    pub last_contact: Option<NaiveDate>,
    /// The next check-in date has passed.
    pub checkin_overdue: bool,
    /// When follow-up outcome measures fall due, if a baseline awaits them.
    pub measures_due: Option<NaiveDate>,
    /// That date has passed.
    pub measures_overdue: bool,
}

/// Which episodes the caseload shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EpisodeFilter {
    Status(ReferralStatus),
    NoReferral,
    /// Patients with a closed episode whose message back has not been sent.
    ClosedWithoutMessage,
}

/// What to list: free text matching any part of a name, an NHS number (with or without
/// spaces, or its start) or a date of birth (`1987-03-14` or `14/03/1987`).
#[derive(Debug, Clone, Default)]
pub struct PatientQuery {
    pub text: String,
    pub include_archived: bool,
    pub episode: Option<EpisodeFilter>,
    /// Only patients whose next check-in date has passed, most overdue first.
    pub overdue: bool,
    /// Only patients with no contact logged in this many weeks (or none ever).
    pub no_contact_weeks: Option<u32>,
    /// Only patients whose follow-up measures are overdue or due within
    /// `outcomes::DUE_SOON_DAYS`, soonest first.
    pub measures_due: bool,
    pub limit: u32,
    pub offset: u32,
}

/// One page of a listing, with the total across all pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientPage {
    pub items: Vec<PatientSummary>,
    pub total: u64,
}

/// Most rows a page may ask for, so no request can make the UI load the whole caseload.
pub const MAX_PAGE: u32 = 500;

const COLUMNS: &str = "id, given_name, family_name, preferred_name, date_of_birth, nhs_number, mrn,
    pronouns, address, phone, email, preferred_contact, language, needs_large_print,
    needs_easy_read, needs_interpreter, registered_gp, consent_store_date,
    consent_contact_date, consent_share_date, status, created_at, updated_at, print_language,
    gender, ethnicity, communication_needs, consent_store_how, consent_store_by,
    consent_withdrawn_date";

/// Handle for the patients table.
#[derive(Debug)]
pub struct Patients<'a> {
    db: &'a Database,
}

impl Database {
    pub fn patients(&self) -> Patients<'_> {
        Patients { db: self }
    }
}

impl Patients<'_> {
    /// Registers a patient. Consents given now are dated `today`.
    pub fn create(&self, input: &PatientInput, today: NaiveDate) -> Result<Patient> {
        let f = input.validate(today)?;
        withdrawn_after_given(&f, f.consent_date.unwrap_or(today))?;
        let tx = self.db.conn.unchecked_transaction()?;
        refuse_taken_nhs_number(&tx, &f, None)?;
        let consent = |given: bool| given.then(|| date_text(today));
        let mut values = field_values(
            &f,
            [
                f.consent_store
                    .then(|| date_text(f.consent_date.unwrap_or(today))),
                consent(f.consent_contact),
                consent(f.consent_share),
            ],
        );
        values.push(("status", Value::Text("active".into())));
        values.push(("created_at", Value::Text(now())));
        let columns: Vec<&str> = values.iter().map(|(c, _)| *c).collect();
        let placeholders: Vec<String> = (1..=values.len()).map(|i| format!("?{i}")).collect();
        tx.execute(
            &format!(
                "INSERT INTO patients ({}) VALUES ({})",
                columns.join(", "),
                placeholders.join(", ")
            ),
            params_from_iter(values.iter().map(|(_, v)| v)),
        )?;
        let id = tx.last_insert_rowid();
        write_name_index(&tx, id, &search_text(&f))?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::Create,
            ENTITY,
            Some(id),
            Some(id),
        )?;
        let patient = self.read(&tx, id)?;
        tx.commit()?;
        Ok(patient)
    }

    /// Replaces a patient's details. A consent keeps its original date while it stays
    /// given, is dated `today` when newly given, and is cleared when withdrawn.
    pub fn update(&self, id: i64, input: &PatientInput, today: NaiveDate) -> Result<Patient> {
        let f = input.validate(today)?;
        let tx = self.db.conn.unchecked_transaction()?;
        let before = self.read(&tx, id)?;
        withdrawn_after_given(
            &f,
            f.consent_date
                .or(before.consent_store_date)
                .unwrap_or(today),
        )?;
        refuse_taken_nhs_number(&tx, &f, Some(id))?;
        let keep =
            |given: bool, was: Option<NaiveDate>| given.then(|| date_text(was.unwrap_or(today)));
        let mut values = field_values(
            &f,
            [
                keep(
                    f.consent_store,
                    f.consent_date.or(before.consent_store_date),
                ),
                keep(f.consent_contact, before.consent_contact_date),
                keep(f.consent_share, before.consent_share_date),
            ],
        );
        values.push(("id", Value::Integer(id)));
        let n = values.len();
        let assignments: Vec<String> = values[..n - 1]
            .iter()
            .enumerate()
            .map(|(i, (c, _))| format!("{c} = ?{}", i + 1))
            .collect();
        tx.execute(
            &format!(
                "UPDATE patients SET {} WHERE id = ?{n}",
                assignments.join(", ")
            ),
            params_from_iter(values.iter().map(|(_, v)| v)),
        )?;
        write_name_index(&tx, id, &search_text(&f))?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::Update,
            ENTITY,
            Some(id),
            Some(id),
        )?;
        let patient = self.read(&tx, id)?;
        tx.commit()?;
        Ok(patient)
    }

    /// Reads one patient (audited as a view).
    pub fn get(&self, id: i64) -> Result<Patient> {
        let tx = self.db.conn.unchecked_transaction()?;
        let patient = self.read(&tx, id)?;
        audit::record(
            &tx,
            self.db.actor,
            AuditAction::View,
            ENTITY,
            Some(id),
            Some(id),
        )?;
        tx.commit()?;
        Ok(patient)
    }

    /// Takes a patient off the active caseload; nothing is deleted.
    pub fn archive(&self, id: i64) -> Result<Patient> {
        self.set_status(id, PatientStatus::Archived, AuditAction::Archive)
    }

    /// Puts an archived patient back on the active caseload.
    pub fn restore(&self, id: i64) -> Result<Patient> {
        self.set_status(id, PatientStatus::Active, AuditAction::Restore)
    }

    fn set_status(&self, id: i64, status: PatientStatus, action: AuditAction) -> Result<Patient> {
        let tx = self.db.conn.unchecked_transaction()?;
        let ts = now();
        let changed = tx.execute(
            "UPDATE patients SET status = ?2, updated_at = ?3,
                archived_at = CASE WHEN ?2 = 'archived' THEN ?3 ELSE NULL END
             WHERE id = ?1",
            params![id, status.as_str(), ts],
        )?;
        if changed == 0 {
            return Err(Error::NotFound { entity: ENTITY, id });
        }
        audit::record(&tx, self.db.actor, action, ENTITY, Some(id), Some(id))?;
        let patient = self.read(&tx, id)?;
        tx.commit()?;
        Ok(patient)
    }

    /// Lists patients matching `query`, ordered by family then given name. The search
    /// text itself is never written anywhere: the audit row records only that a list
    /// was read.
    pub fn list(&self, query: &PatientQuery, today: NaiveDate) -> Result<PatientPage> {
        let mut clauses = Vec::new();
        let mut args: Vec<Value> = Vec::new();
        if !query.include_archived {
            clauses.push("status = 'active'".to_owned());
        }
        // A name search starts from the patients it matches (found through the name
        // index), so the caseload is never scanned in name order looking for them.
        let source = match text_matches(&query.text, &mut args) {
            Some(matches) => format!(
                "(SELECT DISTINCT patient_id AS pid FROM ({matches})) AS m
                 CROSS JOIN patients ON patients.id = m.pid"
            ),
            None => "patients".to_owned(),
        };
        match query.episode {
            Some(EpisodeFilter::Status(s)) => {
                args.push(Value::Text(s.as_str().to_owned()));
                clauses.push(format!("episode_status = ?{}", args.len()));
            }
            Some(EpisodeFilter::NoReferral) => clauses.push("episode_status IS NULL".to_owned()),
            // Answered by the partial index of such episodes (schema 9).
            Some(EpisodeFilter::ClosedWithoutMessage) => clauses.push(
                "patients.id IN (SELECT patient_id FROM referrals INDEXED BY referrals_unsent
                    WHERE status = 'closed' AND message_sent_date IS NULL)"
                    .to_owned(),
            ),
            None => {}
        }
        let today_text = date_text(today);
        if query.overdue {
            args.push(Value::Text(today_text.clone()));
            clauses.push(format!("next_checkin < ?{}", args.len()));
        }
        if let Some(weeks) = query.no_contact_weeks {
            // Far past weeks (any number may arrive over IPC) mean "since records began".
            let cutoff = chrono::Duration::try_weeks(i64::from(weeks))
                .and_then(|d| today.checked_sub_signed(d))
                .unwrap_or(NaiveDate::MIN);
            args.push(Value::Text(date_text(cutoff)));
            clauses.push(format!(
                "(last_contact IS NULL OR last_contact <= ?{})",
                args.len()
            ));
        }
        let weeks = crate::outcomes::follow_up_weeks(&self.db.conn)?;
        if query.measures_due {
            // Due by `today + DUE_SOON_DAYS` means a baseline on or before that day less
            // the follow-up interval.
            let latest_baseline = today
                .checked_add_signed(chrono::Duration::days(
                    waymark_domain::outcomes::DUE_SOON_DAYS,
                ))
                .and_then(|d| d.checked_sub_signed(chrono::Duration::weeks(i64::from(weeks))))
                .unwrap_or(NaiveDate::MIN);
            args.push(Value::Text(date_text(latest_baseline)));
            clauses.push(format!("measures_baseline <= ?{}", args.len()));
        }
        let order = if query.overdue {
            "next_checkin, sort_key, id"
        } else if query.measures_due {
            "measures_baseline, sort_key, id"
        } else {
            "sort_key, id"
        };
        let filter = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let tx = self.db.conn.unchecked_transaction()?;
        let total: i64 = tx.query_row(
            &format!("SELECT count(*) FROM {source} {filter}"),
            params_from_iter(args.iter()),
            |r| r.get(0),
        )?;
        let limit = query.limit.clamp(1, MAX_PAGE);
        args.push(Value::Integer(i64::from(limit)));
        args.push(Value::Integer(i64::from(query.offset)));
        let n = args.len();
        let sql = format!(
            "SELECT {SUMMARY} FROM {source} {filter} ORDER BY {order} LIMIT ?{} OFFSET ?{}",
            n - 1,
            n
        );
        let mut items = Vec::new();
        {
            let mut stmt = tx.prepare(&sql)?;
            let mut rows = stmt.query(params_from_iter(args.iter()))?;
            while let Some(r) = rows.next()? {
                items.push(summary_row(r, today, weeks)?);
            }
        }
        audit::record(&tx, self.db.actor, AuditAction::List, ENTITY, None, None)?;
        tx.commit()?;
        Ok(PatientPage {
            items,
            total: u64::try_from(total).unwrap_or_default(),
        })
    }

    /// Records that might be this person: the same NHS number, or the same names (as
    /// search folds them) and date of birth. `exclude` leaves out the record being edited.
    /// An input that does not validate yet finds nothing.
    pub fn possible_duplicates(
        &self,
        input: &PatientInput,
        exclude: Option<i64>,
        today: NaiveDate,
    ) -> Result<Vec<PatientSummary>> {
        let Ok(f) = input.validate(today) else {
            return Ok(Vec::new());
        };
        let found = duplicates(&self.db.conn, &f, exclude, today)?;
        if !found.is_empty() {
            audit::record(
                &self.db.conn,
                self.db.actor,
                AuditAction::List,
                ENTITY,
                None,
                None,
            )?;
        }
        Ok(found)
    }

    pub(crate) fn read(&self, conn: &rusqlite::Connection, id: i64) -> Result<Patient> {
        read_row(conn, id)
    }
}

/// One patient, unaudited: for callers that audit what they read it for.
pub(crate) fn read_row(conn: &rusqlite::Connection, id: i64) -> Result<Patient> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM patients WHERE id = ?1"),
        [id],
        |r| Ok(row_to_patient(r)),
    )
    .optional()?
    .ok_or(Error::NotFound { entity: ENTITY, id })?
}

const SUMMARY: &str = "id, given_name, family_name, preferred_name, date_of_birth, nhs_number,
    status, episode_status, next_checkin, last_contact, measures_baseline";

/// `weeks` is the practice's follow-up interval for outcome measures.
fn summary_row(r: &Row<'_>, today: NaiveDate, weeks: u32) -> Result<PatientSummary> {
    let next_checkin = parse_optional_date(r.get(8)?)?;
    let measures_due =
        parse_optional_date(r.get(10)?)?.map(|b| waymark_domain::outcomes::follow_up_due(b, weeks));
    Ok(PatientSummary {
        id: r.get(0)?,
        given_name: r.get(1)?,
        family_name: r.get(2)?,
        preferred_name: r.get(3)?,
        date_of_birth: parse_date(&r.get::<_, String>(4)?)?,
        nhs_number: stored_nhs(r.get(5)?)?,
        status: r.get::<_, String>(6)?.parse()?,
        episode_status: r
            .get::<_, Option<String>>(7)?
            .map(|s| s.parse())
            .transpose()?,
        checkin_overdue: waymark_domain::checkin_overdue(next_checkin, today),
        next_checkin,
        last_contact: parse_optional_date(r.get(9)?)?,
        measures_overdue: measures_due.is_some_and(|d| d < today),
        measures_due,
    })
}

fn duplicates(
    conn: &rusqlite::Connection,
    f: &PatientFields,
    exclude: Option<i64>,
    today: NaiveDate,
) -> Result<Vec<PatientSummary>> {
    let weeks = crate::outcomes::follow_up_weeks(conn)?;
    let nhs = f.nhs_number.as_ref().map(|n| n.digits().to_owned());
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {SUMMARY} FROM patients
         WHERE (nhs_number = ?1 OR (date_of_birth = ?2 AND sort_key = ?3))
           AND (?4 IS NULL OR id <> ?4)
         ORDER BY sort_key, id LIMIT 20"
    ))?;
    let mut rows = stmt.query(params![
        nhs,
        date_text(f.date_of_birth),
        sort_key(&f.family_name, &f.given_name),
        exclude
    ])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(summary_row(r, today, weeks)?);
    }
    Ok(out)
}

/// An NHS number names one person: a second record with it is refused outright (a
/// matching name and date of birth only warns, through `possible_duplicates`).
fn refuse_taken_nhs_number(
    conn: &rusqlite::Connection,
    f: &PatientFields,
    exclude: Option<i64>,
) -> Result<()> {
    let Some(nhs) = &f.nhs_number else {
        return Ok(());
    };
    let taken: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM patients WHERE nhs_number = ?1 AND (?2 IS NULL OR id <> ?2))",
        params![nhs.digits(), exclude],
        |r| r.get(0),
    )?;
    if taken {
        let mut e = waymark_domain::ValidationErrors::default();
        e.push(
            "nhsNumber",
            "Another patient already has this NHS number. Open their record instead.",
        );
        return Err(e.into());
    }
    Ok(())
}

/// Refuses a withdrawal dated before the consent it withdraws, `given` being the day
/// consent is recorded as given (typed, kept from before, or today).
fn withdrawn_after_given(f: &PatientFields, given: NaiveDate) -> Result<()> {
    match f.consent_withdrawn_date {
        Some(w) if f.consent_store && w < given => {
            let mut e = waymark_domain::ValidationErrors::default();
            e.push(
                "consentWithdrawnDate",
                "Consent cannot be withdrawn before the day it was given.",
            );
            Err(e.into())
        }
        _ => Ok(()),
    }
}

/// The stored columns of a patient's fields, with the consents' dates as decided by the
/// caller, plus the derived search columns and `updated_at`. Column names are fixed
/// identifiers from this list, never from input.
fn field_values(
    f: &PatientFields,
    consent_dates: [Option<String>; 3],
) -> Vec<(&'static str, Value)> {
    let text = |v: &Option<String>| v.clone().map_or(Value::Null, Value::Text);
    let flag = |b: bool| Value::Integer(i64::from(b));
    let [store, contact, share] = consent_dates;
    vec![
        ("given_name", Value::Text(f.given_name.clone())),
        ("family_name", Value::Text(f.family_name.clone())),
        ("preferred_name", text(&f.preferred_name)),
        ("date_of_birth", Value::Text(date_text(f.date_of_birth))),
        (
            "nhs_number",
            text(&f.nhs_number.as_ref().map(|n| n.digits().to_owned())),
        ),
        ("mrn", text(&f.mrn)),
        ("pronouns", text(&f.pronouns)),
        ("address", text(&f.address)),
        ("phone", text(&f.phone)),
        ("email", text(&f.email)),
        (
            "preferred_contact",
            text(&f.preferred_contact.map(|c| c.as_str().to_owned())),
        ),
        ("language", text(&f.language)),
        ("print_language", text(&f.print_language)),
        ("needs_large_print", flag(f.needs_large_print)),
        ("needs_easy_read", flag(f.needs_easy_read)),
        ("needs_interpreter", flag(f.needs_interpreter)),
        ("registered_gp", text(&f.registered_gp)),
        ("consent_store_date", text(&store)),
        ("consent_contact_date", text(&contact)),
        ("consent_share_date", text(&share)),
        ("gender", text(&f.gender.map(|g| g.as_str().to_owned()))),
        (
            "ethnicity",
            text(&(!f.ethnicity.is_empty()).then(|| f.ethnicity.join(","))),
        ),
        ("communication_needs", text(&f.communication_needs)),
        (
            "consent_store_how",
            text(&f.consent_how.map(|h| h.as_str().to_owned())),
        ),
        ("consent_store_by", text(&f.consent_given_by)),
        (
            "consent_withdrawn_date",
            text(&f.consent_withdrawn_date.map(date_text)),
        ),
        ("search_text", Value::Text(search_text(f))),
        (
            "sort_key",
            Value::Text(sort_key(&f.family_name, &f.given_name)),
        ),
        ("updated_at", Value::Text(now())),
    ]
}

/// The ids a search text matches, as a compound SELECT, numbering its parameters after
/// those already in `args`. Every name term must match (through the name index, so no
/// search scans the caseload); an NHS number prefix or a date of birth are alternatives.
fn text_matches(text: &str, args: &mut Vec<Value>) -> Option<String> {
    let terms = query_terms(text);
    if terms.is_empty() {
        return None;
    }
    let mut next = |v: Value| {
        args.push(v);
        format!("?{}", args.len())
    };
    let sets: Vec<String> = terms
        .iter()
        .map(|t| {
            let (low, high) = index_range(t);
            format!(
                "SELECT patient_id FROM patient_name_index WHERE term >= {} AND term < {}",
                next(Value::Text(low)),
                next(Value::Text(high))
            )
        })
        .collect();
    let mut select = sets.join(" INTERSECT ");
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() >= 3 && compact.chars().all(|c| c.is_ascii_digit()) {
        // NHS numbers are stored as digits only, so a typed prefix with or without
        // spaces matches from the start (':' sorts just after '9').
        let low = next(Value::Text(compact.clone()));
        let high = next(Value::Text(format!("{compact}:")));
        select.push_str(&format!(
            " UNION SELECT id FROM patients WHERE nhs_number >= {low} AND nhs_number < {high}"
        ));
    }
    if let Some(date) = parse_query_date(text.trim()) {
        select.push_str(&format!(
            " UNION SELECT id FROM patients WHERE date_of_birth = {}",
            next(Value::Text(date_text(date)))
        ));
    }
    // A provider quoting a printed reference code back: the prescription's patient.
    if let Some(code) = waymark_domain::prescription::parse_reference_code(text) {
        select.push_str(&format!(
            " UNION SELECT patient_id FROM prescriptions WHERE reference_code = {}",
            next(Value::Text(code))
        ));
    }
    Some(select)
}

/// The index rows for a search text: for each folded word, the word marked as a word
/// start (" word") and every suffix of three or more characters. A term of three or more
/// characters then matches any part of a word; a shorter one matches word starts only
/// (while typing, "sm" means Smith, not every name with an "sm" inside).
pub(crate) fn index_terms(search_text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in search_text.split(' ').filter(|w| !w.is_empty()) {
        out.push(format!(" {word}"));
        let chars: Vec<(usize, char)> = word.char_indices().collect();
        for (k, (at, _)) in chars.iter().enumerate() {
            if chars.len() - k >= MIN_INNER_TERM {
                out.push(word[*at..].to_owned());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Shortest term matched inside a word; shorter terms match word starts.
const MIN_INNER_TERM: usize = 3;

/// The range of index terms that start with `term` (as a word start when it is shorter
/// than [`MIN_INNER_TERM`]).
fn index_range(term: &str) -> (String, String) {
    let low = if term.chars().count() < MIN_INNER_TERM {
        format!(" {term}")
    } else {
        term.to_owned()
    };
    let high = format!("{low}\u{10FFFF}");
    (low, high)
}

/// Replaces a patient's rows in the name index.
pub(crate) fn write_name_index(
    conn: &rusqlite::Connection,
    id: i64,
    search_text: &str,
) -> Result<()> {
    conn.prepare_cached("DELETE FROM patient_name_index WHERE patient_id = ?1")?
        .execute([id])?;
    let mut insert = conn.prepare_cached(
        "INSERT OR IGNORE INTO patient_name_index (term, patient_id) VALUES (?1, ?2)",
    )?;
    for term in index_terms(search_text) {
        insert.execute(params![term, id])?;
    }
    Ok(())
}

fn parse_query_date(text: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
}

pub(crate) fn search_text(f: &PatientFields) -> String {
    let mut s = format!("{} {}", f.given_name, f.family_name);
    if let Some(p) = &f.preferred_name {
        s.push(' ');
        s.push_str(p);
    }
    // Each name folded once; the leading space lets a term match at a word start too.
    format!(" {}", fold(&s))
}

pub(crate) fn sort_key(family: &str, given: &str) -> String {
    format!("{}\u{1}{}", fold(family), fold(given))
}

fn stored_nhs(value: Option<String>) -> Result<Option<NhsNumber>> {
    value
        .map(|v| {
            NhsNumber::parse(&v).map_err(|e| Error::Corrupt(format!("stored NHS number: {e}")))
        })
        .transpose()
}

fn row_to_patient(r: &Row<'_>) -> Result<Patient> {
    let fields = PatientFields {
        given_name: r.get(1)?,
        family_name: r.get(2)?,
        preferred_name: r.get(3)?,
        date_of_birth: parse_date(&r.get::<_, String>(4)?)?,
        nhs_number: stored_nhs(r.get(5)?)?,
        mrn: r.get(6)?,
        pronouns: r.get(7)?,
        address: r.get(8)?,
        phone: r.get(9)?,
        email: r.get(10)?,
        preferred_contact: r
            .get::<_, Option<String>>(11)?
            .map(|c| c.parse())
            .transpose()?,
        language: r.get(12)?,
        print_language: r.get(23)?,
        needs_large_print: r.get(13)?,
        needs_easy_read: r.get(14)?,
        needs_interpreter: r.get(15)?,
        registered_gp: r.get(16)?,
        consent_store: r.get::<_, Option<String>>(17)?.is_some(),
        consent_contact: r.get::<_, Option<String>>(18)?.is_some(),
        consent_share: r.get::<_, Option<String>>(19)?.is_some(),
        gender: r
            .get::<_, Option<String>>(24)?
            .map(|g| g.parse())
            .transpose()?,
        ethnicity: r
            .get::<_, Option<String>>(25)?
            .map(|e| e.split(',').map(str::to_owned).collect())
            .unwrap_or_default(),
        communication_needs: r.get(26)?,
        consent_how: r
            .get::<_, Option<String>>(27)?
            .map(|h| h.parse())
            .transpose()?,
        consent_given_by: r.get(28)?,
        consent_date: parse_optional_date(r.get(17)?)?,
        consent_withdrawn_date: parse_optional_date(r.get(29)?)?,
    };
    Ok(Patient {
        id: r.get(0)?,
        consent_store_date: parse_optional_date(r.get(17)?)?,
        consent_contact_date: parse_optional_date(r.get(18)?)?,
        consent_share_date: parse_optional_date(r.get(19)?)?,
        status: r.get::<_, String>(20)?.parse()?,
        created_at: r.get(21)?,
        updated_at: r.get(22)?,
        fields,
    })
}
