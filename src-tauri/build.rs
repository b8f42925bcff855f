// Generates an `allow-<command>` permission for each app command, so the capability
// file can grant the main window exactly the commands it uses.
const COMMANDS: &[&str] = &[
    "app_status",
    "patient_list",
    "patient_get",
    "patient_create",
    "patient_update",
    "patient_archive",
    "patient_restore",
    "referral_list",
    "referral_create",
    "referral_update",
    "referral_set_status",
    "setup_complete",
    "sign_in",
    "sign_out",
    "lock",
    "unlock",
    "staff_list",
    "staff_create",
    "staff_set_active",
    "staff_reset_passphrase",
    "settings_set_idle_minutes",
    "settings_set_follow_up_weeks",
    "outcome_record",
    "report_period",
    "report_export",
    "audit_list",
    "backup_overview",
    "backup_settings_set",
    "backup_now",
    "backup_inspect",
    "backup_restore",
    "recover_with_code",
    "recovery_code_renew",
    "recovery_kit_save",
    "choose_folder",
    "audit_export",
    "patient_record",
    "patient_duplicates",
    "contact_create",
    "contact_list",
    "plan_set_what_matters",
    "goal_add",
    "goal_update",
    "step_add",
    "step_set_done",
    "prescription_create",
    "prescription_item_set_status",
    "prescription_print",
    "prescription_save_pdf",
    "service_list",
    "service_create",
    "service_update",
    "service_set_status",
    "directory_facets",
    "directory_import",
    "directory_load_example",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        // A build script reports failure by panicking; say what failed first.
        panic!("tauri build step failed: {e:#}");
    }
}
