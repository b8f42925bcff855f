//! The person's gender and ethnicity as England's Social Prescribing Information
//! Standard asks for them, with the US federal categories for US practices. The code
//! lists are data: each is tested against the list its owner publishes.

/// Gender as the person states it. The stored text is Waymark's; `nhs_code` is the
/// NHS Data Dictionary's PERSON STATED GENDER CODE the GP record uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
    /// Neither male nor female as the person describes themselves (NHS "indeterminate").
    Other,
    /// Not recorded: not asked, or the person chose not to say.
    NotKnown,
}

crate::string_enum!(Gender {
    Male => "male",
    Female => "female",
    Other => "other",
    NotKnown => "not_known",
});

impl Gender {
    /// PERSON STATED GENDER CODE (NHS Data Dictionary).
    pub fn nhs_code(self) -> &'static str {
        match self {
            Gender::Male => "1",
            Gender::Female => "2",
            Gender::Other => "9",
            Gender::NotKnown => "X",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Gender::Male => "Male",
            Gender::Female => "Female",
            Gender::Other => "Another gender",
            Gender::NotKnown => "Not known or not stated",
        }
    }
}

/// One category of an ethnicity code list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EthnicCategory {
    /// What Waymark stores and sends over IPC.
    pub code: &'static str,
    /// The list's group heading ("" where the list has none).
    pub group: &'static str,
    pub label: &'static str,
}

const fn cat(code: &'static str, group: &'static str, label: &'static str) -> EthnicCategory {
    EthnicCategory { code, group, label }
}

/// NHS Data Dictionary ETHNIC CATEGORY (the 2001 census categories the NHS still
/// codes with): one per person. "Z" is asked and not stated; "99" is not known.
pub const NHS_ETHNIC_CATEGORIES: &[EthnicCategory] = &[
    cat("A", "White", "British"),
    cat("B", "White", "Irish"),
    cat("C", "White", "Any other White background"),
    cat("D", "Mixed", "White and Black Caribbean"),
    cat("E", "Mixed", "White and Black African"),
    cat("F", "Mixed", "White and Asian"),
    cat("G", "Mixed", "Any other mixed background"),
    cat("H", "Asian or Asian British", "Indian"),
    cat("J", "Asian or Asian British", "Pakistani"),
    cat("K", "Asian or Asian British", "Bangladeshi"),
    cat("L", "Asian or Asian British", "Any other Asian background"),
    cat("M", "Black or Black British", "Caribbean"),
    cat("N", "Black or Black British", "African"),
    cat("P", "Black or Black British", "Any other Black background"),
    cat("R", "Other Ethnic Groups", "Chinese"),
    cat("S", "Other Ethnic Groups", "Any other ethnic group"),
    cat("Z", "Not stated", "Not stated"),
    cat("99", "Not known", "Not known"),
];

/// The US federal minimum race and ethnicity categories (OMB Statistical Policy
/// Directive No. 15, as revised in March 2024): one combined question, every category
/// that applies may be chosen. "not_stated" stands alone.
pub const US_RACE_ETHNICITY: &[EthnicCategory] = &[
    cat("us_aian", "", "American Indian or Alaska Native"),
    cat("us_asian", "", "Asian"),
    cat("us_black", "", "Black or African American"),
    cat("us_hispanic", "", "Hispanic or Latino"),
    cat("us_mena", "", "Middle Eastern or North African"),
    cat("us_nhpi", "", "Native Hawaiian or Pacific Islander"),
    cat("us_white", "", "White"),
    cat("not_stated", "", "Prefer not to say"),
];

/// The category with this code, from either list.
pub fn ethnic_category(code: &str) -> Option<&'static EthnicCategory> {
    NHS_ETHNIC_CATEGORIES
        .iter()
        .chain(US_RACE_ETHNICITY)
        .find(|c| c.code == code)
}

/// Checks a person's ethnicity codes: none (not recorded); exactly one NHS category;
/// or one or more US categories, "not_stated" alone. Returns them in list order.
pub fn check_ethnicity(codes: &[String]) -> Result<Vec<&'static str>, String> {
    let mut found: Vec<&'static EthnicCategory> = Vec::new();
    for code in codes {
        let code = code.trim();
        match ethnic_category(code) {
            Some(c) if !found.iter().any(|f| f.code == c.code) => found.push(c),
            Some(_) => {}
            None => return Err(format!("{code:?} is not an ethnic category Waymark knows.")),
        }
    }
    let nhs = found
        .iter()
        .filter(|c| NHS_ETHNIC_CATEGORIES.iter().any(|n| n.code == c.code))
        .count();
    if nhs > 0 && found.len() > 1 {
        return Err("Choose one NHS ethnic category.".into());
    }
    if found.len() > 1 && found.iter().any(|c| c.code == "not_stated") {
        return Err("\"Prefer not to say\" cannot be chosen with a category.".into());
    }
    let order = |c: &&EthnicCategory| {
        US_RACE_ETHNICITY
            .iter()
            .position(|u| u.code == c.code)
            .unwrap_or(0)
    };
    found.sort_by_key(order);
    Ok(found.into_iter().map(|c| c.code).collect())
}

