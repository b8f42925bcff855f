//! Outcome measures: the three wellbeing instruments practices already use, their
//! answers checked and scored exactly by each instrument's rules, the follow-up due
//! date, and which way is better for each scale (for change since baseline).
//!
//! - ONS4: four questions answered 0–10, four separate scores with bands, never summed.
//! - SWEMWBS: seven items answered 1–5; the raw total 7–35 becomes a metric score
//!   through the published conversion table.
//! - UCLA three-item loneliness: three items answered 1–3, total 3–9, higher is lonelier.
//!
//! The questions' wording lives with the forms in the UI; this module knows how many
//! items an instrument has and the range of each answer.

use chrono::{Duration, NaiveDate};

use crate::validation::{past_date, ValidationErrors};

/// A wellbeing instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Instrument {
    Ons4,
    Swemwbs,
    Ucla3,
}

crate::string_enum!(Instrument {
    Ons4 => "ons4",
    Swemwbs => "swemwbs",
    Ucla3 => "ucla3",
});

/// When in an episode a measure was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timepoint {
    Baseline,
    FollowUp,
}

crate::string_enum!(Timepoint {
    Baseline => "baseline",
    FollowUp => "follow_up",
});

/// One reported score: each ONS4 question is its own scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scale {
    LifeSatisfaction,
    Worthwhile,
    Happiness,
    Anxiety,
    Swemwbs,
    Ucla3,
}

crate::string_enum!(Scale {
    LifeSatisfaction => "life_satisfaction",
    Worthwhile => "worthwhile",
    Happiness => "happiness",
    Anxiety => "anxiety",
    Swemwbs => "swemwbs",
    Ucla3 => "ucla3",
});

impl Scale {
    /// Whether a higher score means the person is doing better. Anxiety and
    /// loneliness are the two where lower is better.
    pub fn higher_is_better(self) -> bool {
        !matches!(self, Scale::Anxiety | Scale::Ucla3)
    }

    pub fn instrument(self) -> Instrument {
        match self {
            Scale::LifeSatisfaction | Scale::Worthwhile | Scale::Happiness | Scale::Anxiety => {
                Instrument::Ons4
            }
            Scale::Swemwbs => Instrument::Swemwbs,
            Scale::Ucla3 => Instrument::Ucla3,
        }
    }

    /// Whether moving from `baseline` to `follow_up` is a change for the better.
    pub fn improved(self, baseline: f64, follow_up: f64) -> bool {
        if self.higher_is_better() {
            follow_up > baseline
        } else {
            follow_up < baseline
        }
    }
}

/// ONS4 thresholds, as the ONS publishes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Band {
    VeryLow,
    Low,
    Medium,
    High,
    VeryHigh,
}

crate::string_enum!(Band {
    VeryLow => "very_low",
    Low => "low",
    Medium => "medium",
    High => "high",
    VeryHigh => "very_high",
});

/// The ONS band of a 0–10 answer: life satisfaction, worthwhile and happiness are
/// 0–4 low, 5–6 medium, 7–8 high, 9–10 very high; anxiety is 0–1 very low, 2–3 low,
/// 4–5 medium, 6–10 high.
pub fn ons4_band(scale: Scale, answer: u8) -> Option<Band> {
    if scale.instrument() != Instrument::Ons4 || answer > 10 {
        return None;
    }
    Some(if scale == Scale::Anxiety {
        match answer {
            0..=1 => Band::VeryLow,
            2..=3 => Band::Low,
            4..=5 => Band::Medium,
            _ => Band::High,
        }
    } else {
        match answer {
            0..=4 => Band::Low,
            5..=6 => Band::Medium,
            7..=8 => Band::High,
            _ => Band::VeryHigh,
        }
    })
}

impl Instrument {
    /// How many questions the instrument asks.
    pub fn items(self) -> usize {
        match self {
            Instrument::Ons4 => 4,
            Instrument::Swemwbs => 7,
            Instrument::Ucla3 => 3,
        }
    }

    /// The lowest and highest answer to each question.
    pub fn answer_range(self) -> (u8, u8) {
        match self {
            Instrument::Ons4 => (0, 10),
            Instrument::Swemwbs => (1, 5),
            Instrument::Ucla3 => (1, 3),
        }
    }

    /// The scales it reports, in order.
    pub fn scales(self) -> &'static [Scale] {
        match self {
            Instrument::Ons4 => &[
                Scale::LifeSatisfaction,
                Scale::Worthwhile,
                Scale::Happiness,
                Scale::Anxiety,
            ],
            Instrument::Swemwbs => &[Scale::Swemwbs],
            Instrument::Ucla3 => &[Scale::Ucla3],
        }
    }
}

