//! Text folding for search, so "zoe obrien" finds "Zoë O'Brien".

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// Lower-cases, strips accents (NFKD without combining marks), drops apostrophes and
/// turns other punctuation into spaces. Scripts without case or accents (Greek keeps
/// its letters, CJK is untouched) still match themselves.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfkd().filter(|c| !is_combining_mark(*c)) {
        match c {
            '\'' | '\u{2019}' | '\u{2018}' | '`' => {}
            c if c.is_alphanumeric() => out.extend(c.to_lowercase()),
            _ => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
        }
    }
    out.trim().to_owned()
}

/// The words of a search query, folded; every one must match.
pub fn query_terms(query: &str) -> Vec<String> {
    fold(query)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_apostrophes() {
        assert_eq!(fold("Zoë O'Brien"), "zoe obrien");
        assert_eq!(fold("Siobhán Ní Bhriain"), "siobhan ni bhriain");
        assert_eq!(fold("Wójcik-Łęczycki"), "wojcik łeczycki");
        assert_eq!(fold("Ødegård"), "ødegard");
        assert_eq!(fold("Ελένη"), "ελενη");
        assert_eq!(fold("李 小龙"), "李 小龙");
        assert_eq!(fold("<script>alert(1)</script>"), "script alert 1 script");
    }

    #[test]
    fn query_terms_split_on_space() {
        assert_eq!(query_terms("  zoë   O’BRIEN "), vec!["zoe", "obrien"]);
        assert!(query_terms("  ").is_empty());
    }
}
