//! Forgiving readers for the fields real directory feeds get wrong: HTML descriptions,
//! web addresses without a scheme, quoted phone numbers, times and weekday names in
//! their many spellings. Each returns what it made of the value; the caller records
//! an adjustment when that differs from what the feed said.

use html2text::render::RichAnnotation;

use crate::directory::Weekday;

/// True when the text holds markup or character references, so it is read as HTML.
fn looks_like_html(text: &str) -> bool {
    let tag = text.char_indices().any(|(i, c)| {
        c == '<'
            && text[i + 1..]
                .chars()
                .next()
                .is_some_and(|n| n.is_ascii_alphabetic() || n == '/' || n == '!')
    });
    tag || (text.contains('&') && text.contains(';'))
}

/// Plain text from a description that may be HTML: paragraphs and line breaks kept,
/// tags dropped, entities resolved, and a link kept as its address after its words.
/// Text with no markup is returned as it is, apart from literal `\n` sequences (a
/// common export fault) becoming line breaks.
pub fn plain_text(text: &str) -> String {
    let text = if !text.contains('\n') && text.contains("\\n") {
        text.replace("\\r\\n", "\n").replace("\\n", "\n")
    } else {
        text.to_owned()
    };
    if !looks_like_html(&text) {
        return text.trim().to_owned();
    }
    // Wide enough that nothing wraps: the UI and the printout wrap for themselves.
    let lines = match html2text::config::rich()
        .allow_width_overflow()
        .lines_from_read(text.as_bytes(), 100_000)
    {
        Ok(lines) => lines,
        Err(_) => return text.trim().to_owned(),
    };
    let mut out = String::new();
    for line in lines {
        let mut link: Option<(String, String)> = None;
        for piece in line.tagged_strings() {
            let target = piece.tag.iter().find_map(|a| match a {
                RichAnnotation::Link(url) => Some(url.clone()),
                _ => None,
            });
            if link.as_ref().map(|(u, _)| u) != target.as_ref() {
                close_link(&mut out, link.take());
                link = target.map(|u| (u, String::new()));
            }
            if let Some((_, words)) = link.as_mut() {
                words.push_str(&piece.s);
            }
            out.push_str(&piece.s);
        }
        close_link(&mut out, link);
        out.push('\n');
    }
    // Collapse the blank lines HTML layout leaves to one between paragraphs.
    let mut cleaned = String::new();
    let mut blank = 0;
    for line in out.lines().map(str::trim_end) {
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !cleaned.is_empty() {
            cleaned.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        cleaned.push_str(line);
    }
    cleaned
}

/// After a link's words, its address in brackets, unless the words are the address.
fn close_link(out: &mut String, link: Option<(String, String)>) {
    if let Some((url, words)) = link {
        let shown = words.trim();
        let bare = |u: &str| {
            u.trim_end_matches('/')
                .trim_start_matches("mailto:")
                .to_owned()
        };
        let web = url.starts_with("http://") || url.starts_with("https://");
        let mail = url.starts_with("mailto:");
        if (web || mail) && bare(shown) != bare(&url) && !shown.contains(&bare(&url)) {
            out.push_str(" (");
            out.push_str(url.trim_start_matches("mailto:"));
            out.push(')');
        }
    }
}

/// A web address with `https://` added where the feed left out the scheme.
/// Returns the address and whether it was changed.
pub fn web_address(text: &str) -> (String, bool) {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.contains("://") {
        return (t.to_owned(), false);
    }
    if let Some(rest) = t.strip_prefix("//") {
        return (format!("https://{rest}"), true);
    }
    // Only something that looks like a host: a dot before any slash, no spaces.
    let host = t.split('/').next().unwrap_or("");
    if host.contains('.') && !t.chars().any(char::is_whitespace) && !host.contains('@') {
        return (format!("https://{t}"), true);
    }
    (t.to_owned(), false)
}

/// A phone number without the quotes and stray characters exports wrap it in, and with
/// its extension written the one way: `0161 496 0000 ext. 12`.
pub fn phone(number: &str, extension: Option<&str>) -> String {
    let strip = |s: &str| {
        s.trim()
            .trim_matches(|c: char| matches!(c, '"' | '\'' | '\u{201c}' | '\u{201d}' | '`'))
            .trim()
            .to_owned()
    };
    let mut n = strip(number);
    // An extension written inside the number ("x12", "ext 12", "ext. 12").
    let mut ext = extension.map(strip).filter(|e| !e.is_empty());
    if ext.is_none() {
        let lower = n.to_ascii_lowercase();
        for marker in [" ext.", " ext", "ext.", "ext", " x", "x"] {
            if let Some(at) = lower.rfind(marker) {
                let tail = n[at + marker.len()..].trim();
                if !tail.is_empty() && tail.chars().all(|c| c.is_ascii_digit()) && at > 0 {
                    ext = Some(tail.to_owned());
                    n = n[..at].trim().to_owned();
                    break;
                }
            }
        }
    }
    let ext = ext.map(|e| {
        e.trim_start_matches(|c: char| !c.is_ascii_digit())
            .to_owned()
    });
    match ext.filter(|e| !e.is_empty()) {
        Some(e) => format!("{n} ext. {e}"),
        None => n,
    }
}

/// A time of day as `HH:MM` from `9:00am`, `9am`, `09:00:00`, `0900`, `17:00`, or
/// `12:30 PM`; `None` when it is not a time.
pub fn time_of_day(text: &str) -> Option<String> {
    let t = text.trim().to_ascii_lowercase().replace('.', "");
    let (body, meridiem) = if let Some(b) = t.strip_suffix("am") {
        (b.trim(), Some(false))
    } else if let Some(b) = t.strip_suffix("pm") {
        (b.trim(), Some(true))
    } else {
        (t.trim(), None)
    };
    // Drop a timezone or offset after the seconds: "09:00:00Z", "09:00:00+01:00".
    let body = body
        .split(['z', '+'])
        .next()
        .unwrap_or(body)
        .trim_end_matches(|c: char| c == '-' || c.is_whitespace());
    let parts: Vec<&str> = body.split(':').collect();
    let num = |s: &str| (!s.is_empty() && s.len() <= 2).then(|| s.parse::<u32>().ok())?;
    let (h, m) = match parts.as_slice() {
        [hm] if hm.len() == 4 && meridiem.is_none() => {
            (hm[..2].parse::<u32>().ok()?, hm[2..].parse::<u32>().ok()?)
        }
        [h] => (num(h)?, 0),
        [h, m] => (num(h)?, num(m)?),
        [h, m, s] => {
            num(s)?;
            (num(h)?, num(m)?)
        }
        _ => return None,
    };
    let h = match meridiem {
        Some(_) if !(1..=12).contains(&h) => return None,
        Some(false) => h % 12,
        Some(true) => h % 12 + 12,
        None => h,
    };
    (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
}

/// A weekday from its English name or abbreviation (`Monday`, `mon`, `Tues`) or its
/// RFC 5545 code (`MO`).
pub fn weekday(text: &str) -> Option<Weekday> {
    let t = text.trim().to_ascii_lowercase();
    let t = t.trim_end_matches('.');
    if let Ok(d) = t.to_ascii_uppercase().parse::<Weekday>() {
        return Some(d);
    }
    const NAMES: [(&str, Weekday); 7] = [
        ("monday", Weekday::Mo),
        ("tuesday", Weekday::Tu),
        ("wednesday", Weekday::We),
        ("thursday", Weekday::Th),
        ("friday", Weekday::Fr),
        ("saturday", Weekday::Sa),
        ("sunday", Weekday::Su),
    ];
    // HSDS 1.x numbers days 1 (Monday) to 7 (Sunday).
    if let Ok(n) = t.parse::<usize>() {
        return (1..=7).contains(&n).then(|| NAMES[n - 1].1);
    }
    NAMES
        .iter()
        .find(|(name, _)| t.len() >= 3 && name.starts_with(t))
        .map(|(_, d)| *d)
}

/// Short English name of a day, for the "when it runs" text.
pub fn day_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mo => "Mon",
        Weekday::Tu => "Tue",
        Weekday::We => "Wed",
        Weekday::Th => "Thu",
        Weekday::Fr => "Fri",
        Weekday::Sa => "Sat",
        Weekday::Su => "Sun",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_plain_text_with_paragraphs_and_links() {
        let html = "<p>Walks for all.</p><p>Meet at the <b>park</b> gate &amp; bring water.<br>\
                    Details on <a href=\"https://walks.example/join\">our site</a>.</p>\
                    <ul><li>Easy</li><li>Free</li></ul>";
        let text = plain_text(html);
        assert!(text.starts_with("Walks for all.\n\nMeet at the park gate & bring water.\n"));
        assert!(
            text.contains("our site (https://walks.example/join)"),
            "{text}"
        );
        assert!(text.contains("Easy") && text.contains("Free"));
        assert!(!text.contains('<') && !text.contains("&amp;"));
    }

    #[test]
    fn plain_text_stays_as_it_is() {
        assert_eq!(
            plain_text("Tea & chat\nevery week"),
            "Tea & chat\nevery week"
        );
        assert_eq!(plain_text("Line one\\n\\nLine two"), "Line one\n\nLine two");
        assert_eq!(plain_text("3 < 4 and fine"), "3 < 4 and fine");
    }

    #[test]
    fn web_addresses_gain_a_scheme_only_when_they_look_like_one() {
        assert_eq!(
            web_address("www.example.org/walks"),
            ("https://www.example.org/walks".into(), true)
        );
        assert_eq!(
            web_address("http://example.org"),
            ("http://example.org".into(), false)
        );
        assert_eq!(web_address("not a site"), ("not a site".into(), false));
        assert_eq!(web_address("a@b.org"), ("a@b.org".into(), false));
    }

    #[test]
    fn phones_lose_quotes_and_keep_extensions() {
        assert_eq!(
            phone("\"+44 1234 234567\"", Some("100")),
            "+44 1234 234567 ext. 100"
        );
        assert_eq!(phone("305-555-0100 x12", None), "305-555-0100 ext. 12");
        assert_eq!(phone("0161 496 0000", Some("")), "0161 496 0000");
        assert_eq!(phone("0161 496 0000 ext 4", None), "0161 496 0000 ext. 4");
    }

    #[test]
    fn times_in_their_many_spellings() {
        for (t, want) in [
            ("9:00am", Some("09:00")),
            ("9am", Some("09:00")),
            ("12:30 PM", Some("12:30")),
            ("12:00am", Some("00:00")),
            ("5:00p.m.", Some("17:00")),
            ("09:00:00", Some("09:00")),
            ("17:00", Some("17:00")),
            ("0930", Some("09:30")),
            ("09:00:00Z", Some("09:00")),
            ("25:00", None),
            ("13pm", None),
            ("noonish", None),
        ] {
            assert_eq!(time_of_day(t).as_deref(), want, "{t}");
        }
    }

    #[test]
    fn weekdays_by_name_code_or_number() {
        assert_eq!(weekday("Monday"), Some(Weekday::Mo));
        assert_eq!(weekday("tues"), Some(Weekday::Tu));
        assert_eq!(weekday("SA"), Some(Weekday::Sa));
        assert_eq!(weekday("7"), Some(Weekday::Su));
        assert_eq!(weekday("Funday"), None);
        assert_eq!(weekday("m"), None);
    }
}
