#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The message back to the GP and referrer read back with Poppler and qpdf: every fact
//! of the plain text is on the letter, in the same order, with the codes a GP
//! receptionist files it under.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use waymark_domain::message_back::{
    ActivityLine, GoalLine, LinkWorker, MessageBack, Person, ReferralSummary, WellbeingLine,
};
use waymark_domain::{
    Barrier, ClosureOutcome, Counted, Country, GpAppointments, ItemStatus, ReferralReason,
    ReferralStatus, Scale,
};
use waymark_print::{message_back_pdf, Fonts, Paper, Rendered};

use common::{date, run, save};

const REFERRAL_CODE: &str = "871731000000106";
const DECLINED_CODE: &str = "871711000000103";

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts::load().unwrap())
}

fn activity(
    service: &str,
    organisation: &str,
    status: ItemStatus,
    barrier: Option<Barrier>,
    note: Option<&str>,
) -> ActivityLine {
    ActivityLine {
        service: service.into(),
        organisation: Some(organisation.into()),
        status,
        barrier,
        barrier_note: note.map(str::to_owned),
    }
}

fn goal(description: &str, status: &str) -> GoalLine {
    GoalLine {
        description: description.into(),
        status: status.into(),
    }
}

fn measure(scale: Scale, baseline: f64, latest: f64) -> WellbeingLine {
    WellbeingLine {
        scale,
        baseline,
        baseline_date: date(2026, 6, 2),
        latest,
        latest_date: date(2026, 11, 17),
    }
}

fn link_worker() -> LinkWorker {
    LinkWorker {
        name: Some("Priya Shah".into()),
        phone: Some("01632 960001".into()),
        email: Some("priya.shah@hollinsford.example".into()),
    }
}

/// Workflow 1: multiple sclerosis and two small children; the co-op and the yoga studio.
fn workflow_one() -> MessageBack {
    MessageBack {
        practice: common::practice(Country::Uk),
        date: date(2026, 11, 24),
        person: Person {
            name: "Zoë O'Brien".into(),
            date_of_birth: date(1991, 5, 3),
            identifier: Some("NHS number 943 476 5919".into()),
            address: Some("Flat 2, 14 Weaver Street\nHollinsford HF1 3BD".into()),
            registered_gp: Some("Dr Ellen Okafor".into()),
        },
        referral: ReferralSummary {
            received_date: date(2026, 5, 12),
            referrer: Some("Dr Ellen Okafor, GP, Hollinsford Surgery".into()),
            reasons: vec![
                ReferralReason::LongTermCondition,
                ReferralReason::PhysicalActivity,
            ],
            conditions: Some(
                "Multiple sclerosis: muscle weakness and coordination.\nAdvised gentle exercise."
                    .into(),
            ),
            status: ReferralStatus::Closed,
            closed_date: Some(date(2026, 11, 20)),
            closure_reason: Some("Going to yoga twice a week; the co-op covers it.".into()),
            outcome: Some(ClosureOutcome::Completed),
        },
        what_matters: Some(
            "Time for gentle exercise, even with two small children at home.".into(),
        ),
        goals: vec![
            goal("Gentle exercise twice a week", "Achieved"),
            goal(
                "Two mornings a week of childcare from the co-op",
                "Achieved",
            ),
        ],
        taken_up: vec![
            activity(
                "Community Childcare Co-op",
                "Hollinsford Families Together",
                ItemStatus::Started,
                None,
                None,
            ),
            activity(
                "Gentle Yoga for Strength and Balance",
                "Canal Wharf Yoga Studio",
                ItemStatus::Completed,
                None,
                None,
            ),
        ],
        not_taken_up: vec![],
        suggested: vec![],
        wellbeing: vec![
            measure(Scale::Swemwbs, 17.43, 21.54),
            measure(Scale::LifeSatisfaction, 4.0, 7.0),
            measure(Scale::Anxiety, 7.0, 3.0),
        ],
        gp_appointments: GpAppointments {
            before: Some(Counted {
                appointments: 9,
                counted: date(2026, 5, 12),
            }),
            after: Some(Counted {
                appointments: 4,
                counted: date(2026, 11, 16),
            }),
        },
        next_steps: Some("Priya will call in three months to see how it is going.".into()),
        link_worker: link_worker(),
    }
}

