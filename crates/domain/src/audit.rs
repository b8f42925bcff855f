//! What an audit row can record.

/// What was done to a record (or by whom, for sign-ins and admin changes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    View,
    List,
    Create,
    Update,
    Archive,
    Restore,
    Print,
    Export,
    SignIn,
    SignInFailed,
    SignOut,
    Admin,
}

crate::string_enum!(AuditAction {
    View => "view",
    List => "list",
    Create => "create",
    Update => "update",
    Archive => "archive",
    Restore => "restore",
    Print => "print",
    Export => "export",
    SignIn => "sign_in",
    SignInFailed => "sign_in_failed",
    SignOut => "sign_out",
    Admin => "admin",
});
