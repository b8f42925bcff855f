//! The languages a social prescription can print in. The print crate holds each one's
//! wording (and checks it has a table for every code here); the patient's record keeps
//! the code.

/// A language a prescription prints in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrintLanguage {
    /// The BCP 47 tag stored on the record.
    pub code: &'static str,
    /// Its name in English, for the practice's screens.
    pub english_name: &'static str,
}

/// English first (the default), then by English name.
pub const PRINT_LANGUAGES: [PrintLanguage; 15] = [
    PrintLanguage {
        code: "en",
        english_name: "English",
    },
    PrintLanguage {
        code: "ar",
        english_name: "Arabic",
    },
    PrintLanguage {
        code: "bn",
        english_name: "Bengali",
    },
    PrintLanguage {
        code: "zh-Hans",
        english_name: "Chinese (Simplified)",
    },
    PrintLanguage {
        code: "gu",
        english_name: "Gujarati",
    },
    PrintLanguage {
        code: "lt",
        english_name: "Lithuanian",
    },
    PrintLanguage {
        code: "pa-Guru",
        english_name: "Panjabi (Gurmukhi)",
    },
    PrintLanguage {
        code: "pl",
        english_name: "Polish",
    },
    PrintLanguage {
        code: "pt",
        english_name: "Portuguese",
    },
    PrintLanguage {
        code: "ro",
        english_name: "Romanian",
    },
    PrintLanguage {
        code: "es",
        english_name: "Spanish",
    },
    PrintLanguage {
        code: "fil",
        english_name: "Tagalog (Filipino)",
    },
    PrintLanguage {
        code: "ur",
        english_name: "Urdu",
    },
    PrintLanguage {
        code: "vi",
        english_name: "Vietnamese",
    },
    PrintLanguage {
        code: "cy",
        english_name: "Welsh",
    },
];

/// The code as kept on a record: `None` for English (the default, also "" or "en"), the
/// code for another language Waymark prints in, and an error naming it otherwise.
pub fn check_print_language(code: &str) -> Result<Option<&'static str>, String> {
    let code = code.trim();
    if code.is_empty() || code == "en" {
        return Ok(None);
    }
    PRINT_LANGUAGES
        .iter()
        .find(|l| l.code == code)
        .map(|l| Some(l.code))
        .ok_or_else(|| {
            format!("Waymark has no printed wording in {code:?}: choose a language from the list.")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_is_the_default_and_only_listed_codes_are_kept() {
        assert_eq!(check_print_language(""), Ok(None));
        assert_eq!(check_print_language("en"), Ok(None));
        assert_eq!(check_print_language(" pl "), Ok(Some("pl")));
        assert_eq!(check_print_language("zh-Hans"), Ok(Some("zh-Hans")));
        assert!(check_print_language("PL").is_err());
        assert!(check_print_language("xx").unwrap_err().contains("\"xx\""));
    }

    #[test]
    fn codes_are_unique_and_english_comes_first() {
        assert_eq!(PRINT_LANGUAGES[0].code, "en");
        let mut codes: Vec<_> = PRINT_LANGUAGES.iter().map(|l| l.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), PRINT_LANGUAGES.len());
    }
}
