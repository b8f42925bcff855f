//! Feeds categorise services with their own taxonomies (Open Eligibility, the LGA/ORUK
//! service types, 211s' AIRS/LA codes, local lists). A link worker thinks in the
//! practice's categories; this is the built-in first guess from a feed's term to one
//! of them. The practice sees every term an import met and can change the guess
//! (the store keeps its choices); what matches nothing is "Uncategorised".

use crate::search::fold;

/// The category of a service whose feed terms map to nothing.
pub const UNCATEGORISED: &str = "Uncategorised";

/// The categories Waymark suggests, the ones the product brief's directory uses.
pub const CATEGORIES: &[&str] = &[
    "Arts and creativity",
    "Bereavement",
    "Carer support",
    "Childcare",
    "Employment",
    "Food and nutrition",
    "Gardening",
    "Health behaviour",
    "Housing",
    "Learning",
    "Loneliness and isolation",
    "Mental wellbeing",
    "Money and debt",
    "Physical activity",
    "Volunteering",
];

/// The vocabulary Waymark's own exports use for categories: read back as they are.
pub const WAYMARK_CATEGORIES: &str = "waymark-categories";

/// One term a feed gave a service.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeedTerm {
    /// The taxonomy it comes from, as the feed names it (may be empty).
    pub vocabulary: String,
    pub code: String,
    pub name: String,
}

impl FeedTerm {
    /// What the mapping table is keyed on: the folded name, or the code without one.
    pub fn key(&self) -> String {
        let base = if self.name.trim().is_empty() {
            &self.code
        } else {
            &self.name
        };
        fold(base).trim().to_owned()
    }

    /// How the term is shown to the practice: its name, with its code when it has both.
    pub fn label(&self) -> String {
        match (self.name.trim(), self.code.trim()) {
            ("", c) => c.to_owned(),
            (n, "") => n.to_owned(),
            (n, c) if n.eq_ignore_ascii_case(c) => n.to_owned(),
            (n, c) => format!("{n} ({c})"),
        }
    }
}

/// Words in a term's name and the category they suggest, tried in order. A word
/// ending in `*` matches the start of a word; others match whole words or phrases.
const WORDS: &[(&str, &[&str])] = &[
    ("Bereavement", &["bereave*", "grief", "loss of a loved one"]),
    (
        "Carer support",
        &["carer*", "caregiver*", "respite*", "young carers"],
    ),
    (
        "Childcare",
        &[
            "childcare",
            "child care",
            "day care",
            "daycare",
            "nursery",
            "nurseries",
            "preschool*",
            "early years",
            "playgroup*",
        ],
    ),
    ("Gardening", &["garden*", "allotment*", "horticultur*"]),
    ("Volunteering", &["volunteer*"]),
    (
        "Food and nutrition",
        &[
            "food*",
            "meal*",
            "nutrition*",
            "cooking",
            "lunch club*",
            "pantry",
            "pantries",
            "snap",
            "food stamps",
            "wic",
        ],
    ),
    (
        "Physical activity",
        &[
            "physical activit*",
            "exercise*",
            "sport*",
            "fitness",
            "walk*",
            "walking",
            "swim*",
            "danc*",
            "yoga",
            "gym*",
            "cycling",
            "football",
            "tai chi",
            "pilates",
            "leisure",
            "recreation*",
            "parkrun",
        ],
    ),
    (
        "Arts and creativity",
        &[
            "art",
            "arts",
            "craft*",
            "music*",
            "singing",
            "choir*",
            "creative*",
            "drama",
            "theatre*",
            "theater*",
            "painting",
            "photography",
            "museum*",
            "heritage",
            "culture",
            "cultural",
        ],
    ),
    (
        "Loneliness and isolation",
        &[
            "lonel*",
            "isolat*",
            "befriend*",
            "social group*",
            "social activit*",
            "social club*",
            "friendship*",
            "companionship",
            "community group*",
            "community centre*",
            "community center*",
            "peer support",
            "support group*",
            "men's shed*",
            "mens shed*",
            "social prescribing",
        ],
    ),
    (
        "Mental wellbeing",
        &[
            "mental health",
            "mental wellbeing",
            "wellbeing",
            "well-being",
            "counsel*",
            "anxiety",
            "depression",
            "stress*",
            "mindful*",
            "talking therap*",
            "psycholog*",
            "psychiatr*",
            "crisis",
            "emotional support",
        ],
    ),
    (
        "Health behaviour",
        &[
            "smoking",
            "stop smoking",
            "tobacco",
            "alcohol*",
            "substance*",
            "drug*",
            "addiction*",
            "weight*",
            "healthy lifestyle*",
            "health behaviour*",
            "health behavior*",
            "diabetes prevention",
        ],
    ),
    (
        "Money and debt",
        &[
            "debt*",
            "money*",
            "financ*",
            "benefit*",
            "welfare rights",
            "welfare",
            "income*",
            "tax*",
            "cash assistance",
            "utility assistance",
            "utilities",
            "bill payment*",
            "budget*",
            "grants",
        ],
    ),
    (
        "Housing",
        &[
            "housing",
            "shelter*",
            "homeless*",
            "tenan*",
            "accommodation",
            "rent",
            "rental*",
            "eviction*",
            "home repair*",
        ],
    ),
    (
        "Employment",
        &[
            "employment*",
            "employ*",
            "job",
            "jobs",
            "work",
            "career*",
            "vocation*",
            "back to work",
            "work club*",
            "apprentice*",
        ],
    ),
    (
        "Learning",
        &[
            "education*",
            "learn*",
            "literacy",
            "numeracy",
            "class",
            "classes",
            "course*",
            "tutor*",
            "esol",
            "english as a second language",
            "ged",
            "adult school",
            "digital skills",
            "library",
            "libraries",
        ],
    ),
];

