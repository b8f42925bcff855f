//! The audit log, for admins: read-only, filtered, exportable.

use tauri::State;

use crate::desk::DeskState;
use waymark_store::AuditFilter;

use crate::dto::{AuditPage, AuditQuery, ExportResult};
use crate::error::ApiError;
use crate::state::AppState;

fn filter(query: &AuditQuery) -> AuditFilter {
    let date = |s: &str| chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    AuditFilter {
        staff_id: query.staff_id,
        patient_id: query.patient_id,
        from: date(&query.from),
        to: date(&query.to),
        limit: query.limit,
        offset: query.offset,
    }
}

#[tauri::command(async)]
pub fn audit_list(state: State<'_, AppState>, query: AuditQuery) -> Result<AuditPage, ApiError> {
    let (rows, total) = state.with_admin_db(|db| db.audit_query(&filter(&query)))?;
    Ok(AuditPage {
        items: rows.into_iter().map(Into::into).collect(),
        total,
    })
}

/// Checks the audit log's chain of hashes from the first entry; says in words whether
/// any entry has been changed, removed or added outside Waymark.
#[tauri::command(async)]
pub fn audit_check(state: State<'_, AppState>) -> Result<String, ApiError> {
    let check = state.with_admin_db(|db| db.check_audit_chain())?;
    Ok(waymark_store::audit::describe(&check))
}

/// Dismisses the integrity warning once an admin has looked into it.
#[tauri::command(async)]
pub fn integrity_warning_dismiss(state: State<'_, AppState>) -> Result<(), ApiError> {
    state.with_admin_db(|db| db.set_integrity_warning(None))?;
    state.with_db(|db, _| {
        state.note_audit_head(db);
        Ok(())
    })
}

/// Saves every row matching the filter (not just the page shown) as a CSV file where
/// the admin chooses. `None` when the admin cancels the save dialog.
#[tauri::command(async)]
pub fn audit_export(
    desk: State<'_, DeskState>,
    state: State<'_, AppState>,
    query: AuditQuery,
) -> Result<Option<ExportResult>, ApiError> {
    // Ask who is asking before offering a dialog, so a refusal comes first.
    state.with_admin_db(|_| Ok(()))?;
    let name = format!("waymark-audit-{}.csv", super::today().format("%Y-%m-%d"));
    let Some(path) = super::ask_where_to_save(
        &desk,
        "Export the audit log",
        &name,
        ("CSV spreadsheet", "csv"),
    )?
    else {
        return Ok(None);
    };
    let rows = state.with_admin_db(|db| db.audit_export_csv(&filter(&query), &path))?;
    Ok(Some(ExportResult {
        path: path.display().to_string(),
        rows,
    }))
}
