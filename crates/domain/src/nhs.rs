//! NHS numbers: ten digits whose last is a Modulus 11 check digit.

use std::fmt;

/// A valid NHS number, held as its ten digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NhsNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NhsNumberError {
    #[error("Enter the NHS number.")]
    Empty,
    #[error("An NHS number has only digits (spaces are allowed between groups).")]
    NotDigits,
    #[error("An NHS number has 10 digits; this has {0}.")]
    WrongLength(usize),
    #[error("This NHS number's check digit is wrong: please check it was typed correctly.")]
    CheckDigit,
}

impl NhsNumber {
    /// Accepts the number as people type it: spaces (3-3-4 or anywhere) are ignored.
    pub fn parse(input: &str) -> Result<Self, NhsNumberError> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() {
            return Err(NhsNumberError::Empty);
        }
        if !compact.chars().all(|c| c.is_ascii_digit()) {
            return Err(NhsNumberError::NotDigits);
        }
        if compact.len() != 10 {
            return Err(NhsNumberError::WrongLength(compact.len()));
        }
        let digits: Vec<u32> = compact.bytes().map(|b| u32::from(b - b'0')).collect();
        // Weights 10 down to 2 over the first nine digits.
        let sum: u32 = digits[..9]
            .iter()
            .zip((2..=10).rev())
            .map(|(d, w)| d * w)
            .sum();
        let check = match 11 - (sum % 11) {
            11 => 0,
            10 => return Err(NhsNumberError::CheckDigit),
            c => c,
        };
        if check != digits[9] {
            return Err(NhsNumberError::CheckDigit);
        }
        Ok(Self(compact))
    }

    /// The ten digits, as stored.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

/// Shown as 3-3-4 (`943 476 5919`), the way the NHS prints it.
impl fmt::Display for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", &self.0[..3], &self.0[3..6], &self.0[6..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row of the shared test vectors is a case.
    #[test]
    fn shared_test_vectors() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/nhs-numbers.csv"
        );
        let mut reader = csv::Reader::from_path(path).expect("shared/data sits beside the repo");
        let mut rows = 0;
        for row in reader.records() {
            let row = row.unwrap();
            let (input, expected) = (&row[0], &row[1]);
            let parsed = NhsNumber::parse(input);
            match expected {
                "valid" => {
                    let n = parsed.unwrap_or_else(|e| panic!("{input} should be valid: {e}"));
                    let compact: String = input.chars().filter(|c| c.is_ascii_digit()).collect();
                    assert_eq!(n.digits(), compact);
                }
                "invalid" => assert!(parsed.is_err(), "{input} should be invalid"),
                other => panic!("unknown expectation {other}"),
            }
            rows += 1;
        }
        assert!(rows >= 16, "expected the whole file, read {rows} rows");
    }

    #[test]
    fn displays_three_three_four() {
        let n = NhsNumber::parse("9996281949").unwrap();
        assert_eq!(n.to_string(), "999 628 1949");
        assert_eq!(NhsNumber::parse("999 628 1949").unwrap(), n);
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(NhsNumber::parse(""), Err(NhsNumberError::Empty));
        assert_eq!(
            NhsNumber::parse("99952601A2"),
            Err(NhsNumberError::NotDigits)
        );
        assert_eq!(
            NhsNumber::parse("999555979"),
            Err(NhsNumberError::WrongLength(9))
        );
        assert_eq!(
            NhsNumber::parse("9995559790"),
            Err(NhsNumberError::CheckDigit)
        );
        assert_eq!(
            NhsNumber::parse("9995260183"),
            Err(NhsNumberError::CheckDigit)
        );
    }
}