/// Workflow 4: job loss and money worries; one activity started, one missed for want
/// of a bus, one declined for want of confidence.
fn workflow_four(outcome: ClosureOutcome) -> MessageBack {
    MessageBack {
        practice: common::practice(Country::Uk),
        date: date(2026, 11, 24),
        person: Person {
            name: "Siobhán Ní Bhriain".into(),
            date_of_birth: date(1978, 2, 14),
            identifier: Some("NHS number 401 023 2137".into()),
            address: Some("7 Mill Lane\nHollinsford HF2 4JX".into()),
            registered_gp: Some("Dr Tomasz Wójcik-Łęczycki".into()),
        },
        referral: ReferralSummary {
            received_date: date(2026, 4, 3),
            referrer: Some("Dr Tomasz Wójcik-Łęczycki, GP, Hollinsford Surgery".into()),
            reasons: vec![ReferralReason::Finance, ReferralReason::Employment],
            conditions: Some("Loss of appetite and poor digestion since losing her job.".into()),
            status: ReferralStatus::Closed,
            closed_date: Some(date(2026, 11, 18)),
            closure_reason: Some("Debts in hand; looking for work with the agency's help.".into()),
            outcome: Some(outcome),
        },
        what_matters: Some("Getting back to work and on top of the bills.".into()),
        goals: vec![
            goal("A plan for paying the debts", "Achieved"),
            goal("Apply for three jobs", "In progress"),
        ],
        taken_up: vec![activity(
            "Debt Counselling",
            "Hollinsford Money Advice",
            ItemStatus::Started,
            None,
            None,
        )],
        not_taken_up: vec![
            activity(
                "Employment Agency Drop-in",
                "Hollinsford Jobs Hub",
                ItemStatus::DidNotAttend,
                Some(Barrier::Transport),
                Some("The bus no longer runs before 9 on weekdays."),
            ),
            activity(
                "CV and Résumé Writing Class",
                "Hollinsford Library",
                ItemStatus::Declined,
                Some(Barrier::Confidence),
                None,
            ),
        ],
        suggested: vec![],
        wellbeing: vec![
            measure(Scale::Anxiety, 8.0, 5.0),
            measure(Scale::Swemwbs, 16.88, 19.98),
        ],
        gp_appointments: GpAppointments {
            before: Some(Counted {
                appointments: 6,
                counted: date(2026, 4, 3),
            }),
            after: Some(Counted {
                appointments: 2,
                counted: date(2026, 11, 16),
            }),
        },
        next_steps: None,
        link_worker: link_worker(),
    }
}

fn render(message: &MessageBack, paper: Paper) -> Rendered {
    message_back_pdf(fonts(), message, paper).unwrap()
}

