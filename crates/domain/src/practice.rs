//! The practice: its name and contact details, and the country that decides the
//! patient identifier, the date format and the paper size.

use crate::validation::{
    optional_email, optional_phone, optional_text, required_name, ValidationErrors,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Country {
    Uk,
    Us,
}

crate::string_enum!(Country {
    Uk => "UK",
    Us => "US",
});

impl Country {
    /// A date written out in full the country's way, for printed documents:
    /// "24 November 2026" in the UK, "November 24, 2026" in the US.
    pub fn long_date(self, date: chrono::NaiveDate) -> String {
        let format = match self {
            Country::Uk => "%-d %B %Y",
            Country::Us => "%B %-d, %Y",
        };
        date.format(format).to_string()
    }
}

/// The practice form as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeInput {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    pub country: Country,
    /// The practice's logo as PNG bytes, printed on its documents.
    pub logo_png: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeFields {
    pub name: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub country: Country,
    pub logo_png: Option<Vec<u8>>,
}

/// The largest logo file accepted: plenty for a print-quality logo, small enough to
/// keep every printed page light.
pub const LOGO_MAX_BYTES: usize = 1024 * 1024;
/// The largest logo side in pixels.
pub const LOGO_MAX_SIDE: u32 = 4000;

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Checks that `bytes` look like a usable PNG logo and returns its width and height.
/// Only the header is read; the printer decodes the image when it uses it.
pub fn check_logo(bytes: &[u8]) -> Result<(u32, u32), String> {
    if bytes.len() > LOGO_MAX_BYTES {
        return Err(format!(
            "The logo is too large: at most 1 MB (this file is {:.1} MB).",
            bytes.len() as f64 / (1024.0 * 1024.0)
        ));
    }
    // A PNG starts with its signature, then the IHDR chunk: length 13, type, width,
    // height (big-endian).
    let header = bytes.get(..24).filter(|h| {
        h.starts_with(PNG_SIGNATURE) && h[8..12] == [0, 0, 0, 13] && &h[12..16] == b"IHDR"
    });
    let Some(h) = header else {
        return Err("The logo must be a PNG image file.".into());
    };
    let side = |at: usize| u32::from_be_bytes([h[at], h[at + 1], h[at + 2], h[at + 3]]);
    let (width, height) = (side(16), side(20));
    if width == 0 || height == 0 || width > LOGO_MAX_SIDE || height > LOGO_MAX_SIDE {
        return Err(format!(
            "The logo must be between 1 and {LOGO_MAX_SIDE} pixels on each side (this one is {width} × {height})."
        ));
    }
    Ok((width, height))
}

impl PracticeInput {
    pub fn validate(&self) -> Result<PracticeFields, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let name = required_name(&mut e, "practiceName", "Practice name", &self.name, 200);
        let address = optional_text(
            &mut e,
            "practiceAddress",
            "Address",
            &self.address,
            500,
            true,
        );
        let phone = optional_phone(&mut e, "practicePhone", &self.phone);
        let email = optional_email(&mut e, "practiceEmail", &self.email);
        if let Some(Err(why)) = self.logo_png.as_deref().map(check_logo) {
            e.push("practiceLogo", why);
        }
        e.into_result(PracticeFields {
            name,
            address,
            phone,
            email,
            country: self.country,
            logo_png: self.logo_png.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_practice_needs_a_name_and_sane_contacts() {
        let input = PracticeInput {
            name: "  ".into(),
            address: "1 High Street".into(),
            phone: "call us".into(),
            email: "nope".into(),
            country: Country::Uk,
            logo_png: Some(b"GIF89a not a png".to_vec()),
        };
        let e = input.validate().unwrap_err();
        for f in [
            "practiceName",
            "practicePhone",
            "practiceEmail",
            "practiceLogo",
        ] {
            assert!(e.message_for(f).is_some(), "{f}");
        }
        let ok = PracticeInput {
            name: "Hollinsford Surgery".into(),
            phone: "01632 960000".into(),
            email: "".into(),
            logo_png: Some(png(120, 40)),
            ..input
        };
        assert_eq!(ok.validate().unwrap().country.as_str(), "UK");
    }

    #[test]
    fn long_dates_follow_the_country() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 4).unwrap();
        assert_eq!(Country::Uk.long_date(d), "4 November 2026");
        assert_eq!(Country::Us.long_date(d), "November 4, 2026");
    }

    /// A PNG header (signature and IHDR) of the given size; enough for `check_logo`.
    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut b = PNG_SIGNATURE.to_vec();
        b.extend([0, 0, 0, 13]);
        b.extend(b"IHDR");
        b.extend(width.to_be_bytes());
        b.extend(height.to_be_bytes());
        b.extend([8, 6, 0, 0, 0]);
        b
    }

    #[test]
    fn a_logo_is_a_png_of_sane_size() {
        assert_eq!(check_logo(&png(300, 100)), Ok((300, 100)));
        assert!(check_logo(&png(0, 100))
            .unwrap_err()
            .contains("between 1 and 4000"));
        assert!(check_logo(&png(5000, 100))
            .unwrap_err()
            .contains("5000 × 100"));
        assert!(check_logo(b"\xff\xd8\xff\xe0 a jpeg")
            .unwrap_err()
            .contains("PNG"));
        assert!(check_logo(&png(10, 10)[..20]).unwrap_err().contains("PNG"));
        let mut huge = png(100, 100);
        huge.resize(LOGO_MAX_BYTES + 1, 0);
        assert!(check_logo(&huge).unwrap_err().contains("at most 1 MB"));
    }
}
