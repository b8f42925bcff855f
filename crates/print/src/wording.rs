//! Every fixed phrase printed on a document, in one place, so a translation is one new
//! table. Placeholders in braces are filled by the document.

/// The recovery kit's text.
#[derive(Debug, Clone, Copy)]
pub struct RecoveryKitWording {
    pub title: &'static str,
    pub for_practice: &'static str,
    pub made_on: &'static str,
    pub code_heading: &'static str,
    pub what_heading: &'static str,
    pub what: &'static str,
    pub safe_heading: &'static str,
    pub safe: &'static [&'static str],
    pub use_heading: &'static str,
    pub steps: &'static [&'static str],
    pub data_folder: &'static str,
    pub footer: &'static str,
}

pub const RECOVERY_KIT_EN: RecoveryKitWording = RecoveryKitWording {
    title: "Waymark recovery kit",
    for_practice: "For",
    made_on: "Made on {date}",
    code_heading: "Recovery code",
    what_heading: "What this is for",
    what: "This code opens the practice's Waymark caseload, and its backups, when a computer's \
           credential store does not hold the caseload's key: a new or repaired computer, a \
           reinstalled operating system, or a restore from a backup.",
    safe_heading: "Keep it safe",
    safe: &[
        "Store this sheet locked away with the practice's important papers, away from the \
         computer and away from the backup drive. Anyone with this code and a backup can read \
         every record in it.",
        "Do not keep this file on the computer: print it, check that the code matches the \
         screen, then delete the file.",
    ],
    use_heading: "How to use it",
    steps: &[
        "If Waymark says the caseload's key is missing, type this code under \"Open with the \
         recovery code\". Waymark puts the key back, so the code is not needed again on that \
         computer.",
        "To move to a new computer, install Waymark, choose \"Restore from a backup\" on the \
         set-up screen, choose the newest backup folder and type this code.",
        "If an administrator makes a new recovery code, print its kit. Backups made before then \
         still need this code: keep this sheet until they have been replaced.",
    ],
    data_folder: "Data folder when this kit was made: {folder}",
    footer: "Waymark {version}",
};