/// AIRS/211 LA taxonomy codes start with a section and a subsection letter; where a
/// feed gives a code with no name, its first letters suggest the category.
const AIRS_PREFIXES: &[(&str, &str)] = &[
    ("BD", "Food and nutrition"),
    ("BH", "Housing"),
    ("BV", "Money and debt"),
    ("DM", "Money and debt"),
    ("DT", "Money and debt"),
    ("H", "Learning"),
    ("ND", "Employment"),
    ("NL", "Money and debt"),
    ("NS", "Money and debt"),
    ("NT", "Money and debt"),
    ("PX", "Volunteering"),
    ("RP", "Mental wellbeing"),
    ("RM", "Mental wellbeing"),
    ("RR", "Mental wellbeing"),
    ("RX", "Health behaviour"),
    ("RD", "Health behaviour"),
];

/// True when `phrase` (folded) appears in `words` as whole words, or at word starts
/// when it ends in `*`.
fn has_phrase(text: &str, phrase: &str) -> bool {
    let (phrase, prefix) = match phrase.strip_suffix('*') {
        Some(p) => (fold(p), true),
        None => (fold(phrase), false),
    };
    let phrase = phrase.trim();
    let mut from = 0;
    while let Some(at) = text[from..].find(phrase) {
        let start = from + at;
        let end = start + phrase.len();
        let starts_word = text[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let ends_word = prefix
            || text[end..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
        if starts_word && ends_word {
            return true;
        }
        from = start + phrase.chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// Waymark's first guess at a practice category for a feed term, if any.
pub fn suggest(term: &FeedTerm) -> Option<&'static str> {
    let name = fold(&term.name);
    let name = name.trim();
    if let Some(c) = CATEGORIES
        .iter()
        .find(|c| fold(c).trim() == name || fold(c).trim() == fold(&term.code).trim())
    {
        return Some(c);
    }
    if !name.is_empty() {
        for (category, phrases) in WORDS {
            if phrases.iter().any(|p| has_phrase(name, p)) {
                return Some(category);
            }
        }
    }
    let code = term.code.trim().to_ascii_uppercase();
    let airs = code.len() >= 2
        && code.as_bytes()[0].is_ascii_alphabetic()
        && (code.len() == 2 || code.as_bytes()[2] == b'-' || code.as_bytes()[1] == b'-');
    if airs {
        return AIRS_PREFIXES
            .iter()
            .find(|(p, _)| code.starts_with(p))
            .map(|(_, c)| *c);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(name: &str, code: &str) -> FeedTerm {
        FeedTerm {
            vocabulary: String::new(),
            code: code.into(),
            name: name.into(),
        }
    }

    #[test]
    fn common_terms_of_each_taxonomy_suggest_a_category() {
        for (name, code, want) in [
            // Open Eligibility
            ("Food", "", Some("Food and nutrition")),
            ("Work", "", Some("Employment")),
            ("Money", "", Some("Money and debt")),
            ("Education", "", Some("Learning")),
            // ORUK / LGA service types
            ("Befriending services", "", Some("Loneliness and isolation")),
            ("Debt advice", "", Some("Money and debt")),
            ("Exercise classes", "", Some("Physical activity")),
            ("Arts and crafts", "", Some("Arts and creativity")),
            // 211 AIRS, by name and by code alone
            ("Food Pantries", "BD-1800.2000", Some("Food and nutrition")),
            ("", "RP-1400.8000-020", Some("Mental wellbeing")),
            ("", "ND-6500", Some("Employment")),
            // The practice's own words
            ("Gardening", "", Some("Gardening")),
            (
                "",
                "loneliness-and-isolation",
                Some("Loneliness and isolation"),
            ),
            (
                "Physical activity",
                "physical-activity",
                Some("Physical activity"),
            ),
            // Nothing to go on
            ("Legal Services", "", None),
            ("Arthritis", "", None),
            ("Workshop", "", None),
        ] {
            assert_eq!(suggest(&term(name, code)), want, "{name} {code}");
        }
    }

    #[test]
    fn terms_are_keyed_and_labelled_for_the_practice() {
        let t = term("Food Pantries", "BD-1800.2000");
        assert_eq!(t.key(), "food pantries");
        assert_eq!(t.label(), "Food Pantries (BD-1800.2000)");
        assert_eq!(term("", "X1").label(), "X1");
    }
}
