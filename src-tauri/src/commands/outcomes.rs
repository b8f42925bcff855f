//! Outcome measures and the practice's period reports.

use tauri::State;
use waymark_domain::Period;

use crate::commands::today;
use crate::desk::DeskState;
use crate::dto::{ExportResult, Measure, MeasureInput, PeriodReport, ReportTable};
use crate::error::ApiError;
use crate::state::AppState;

#[tauri::command(async)]
pub fn outcome_record(
    state: State<'_, AppState>,
    patient_id: i64,
    input: MeasureInput,
) -> Result<Measure, ApiError> {
    state
        .with_staff_db(|db| db.outcomes().record(patient_id, &input.into(), today()))
        .map(Into::into)
}

/// The period report (any signed-in staff member: it holds aggregates only).
#[tauri::command(async)]
pub fn report_period(
    state: State<'_, AppState>,
    from: String,
    to: String,
) -> Result<PeriodReport, ApiError> {
    let period = Period::parse(&from, &to)?;
    state
        .with_staff_db(|db| db.reports().period(period))
        .map(Into::into)
}

/// Saves one table of the period report as CSV where the user chooses; `None` when
/// the dialog is cancelled.
#[tauri::command(async)]
pub fn report_export(
    desk: State<'_, DeskState>,
    state: State<'_, AppState>,
    from: String,
    to: String,
    table: ReportTable,
) -> Result<Option<ExportResult>, ApiError> {
    let period = Period::parse(&from, &to)?;
    // Ask who is asking before offering a dialog, so a refusal comes first.
    state.with_staff_db(|_| Ok::<(), ApiError>(()))?;
    let table: waymark_domain::ReportTable = table.into();
    let name = format!(
        "waymark-{}-{}-to-{}.csv",
        table.as_str().replace('_', "-"),
        period.from.format("%Y-%m-%d"),
        period.to.format("%Y-%m-%d")
    );
    let Some(path) = super::ask_where_to_save(
        &desk,
        "Export a report table",
        &name,
        ("CSV spreadsheet", "csv"),
    )?
    else {
        return Ok(None);
    };
    let rows = state.with_staff_db(|db| db.reports().export_csv(period, table, &path))?;
    Ok(Some(ExportResult {
        path: path.display().to_string(),
        rows,
    }))
}
