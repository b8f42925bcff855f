//! Waymark's printed documents, rendered to PDF bytes: no UI, no files, no patient
//! data kept. The shell decides where the bytes go.
//!
//! Fonts are DejaVu (Bitstream Vera licence, `fonts/LICENSE-DejaVu.txt`) and, for other
//! scripts, the computer's own; each is embedded subset to the glyphs the document uses
//! (`embed`), so it prints the same on any computer.

mod embed;
mod fallback;
pub mod languages;
mod layout;
pub mod message_back;
pub mod prescription;
pub mod recovery_kit;
mod text;
pub mod wording;

pub use fallback::{FontSource, Writing};
pub use layout::{Fonts, Paper};
pub use message_back::message_back_pdf;
pub use prescription::{prescription_pdf, PrintOptions};
pub use recovery_kit::{recovery_kit_pdf, RecoveryKit};

/// What can go wrong while rendering.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A font shipped with Waymark could not be read: a broken build, never user input.
    #[error("the embedded font {0} could not be read")]
    Font(&'static str),
    /// printpdf laid the document out in a way Waymark does not expect: a broken
    /// build (a dependency update), never user input.
    #[error("the PDF could not be put together: {0}")]
    Assembly(&'static str),
    /// A font on this computer could not be subset into the document.
    #[error("The font {0} on this computer could not be put in the document ({1}). Print in another language, or ask IT to reinstall that font.")]
    Embed(String, String),
    /// The practice logo passed the settings check but its picture cannot be decoded.
    #[error("The practice logo cannot be printed ({0}). Choose the logo again in Settings.")]
    Logo(String),
}

/// A rendered document, and any characters its fonts could not show (printed as
/// empty boxes), so the caller can warn before the paper goes out.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub missing_glyphs: Vec<char>,
}