/// The PDF's text in reading order, runs of white space made single.
fn text(file: &Path) -> String {
    collapse(&run("pdftotext", &[file.to_str().unwrap(), "-"]))
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn assert_embedded_subset_and_valid(file: &Path) {
    let f = file.to_str().unwrap();
    let listed = run("pdffonts", &[f]);
    let rows: Vec<&str> = listed.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{listed}");
    for row in &rows {
        let name = row.split_whitespace().next().unwrap();
        assert!(name.contains('+'), "font not subset: {row}");
        assert!(
            row.contains(" yes yes "),
            "font not embedded and subset: {row}"
        );
    }
    // The codes are set in the bold monospace face, apart from everything else.
    assert!(
        rows.iter().any(|r| r.contains("Mono-Bold")),
        "the codes' face is missing:\n{listed}"
    );
    run("qpdf", &["--check", f]);
}

/// The letter's text without the footers (practice, person and page number), which
/// pdftotext puts wherever a page ends, mid-paragraph included.
fn without_footers(text: &str, message: &MessageBack, pages: usize) -> String {
    let mut out = text.to_owned();
    for n in 1..=pages {
        out = out.replace(&format!("Page {n} of {pages}"), " ");
    }
    let person = match &message.person.identifier {
        Some(id) => format!("{}, {id}", message.person.name),
        None => message.person.name.clone(),
    };
    out = out.replace(&format!("{} · {person}", message.practice.name), " ");
    collapse(&out)
}

/// Each non-empty line of the plain text is on the letter, in the same order: the
/// words compared with the spaces taken out (a wrapped line may break after a slash
/// with no space), a heading in the letter's case, a list item with its bullet.
fn assert_plain_text_in_order(message: &MessageBack, pdf_text: &str) {
    let plain = message.plain_text();
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    let letter = squeeze(pdf_text);
    let headings: Vec<&str> = message.sections().iter().map(|(h, _)| *h).collect();
    let mut lines = plain.lines().filter(|l| !l.trim().is_empty());
    // The text opens with the title, the practice, its contact lines and the date; the
    // letter has the practice and its contact lines as its letterhead, then the title
    // and the date line.
    assert_eq!(lines.next(), Some(message.title()));
    assert_eq!(lines.next(), Some(message.practice.name.as_str()));
    let letterhead = message.letterhead();
    for line in &letterhead {
        assert_eq!(lines.next(), Some(line.as_str()));
    }
    let date = format!("Date: {}", message.practice.country.long_date(message.date));
    assert_eq!(lines.next(), Some(date.as_str()));
    let mut at = 0;
    let mut top: Vec<&str> = vec![message.practice.name.as_str()];
    top.extend(letterhead.iter().map(String::as_str));
    top.extend([message.title(), date.as_str()]);
    for expected in top {
        let found = letter[at..]
            .find(&squeeze(expected))
            .unwrap_or_else(|| panic!("{expected:?} not in order in:\n{pdf_text}"));
        at += found + squeeze(expected).len();
    }
    for line in lines {
        let wanted = headings
            .iter()
            .find(|h| h.to_uppercase() == line)
            .map_or_else(
                || match line.strip_prefix("- ") {
                    Some(item) => format!("•{}", squeeze(item)),
                    None => squeeze(line),
                },
                |h| squeeze(h),
            );
        let found = letter[at..]
            .find(&wanted)
            .unwrap_or_else(|| panic!("{line:?} not on the letter after what came before:\n{pdf_text}\n\nplain text:\n{plain}"));
        at += found + wanted.len();
    }
}

/// What every letter must say, whatever else it says.
fn assert_the_facts(message: &MessageBack, t: &str) {
    let p = &message.person;
    let long = |d| message.practice.country.long_date(d);
    let mut expected: Vec<String> = vec![
        message.title().into(),
        message.practice.name.clone(),
        "1 High Street, Hollinsford HF1 1AA".into(),
        "01632 960000".into(),
        format!("Date: {}", long(message.date)),
        format!("Name: {}", p.name),
        format!("Date of birth: {}", long(p.date_of_birth)),
        // The link worker and how to reach them.
        "Priya Shah".into(),
        "Phone: 01632 960001".into(),
        "Email: priya.shah@hollinsford.example".into(),
        format!("{REFERRAL_CODE} Referral to social prescribing service"),
    ];
    expected.extend(p.identifier.clone());
    expected.extend(message.sections().iter().map(|(h, _)| (*h).to_owned()));
    expected.extend(
        message
            .taken_up
            .iter()
            .chain(&message.not_taken_up)
            .map(|a| a.service.clone()),
    );
    if let Some(b) = message.gp_appointments.before {
        expected.push(format!(
            "GP appointments in the 6 months before the referral: {}",
            b.appointments
        ));
    }
    if let Some(a) = message.gp_appointments.after {
        expected.push(format!(
            "GP appointments in the 6 months after the referral: {}",
            a.appointments
        ));
    }
    for e in &expected {
        assert!(t.contains(e.as_str()), "{e:?} missing from:\n{t}");
    }
    let declined = message.referral.outcome == Some(ClosureOutcome::Declined);
    assert_eq!(
        t.contains(DECLINED_CODE),
        declined,
        "the declined code is there exactly when the person declined:\n{t}"
    );
    if declined {
        assert!(t.contains(&format!("{DECLINED_CODE} Social prescribing declined")));
    }
}

#[test]
fn workflow_one_prints_on_a4_and_letter_with_every_fact_and_the_referral_code() {
    let dir = tempfile::tempdir().unwrap();
    let message = workflow_one();
    for (paper, size) in [(Paper::A4, "(A4)"), (Paper::Letter, "(letter)")] {
        let rendered = render(&message, paper);
        assert!(
            rendered.missing_glyphs.is_empty(),
            "{:?}",
            rendered.missing_glyphs
        );
        assert!(rendered.pages <= 2, "{} pages", rendered.pages);
        let file = save(dir.path(), &format!("one-{size}.pdf"), &rendered);
        assert!(run("pdfinfo", &[file.to_str().unwrap()]).contains(size));
        assert_embedded_subset_and_valid(&file);
        let t = text(&file);
        assert_the_facts(&message, &t);
        for expected in [
            "Name: Zoë O'Brien",
            "Date of birth: 3 May 1991",
            "Reasons: Long-term condition, Physical activity",
            "Multiple sclerosis: muscle weakness and coordination. Advised gentle exercise.",
            "Referred by: Dr Ellen Okafor, GP, Hollinsford Surgery",
            "Time for gentle exercise, even with two small children at home.",
            "• Community Childcare Co-op, Hollinsford Families Together: started",
            "• Gentle Yoga for Strength and Balance, Canal Wharf Yoga Studio: completed",
            "None declined or missed.",
            // Wellbeing at baseline and follow-up, and the change.
            "17.4 on 2 June 2026, 21.5 on 17 November 2026 (+4.1, better)",
            "ONS4 life satisfaction (0-10, higher is better): 4 on 2 June 2026, 7 on 17 November 2026 (+3, better)",
            "ONS4 anxiety (0-10, lower is better): 7 on 2 June 2026, 3 on 17 November 2026 (-4, better)",
            "GP appointments in the 6 months before the referral: 9 (counted 12 May 2026)",
            "GP appointments in the 6 months after the referral: 4 (counted 16 November 2026)",
            "Support ended on 20 November 2026: support completed.",
            "Page 1 of",
        ] {
            assert!(t.contains(expected), "{expected:?} missing from:\n{t}");
        }
        assert_plain_text_in_order(&message, &without_footers(&t, &message, rendered.pages));
    }
}

#[test]
fn workflow_four_prints_each_barrier_and_the_declined_code_only_when_declined() {
    let dir = tempfile::tempdir().unwrap();
    for outcome in [ClosureOutcome::Completed, ClosureOutcome::Declined] {
        let message = workflow_four(outcome);
        for (paper, size) in [(Paper::A4, "(A4)"), (Paper::Letter, "(letter)")] {
            let rendered = render(&message, paper);
            assert!(
                rendered.missing_glyphs.is_empty(),
                "{:?}",
                rendered.missing_glyphs
            );
            let file = save(
                dir.path(),
                &format!("four-{outcome:?}-{size}.pdf"),
                &rendered,
            );
            assert!(run("pdfinfo", &[file.to_str().unwrap()]).contains(size));
            assert_embedded_subset_and_valid(&file);
            let t = text(&file);
            assert_the_facts(&message, &t);
            for expected in [
                "Name: Siobhán Ní Bhriain",
                "Date of birth: 14 February 1978",
                "Reasons: Finance or debt, Employment",
                "Referred by: Dr Tomasz Wójcik-Łęczycki, GP, Hollinsford Surgery",
                "• Debt Counselling, Hollinsford Money Advice: started",
                "• Employment Agency Drop-in, Hollinsford Jobs Hub: did not attend (barrier: transport, The bus no longer runs before 9 on weekdays.)",
                "• CV and Résumé Writing Class, Hollinsford Library: declined (barrier: confidence)",
                "• A plan for paying the debts (Achieved)",
                "ONS4 anxiety (0-10, lower is better): 8 on 2 June 2026, 5 on 17 November 2026 (-3, better)",
                "GP appointments in the 6 months before the referral: 6",
                "GP appointments in the 6 months after the referral: 2",
            ] {
                assert!(t.contains(expected), "{expected:?} missing from:\n{t}");
            }
            let ended = match outcome {
                ClosureOutcome::Declined => {
                    "Support ended on 18 November 2026: declined social prescribing."
                }
                _ => "Support ended on 18 November 2026: support completed.",
            };
            assert!(t.contains(ended), "{ended:?} missing from:\n{t}");
            assert_plain_text_in_order(&message, &without_footers(&t, &message, rendered.pages));
        }
    }
}

#[test]
fn a_us_practice_writes_its_dates_its_own_way() {
    let dir = tempfile::tempdir().unwrap();
    let mut message = workflow_one();
    message.practice.country = Country::Us;
    message.person.identifier = Some("MRN 12345".into());
    let rendered = render(&message, Paper::Letter);
    let file = save(dir.path(), "us.pdf", &rendered);
    let t = text(&file);
    for expected in [
        "Date: November 24, 2026",
        "Date of birth: May 3, 1991",
        "Referral received: May 12, 2026",
        "MRN 12345",
    ] {
        assert!(t.contains(expected), "{expected:?} missing from:\n{t}");
    }
    assert_plain_text_in_order(&message, &without_footers(&t, &message, rendered.pages));
}

#[test]
fn hostile_notes_print_as_plain_text_without_direction_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let mut message = workflow_four(ClosureOutcome::Completed);
    message.not_taken_up[0].barrier_note =
        Some("<script>alert('x')</script> \u{202E}gnorw\u{202C} bus".into());
    message.next_steps = Some("\u{202E}<b>call</b> back\u{0007}".into());
    message.person.name = "\u{202E}Siobhán Ní Bhriain".into();
    let rendered = render(&message, Paper::A4);
    assert!(
        rendered.missing_glyphs.is_empty(),
        "{:?}",
        rendered.missing_glyphs
    );
    let file = save(dir.path(), "hostile.pdf", &rendered);
    run("qpdf", &["--check", file.to_str().unwrap()]);
    let raw = run("pdftotext", &[file.to_str().unwrap(), "-"]);
    for c in ['\u{202E}', '\u{202C}', '\u{0007}'] {
        assert!(!raw.contains(c), "{c:?} reached the paper:\n{raw}");
    }
    let t = collapse(&raw);
    for expected in [
        "(barrier: transport, <script>alert('x')</script> gnorw bus)",
        "<b>call</b> back",
        "Name: Siobhán Ní Bhriain",
    ] {
        assert!(t.contains(expected), "{expected:?} missing from:\n{t}");
    }
}

#[test]
fn the_practice_logo_is_printed_and_a_broken_one_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut message = workflow_one();
    message.practice.logo_png = Some(common::logo_png(240, 96));
    let rendered = render(&message, Paper::A4);
    let file = save(dir.path(), "logo.pdf", &rendered);
    let images = run("pdfimages", &["-list", file.to_str().unwrap()]);
    assert!(
        images
            .lines()
            .any(|l| l.contains(" image ") && l.contains("240    96")),
        "{images}"
    );
    run("qpdf", &["--check", file.to_str().unwrap()]);
    // The letterhead beside the logo is still whole.
    let t = text(&file);
    assert!(t.contains("1 High Street, Hollinsford HF1 1AA"), "{t}");

    let mut broken = common::logo_png(240, 96);
    let end = broken.len() - 20;
    broken[40..end].fill(0x55);
    message.practice.logo_png = Some(broken);
    let err = message_back_pdf(fonts(), &message, Paper::A4).unwrap_err();
    assert!(
        err.to_string()
            .contains("Choose the logo again in Settings"),
        "{err}"
    );
}