/// The words for stored codes, as a record or letter shows them ("White: British";
/// "Asian; White").
pub fn ethnicity_label(codes: &[String]) -> Option<String> {
    let words: Vec<String> = codes
        .iter()
        .filter_map(|c| ethnic_category(c))
        .map(|c| {
            if c.group.is_empty() || c.group == c.label {
                c.label.to_owned()
            } else {
                format!("{}: {}", c.group, c.label)
            }
        })
        .collect();
    (!words.is_empty()).then(|| words.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// NHS Data Dictionary, ETHNIC CATEGORY (data element), national codes as
    /// published: code, then the description.
    const NHS_PUBLISHED: &[(&str, &str)] = &[
        ("A", "White - British"),
        ("B", "White - Irish"),
        ("C", "White - Any other White background"),
        ("D", "Mixed - White and Black Caribbean"),
        ("E", "Mixed - White and Black African"),
        ("F", "Mixed - White and Asian"),
        ("G", "Mixed - Any other mixed background"),
        ("H", "Asian or Asian British - Indian"),
        ("J", "Asian or Asian British - Pakistani"),
        ("K", "Asian or Asian British - Bangladeshi"),
        ("L", "Asian or Asian British - Any other Asian background"),
        ("M", "Black or Black British - Caribbean"),
        ("N", "Black or Black British - African"),
        ("P", "Black or Black British - Any other Black background"),
        ("R", "Other Ethnic Groups - Chinese"),
        ("S", "Other Ethnic Groups - Any other ethnic group"),
        ("Z", "Not stated"),
        ("99", "Not known"),
    ];

    /// OMB SPD 15 (2024), the seven minimum categories, in the order published.
    const OMB_2024: &[&str] = &[
        "American Indian or Alaska Native",
        "Asian",
        "Black or African American",
        "Hispanic or Latino",
        "Middle Eastern or North African",
        "Native Hawaiian or Pacific Islander",
        "White",
    ];

    #[test]
    fn the_nhs_list_is_the_published_one() {
        let ours: Vec<(&str, String)> = NHS_ETHNIC_CATEGORIES
            .iter()
            .map(|c| {
                let words = if c.group == c.label {
                    c.label.to_owned()
                } else {
                    format!("{} - {}", c.group, c.label)
                };
                (c.code, words)
            })
            .collect();
        let published: Vec<(&str, String)> = NHS_PUBLISHED
            .iter()
            .map(|(c, w)| (*c, (*w).to_owned()))
            .collect();
        assert_eq!(ours, published);
    }

    #[test]
    fn the_us_list_is_the_omb_minimum_plus_not_stated() {
        let labels: Vec<&str> = US_RACE_ETHNICITY
            .iter()
            .filter(|c| c.code != "not_stated")
            .map(|c| c.label)
            .collect();
        assert_eq!(labels, OMB_2024);
        let codes: std::collections::HashSet<&str> = NHS_ETHNIC_CATEGORIES
            .iter()
            .chain(US_RACE_ETHNICITY)
            .map(|c| c.code)
            .collect();
        assert_eq!(
            codes.len(),
            NHS_ETHNIC_CATEGORIES.len() + US_RACE_ETHNICITY.len()
        );
    }

    fn codes(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn ethnicity_rules() {
        assert_eq!(check_ethnicity(&[]), Ok(vec![]));
        assert_eq!(check_ethnicity(&codes(&["Z"])), Ok(vec!["Z"]));
        assert_eq!(
            check_ethnicity(&codes(&["us_white", "us_hispanic", "us_white"])),
            Ok(vec!["us_hispanic", "us_white"])
        );
        assert!(check_ethnicity(&codes(&["A", "B"])).is_err());
        assert!(check_ethnicity(&codes(&["A", "us_white"])).is_err());
        assert!(check_ethnicity(&codes(&["not_stated", "us_asian"])).is_err());
        assert!(check_ethnicity(&codes(&["Q"])).is_err());
        assert!(check_ethnicity(&codes(&["<b>"])).is_err());
        assert_eq!(
            ethnicity_label(&codes(&["H"])).as_deref(),
            Some("Asian or Asian British: Indian")
        );
        assert_eq!(
            ethnicity_label(&codes(&["us_asian", "us_white"])).as_deref(),
            Some("Asian; White")
        );
        assert_eq!(
            ethnicity_label(&codes(&["Z"])).as_deref(),
            Some("Not stated")
        );
    }

    #[test]
    fn gender_codes_are_the_data_dictionary_ones() {
        let nhs: Vec<&str> = Gender::ALL.iter().map(|g| g.nhs_code()).collect();
        assert_eq!(nhs, ["1", "2", "9", "X"]);
        for g in Gender::ALL {
            assert_eq!(g.as_str().parse::<Gender>(), Ok(*g));
        }
        assert!("unknown".parse::<Gender>().is_err());
    }
}