/// The SWEMWBS raw total (7–35) to metric score conversion, in hundredths, as published
/// (Rasch-based, Stewart-Brown et al. 2009), copied from
/// `shared/data/swemwbs-conversion.csv`; a test checks every row against that file.
const SWEMWBS_METRIC_HUNDREDTHS: [u16; 29] = [
    700, 951, 1125, 1240, 1333, 1408, 1475, 1532, 1584, 1636, 1688, 1743, 1798, 1859, 1925, 1998,
    2073, 2154, 2235, 2321, 2411, 2503, 2602, 2703, 2813, 2931, 3070, 3255, 3500,
];

/// The metric score of a SWEMWBS raw total, or `None` outside 7–35.
pub fn swemwbs_metric(raw: u8) -> Option<f64> {
    let index = usize::from(raw.checked_sub(7)?);
    SWEMWBS_METRIC_HUNDREDTHS
        .get(index)
        .map(|h| f64::from(*h) / 100.0)
}

/// One scale's score and, for ONS4, its band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScaleScore {
    pub scale: Scale,
    pub value: f64,
    pub band: Option<Band>,
}

/// A measure's scores: one per scale, plus the SWEMWBS raw total.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    pub scales: Vec<ScaleScore>,
    pub raw: Option<u8>,
}

/// Why answers cannot be scored: they do not fit the instrument.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{instrument} answers do not fit the instrument: {answers:?}")]
pub struct BadAnswers {
    pub instrument: Instrument,
    pub answers: Vec<u8>,
}

/// Scores complete, in-range answers by the instrument's rules.
pub fn score(instrument: Instrument, answers: &[u8]) -> Result<Scores, BadAnswers> {
    let (lo, hi) = instrument.answer_range();
    if answers.len() != instrument.items() || answers.iter().any(|a| !(lo..=hi).contains(a)) {
        return Err(BadAnswers {
            instrument,
            answers: answers.to_vec(),
        });
    }
    let total: u8 = answers.iter().sum();
    Ok(match instrument {
        // Never summed: each question is its own score.
        Instrument::Ons4 => Scores {
            scales: instrument
                .scales()
                .iter()
                .zip(answers)
                .map(|(&scale, &a)| ScaleScore {
                    scale,
                    value: f64::from(a),
                    band: ons4_band(scale, a),
                })
                .collect(),
            raw: None,
        },
        Instrument::Swemwbs => Scores {
            scales: vec![ScaleScore {
                scale: Scale::Swemwbs,
                // 7 items of 1–5 always total 7–35, which the table covers.
                value: swemwbs_metric(total).unwrap_or_default(),
                band: None,
            }],
            raw: Some(total),
        },
        Instrument::Ucla3 => Scores {
            scales: vec![ScaleScore {
                scale: Scale::Ucla3,
                value: f64::from(total),
                band: None,
            }],
            raw: None,
        },
    })
}

/// A measure as the form sends it: `None` is a question left unanswered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureInput {
    pub instrument: Instrument,
    pub timepoint: Timepoint,
    pub recorded_date: String,
    pub answers: Vec<Option<i64>>,
}

/// A measure whose every answer is present and in range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureFields {
    pub instrument: Instrument,
    pub timepoint: Timepoint,
    pub recorded_date: NaiveDate,
    pub answers: Vec<u8>,
}

/// Field names of the answers, one per question (1-based, as the form numbers them).
const ANSWER_FIELDS: [&str; 7] = [
    "answer1", "answer2", "answer3", "answer4", "answer5", "answer6", "answer7",
];

impl MeasureInput {
    /// Refuses an unanswered, out-of-range or extra answer (naming each question) and a
    /// date that is missing or in the future.
    pub fn validate(&self, today: NaiveDate) -> Result<MeasureFields, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let date = past_date(&mut e, "recordedDate", "Date", &self.recorded_date, today);
        let (lo, hi) = self.instrument.answer_range();
        let mut answers = Vec::with_capacity(self.instrument.items());
        for (i, field) in ANSWER_FIELDS
            .iter()
            .enumerate()
            .take(self.instrument.items())
        {
            let n = i + 1;
            match self.answers.get(i).copied().flatten() {
                None => e.push(field, format!("Answer question {n}.")),
                Some(a) => match u8::try_from(a) {
                    Ok(a) if (lo..=hi).contains(&a) => answers.push(a),
                    _ => e.push(
                        field,
                        format!("The answer to question {n} must be from {lo} to {hi}."),
                    ),
                },
            }
        }
        if self.answers.len() > self.instrument.items() {
            e.push(
                "answers",
                format!(
                    "This form has {} questions, not {}.",
                    self.instrument.items(),
                    self.answers.len()
                ),
            );
        }
        let fields = MeasureFields {
            instrument: self.instrument,
            timepoint: self.timepoint,
            recorded_date: date.unwrap_or(today),
            answers,
        };
        e.into_result(fields)
    }
}

