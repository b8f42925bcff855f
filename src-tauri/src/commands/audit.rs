//! The audit log, for admins: read-only, filtered.

use tauri::State;
use waymark_store::AuditFilter;

use crate::dto::{AuditPage, AuditQuery};
use crate::error::ApiError;
use crate::state::AppState;

#[tauri::command(async)]
pub fn audit_list(state: State<'_, AppState>, query: AuditQuery) -> Result<AuditPage, ApiError> {
    let date = |s: &str| chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let filter = AuditFilter {
        staff_id: query.staff_id,
        patient_id: query.patient_id,
        from: date(&query.from),
        to: date(&query.to),
        limit: query.limit,
        offset: query.offset,
    };
    let (rows, total) = state.with_admin_db(|db| db.audit_query(&filter))?;
    Ok(AuditPage {
        items: rows.into_iter().map(Into::into).collect(),
        total,
    })
}