/// Weeks from a baseline to its follow-up unless the practice chose otherwise.
pub const DEFAULT_FOLLOW_UP_WEEKS: u32 = 12;
/// The longest follow-up interval a practice may set (a year).
pub const MAX_FOLLOW_UP_WEEKS: u32 = 52;

/// Checks a practice's follow-up interval (1 to 52 weeks).
pub fn validate_follow_up_weeks(weeks: u32) -> Result<u32, ValidationErrors> {
    let mut e = ValidationErrors::default();
    if !(1..=MAX_FOLLOW_UP_WEEKS).contains(&weeks) {
        e.push(
            "followUpWeeks",
            format!("Choose between 1 and {MAX_FOLLOW_UP_WEEKS} weeks."),
        );
    }
    e.into_result(weeks)
}

/// The date follow-up measures fall due after a baseline.
pub fn follow_up_due(baseline: NaiveDate, weeks: u32) -> NaiveDate {
    baseline
        .checked_add_signed(Duration::weeks(i64::from(weeks)))
        .unwrap_or(NaiveDate::MAX)
}

/// How many days ahead a due follow-up shows on the caseload as coming up.
pub const DUE_SOON_DAYS: i64 = 14;

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn input(instrument: Instrument, answers: &[Option<i64>]) -> MeasureInput {
        MeasureInput {
            instrument,
            timepoint: Timepoint::Baseline,
            recorded_date: "2026-11-20".into(),
            answers: answers.to_vec(),
        }
    }

    #[test]
    fn every_row_of_the_published_swemwbs_table_converts() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/swemwbs-conversion.csv"
        );
        let mut reader = csv::Reader::from_path(path).expect("shared/data sits beside the repo");
        let mut rows = 0;
        for record in reader.records() {
            let record = record.unwrap();
            let raw: u8 = record[0].parse().unwrap();
            let metric = &record[1];
            assert_eq!(
                format!("{:.2}", swemwbs_metric(raw).unwrap()),
                metric,
                "raw {raw}"
            );
            // Through the scorer too: answers that total `raw`.
            let mut answers = vec![1u8; 7];
            let mut left = raw - 7;
            for a in &mut answers {
                let add = left.min(4);
                *a += add;
                left -= add;
            }
            let scored = score(Instrument::Swemwbs, &answers).unwrap();
            assert_eq!(scored.raw, Some(raw));
            assert_eq!(format!("{:.2}", scored.scales[0].value), metric);
            rows += 1;
        }
        assert_eq!(rows, 29, "raw scores 7 to 35");
        assert_eq!(swemwbs_metric(6), None);
        assert_eq!(swemwbs_metric(36), None);
    }

    #[test]
    fn ons4_is_four_separate_scores_never_summed() {
        let s = score(Instrument::Ons4, &[7, 9, 4, 6]).unwrap();
        let got: Vec<(Scale, f64, Option<Band>)> = s
            .scales
            .iter()
            .map(|x| (x.scale, x.value, x.band))
            .collect();
        assert_eq!(
            got,
            vec![
                (Scale::LifeSatisfaction, 7.0, Some(Band::High)),
                (Scale::Worthwhile, 9.0, Some(Band::VeryHigh)),
                (Scale::Happiness, 4.0, Some(Band::Low)),
                (Scale::Anxiety, 6.0, Some(Band::High)),
            ]
        );
        assert_eq!(s.raw, None);
    }

    #[test]
    fn ons4_band_boundaries() {
        let positive = [
            (0, Band::Low),
            (4, Band::Low),
            (5, Band::Medium),
            (6, Band::Medium),
            (7, Band::High),
            (8, Band::High),
            (9, Band::VeryHigh),
            (10, Band::VeryHigh),
        ];
        for scale in [Scale::LifeSatisfaction, Scale::Worthwhile, Scale::Happiness] {
            for (answer, band) in positive {
                assert_eq!(ons4_band(scale, answer), Some(band), "{scale} {answer}");
            }
        }
        let anxiety = [
            (0, Band::VeryLow),
            (1, Band::VeryLow),
            (2, Band::Low),
            (3, Band::Low),
            (4, Band::Medium),
            (5, Band::Medium),
            (6, Band::High),
            (10, Band::High),
        ];
        for (answer, band) in anxiety {
            assert_eq!(ons4_band(Scale::Anxiety, answer), Some(band), "{answer}");
        }
        assert_eq!(ons4_band(Scale::Anxiety, 11), None);
        assert_eq!(ons4_band(Scale::Ucla3, 5), None);
    }

    #[test]
    fn ucla3_totals_three_to_nine() {
        for (answers, total) in [([1, 1, 1], 3.0), ([2, 3, 1], 6.0), ([3, 3, 3], 9.0)] {
            let s = score(Instrument::Ucla3, &answers).unwrap();
            assert_eq!(s.scales.len(), 1);
            assert_eq!(s.scales[0].scale, Scale::Ucla3);
            assert_eq!(s.scales[0].value, total);
            assert_eq!(s.scales[0].band, None);
        }
    }

    #[test]
    fn scoring_refuses_answers_that_do_not_fit() {
        assert!(score(Instrument::Ucla3, &[1, 2]).is_err());
        assert!(score(Instrument::Ucla3, &[0, 2, 2]).is_err());
        assert!(score(Instrument::Ucla3, &[1, 2, 4]).is_err());
        assert!(score(Instrument::Swemwbs, &[1, 2, 3, 4, 5, 6, 1]).is_err());
        assert!(score(Instrument::Ons4, &[0, 10, 11, 5]).is_err());
        assert!(score(Instrument::Ons4, &[0, 10, 5, 5, 5]).is_err());
    }

    #[test]
    fn a_form_names_each_unanswered_or_out_of_range_question() {
        let e = input(
            Instrument::Swemwbs,
            &[Some(1), None, Some(6), Some(3), Some(0)],
        )
        .validate(day(2026, 11, 24))
        .unwrap_err();
        assert_eq!(e.message_for("answer2"), Some("Answer question 2."));
        assert_eq!(
            e.message_for("answer3"),
            Some("The answer to question 3 must be from 1 to 5.")
        );
        assert!(e.message_for("answer5").is_some());
        assert_eq!(e.message_for("answer6"), Some("Answer question 6."));
        assert_eq!(e.message_for("answer7"), Some("Answer question 7."));
        assert_eq!(e.message_for("answer1"), None);
        assert_eq!(e.message_for("answer4"), None);

        let e = input(Instrument::Ons4, &[Some(-1), Some(11), Some(300), Some(10)])
            .validate(day(2026, 11, 24))
            .unwrap_err();
        for f in ["answer1", "answer2", "answer3"] {
            assert!(e.message_for(f).unwrap().contains("from 0 to 10"), "{f}");
        }
        assert_eq!(e.message_for("answer4"), None);

        let e = input(Instrument::Ucla3, &[Some(1), Some(1), Some(1), Some(1)])
            .validate(day(2026, 11, 24))
            .unwrap_err();
        assert_eq!(
            e.message_for("answers"),
            Some("This form has 3 questions, not 4.")
        );
    }

    #[test]
    fn a_complete_form_validates_and_dates_cannot_be_in_the_future() {
        let f = input(Instrument::Ucla3, &[Some(3), Some(2), Some(3)])
            .validate(day(2026, 11, 24))
            .unwrap();
        assert_eq!(f.answers, vec![3, 2, 3]);
        assert_eq!(f.recorded_date, day(2026, 11, 20));
        let e = input(Instrument::Ucla3, &[Some(3), Some(2), Some(3)])
            .validate(day(2026, 11, 19))
            .unwrap_err();
        assert_eq!(
            e.message_for("recordedDate"),
            Some("Date cannot be in the future.")
        );
        let mut blank = input(Instrument::Ucla3, &[Some(3), Some(2), Some(3)]);
        blank.recorded_date = " ".into();
        assert!(blank
            .validate(day(2026, 11, 24))
            .unwrap_err()
            .message_for("recordedDate")
            .is_some());
    }

    #[test]
    fn follow_up_falls_due_after_the_chosen_weeks() {
        assert_eq!(follow_up_due(day(2026, 9, 1), 12), day(2026, 11, 24));
        assert_eq!(follow_up_due(day(2026, 12, 31), 1), day(2027, 1, 7));
        assert!(validate_follow_up_weeks(0).is_err());
        assert!(validate_follow_up_weeks(53).is_err());
        assert_eq!(validate_follow_up_weeks(52), Ok(52));
        assert_eq!(validate_follow_up_weeks(1), Ok(1));
    }

    #[test]
    fn better_is_higher_except_for_anxiety_and_loneliness() {
        assert!(Scale::Happiness.improved(4.0, 7.0));
        assert!(!Scale::Happiness.improved(7.0, 7.0));
        assert!(!Scale::Swemwbs.improved(20.0, 19.5));
        assert!(Scale::Anxiety.improved(8.0, 3.0));
        assert!(!Scale::Anxiety.improved(3.0, 8.0));
        assert!(Scale::Ucla3.improved(7.0, 4.0));
        assert!(!Scale::Ucla3.improved(4.0, 4.0));
        for s in Scale::ALL {
            assert!(s.instrument().scales().contains(s));
        }
    }
}
