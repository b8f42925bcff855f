//! Forgiving readers for the fields real directory feeds get wrong: HTML descriptions,
//! web addresses without a scheme, quoted phone numbers, times and weekday names in
//! their many spellings. Each returns what it made of the value; the caller records
//! an adjustment when that differs from what the feed said.

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
/// tags dropped, entities resolved, list items bulleted, and a link kept as its address
/// after its words. Text with no markup is returned as it is, apart from literal `\n`
/// sequences (a common export fault) becoming line breaks.
///
/// The HTML is read by html5gum, a tokenizer that follows the WHATWG specification
/// (character references, comments, raw-text elements, broken markup); only the
/// layout, which tags start a line or a paragraph, is decided here. A full HTML
/// parser (html2text with html5ever) made the app 0.95 MB bigger for the same text.
pub fn plain_text(text: &str) -> String {
    let text = if !text.contains('\n') && text.contains("\\n") {
        text.replace("\\r\\n", "\n").replace("\\n", "\n")
    } else {
        text.to_owned()
    };
    if !looks_like_html(&text) {
        return text.trim().to_owned();
    }
    let mut emitter = html5gum::DefaultEmitter::default();
    // Script and style bodies are read as raw text (and then skipped), not as markup.
    emitter.naively_switch_states(true);
    let mut layout = Layout::default();
    for token in html5gum::Tokenizer::new_with_emitter(text.as_str(), emitter).flatten() {
        match token {
            html5gum::Token::StartTag(tag) => {
                let href = tag
                    .attributes
                    .get(b"href".as_slice())
                    .map(|v| String::from_utf8_lossy(v).trim().to_owned());
                let alt = tag
                    .attributes
                    .get(b"alt".as_slice())
                    .map(|v| String::from_utf8_lossy(v).into_owned());
                // The tokenizer gives tag names in lower case, as the specification says.
                layout.start(&tag.name, href, alt, tag.self_closing);
            }
            html5gum::Token::EndTag(tag) => layout.end(&tag.name),
            html5gum::Token::String(words) => layout.words(&String::from_utf8_lossy(&words)),
            _ => {}
        }
    }
    layout.finish()
}

/// Tags whose content is not text a reader sees.
const HIDDEN: &[&[u8]] = &[
    b"script",
    b"style",
    b"template",
    b"head",
    b"title",
    b"noscript",
];
/// Tags that stand apart from the text around them by a blank line.
const PARAGRAPHS: &[&[u8]] = &[
    b"p",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"ul",
    b"ol",
    b"dl",
    b"table",
    b"blockquote",
    b"pre",
    b"hr",
    b"figure",
    b"address",
    b"fieldset",
    b"details",
];
/// Tags that start on a line of their own.
const LINES: &[&[u8]] = &[
    b"div",
    b"li",
    b"tr",
    b"dt",
    b"dd",
    b"section",
    b"article",
    b"header",
    b"footer",
    b"main",
    b"nav",
    b"aside",
    b"form",
    b"summary",
    b"figcaption",
    b"caption",
    b"body",
];

/// Text laid out as a reader of the HTML would see it.
#[derive(Debug, Default)]
struct Layout {
    out: String,
    /// 0: none, 1: a line break, 2: a blank line, owed before the next words.
    pending_break: u8,
    pending_space: bool,
    /// Depth inside hidden elements, and inside `<pre>`.
    hidden: u32,
    pre: u32,
    /// The open link's address and the words shown for it so far.
    link: Option<(String, String)>,
    /// A list item's bullet, owed before its first words.
    bullet: bool,
    /// Depth inside list items, where paragraphs do not add blank lines.
    items: u32,
}

impl Layout {
    fn start(&mut self, name: &[u8], href: Option<String>, alt: Option<String>, closed: bool) {
        if HIDDEN.contains(&name) {
            if !closed {
                self.hidden += 1;
            }
            return;
        }
        match name {
            b"br" => self.owe(1),
            b"pre" => {
                self.owe(2);
                self.pre += 1;
            }
            b"li" => {
                self.owe(1);
                self.bullet = true;
                self.items += 1;
            }
            b"td" | b"th" => self.pending_space = true,
            b"img" => {
                if let Some(alt) = alt.filter(|a| !a.trim().is_empty()) {
                    self.words(&alt);
                }
            }
            b"a" => {
                self.close_link();
                self.link = href.filter(|h| !h.is_empty()).map(|h| (h, String::new()));
            }
            _ if PARAGRAPHS.contains(&name) => self.owe(2),
            _ if LINES.contains(&name) => self.owe(1),
            _ => {}
        }
    }

    fn end(&mut self, name: &[u8]) {
        if HIDDEN.contains(&name) {
            self.hidden = self.hidden.saturating_sub(1);
            return;
        }
        match name {
            b"a" => self.close_link(),
            b"pre" => {
                self.pre = self.pre.saturating_sub(1);
                self.owe(2);
            }
            b"li" => {
                self.items = self.items.saturating_sub(1);
                self.owe(1);
            }
            b"td" | b"th" => self.pending_space = true,
            _ if PARAGRAPHS.contains(&name) => self.owe(2),
            _ if LINES.contains(&name) => self.owe(1),
            _ => {}
        }
    }

    /// Owes a line break, or a blank line (2) outside list items.
    fn owe(&mut self, lines: u8) {
        let lines = if self.items > 0 { lines.min(1) } else { lines };
        self.pending_break = self.pending_break.max(lines);
    }

    fn words(&mut self, text: &str) {
        if self.hidden > 0 {
            return;
        }
        for c in text.chars() {
            let c = if c == '\u{a0}' { ' ' } else { c };
            if self.pre > 0 && c == '\n' {
                self.owe(1);
                continue;
            }
            if c.is_whitespace() && self.pre == 0 {
                self.pending_space = true;
                continue;
            }
            self.settle();
            self.push(c);
        }
    }

    /// Writes the break, bullet or space owed before the next visible character.
    fn settle(&mut self) {
        if self.pending_break > 0 {
            if !self.out.is_empty() {
                self.out
                    .push_str(if self.pending_break > 1 { "\n\n" } else { "\n" });
            }
            self.pending_break = 0;
            self.pending_space = false;
        }
        if self.bullet {
            self.bullet = false;
            self.pending_space = false;
            self.push_str("• ");
        }
        if self.pending_space {
            self.pending_space = false;
            if !self.out.is_empty() && !self.out.ends_with('\n') {
                self.push(' ');
            }
        }
    }

    fn push(&mut self, c: char) {
        self.out.push(c);
        if let Some((_, words)) = self.link.as_mut() {
            words.push(c);
        }
    }

    fn push_str(&mut self, s: &str) {
        s.chars().for_each(|c| self.push(c));
    }

    fn close_link(&mut self) {
        close_link(&mut self.out, self.link.take());
    }

    fn finish(mut self) -> String {
        self.close_link();
        // Collapse the blank lines left by empty elements to one between paragraphs.
        let mut cleaned = String::new();
        let mut blank = 0;
        for line in self.out.lines().map(str::trim_end) {
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
}

/// After a link's words, its address in brackets, unless the words are the address.
fn close_link(out: &mut String, link: Option<(String, String)>) {
    if let Some((url, words)) = link {
        let shown = words.trim();
        // The address as people write it: no scheme, no "www.", no closing slash.
        let bare = |u: &str| {
            let u = u.trim().to_lowercase();
            let u = ["mailto:", "https://", "http://"]
                .iter()
                .fold(u.as_str(), |u, p| u.strip_prefix(p).unwrap_or(u));
            u.strip_prefix("www.")
                .unwrap_or(u)
                .trim_end_matches('/')
                .to_owned()
        };
        let web = url.starts_with("http://") || url.starts_with("https://");
        let mail = url.starts_with("mailto:");
        if (web || mail) && bare(shown) != bare(&url) && !bare(shown).contains(&bare(&url)) {
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
    fn html_layout_is_what_a_reader_sees() {
        // Lists are bulleted, one item a line, a blank line around the list.
        assert_eq!(
            plain_text(
                "<p>What we offer:</p><ul><li>Walks</li><li><p>Tea</p></li></ul><p>All free.</p>"
            ),
            "What we offer:\n\n• Walks\n• Tea\n\nAll free."
        );
        // Whitespace collapses as a browser shows it; <br> breaks the line.
        assert_eq!(
            plain_text("<div>  Monday\n  to   Friday<br/>9am&nbsp;&ndash;&nbsp;5pm </div>"),
            "Monday to Friday\n9am – 5pm"
        );
        // Script, style and comments are not text; broken markup still reads.
        assert_eq!(
            plain_text("<style>p{color:red}</style><script>if (a < b) alert('x')</script><!-- note -->Open <b>daily"),
            "Open daily"
        );
        // Character references, named, decimal and hex, in text and in addresses.
        assert_eq!(
            plain_text(
                "Caf&eacute; &#38; <a href=\"https://ex.org/?a=1&amp;b=2\">menu</a> &#x1F600;"
            ),
            "Café & menu (https://ex.org/?a=1&b=2) 😀"
        );
        // Links whose words are their address, and e-mail links.
        assert_eq!(
            plain_text("<a href=\"https://ex.org/\">ex.org</a> or <a href=\"mailto:hi@ex.org\">write to us</a>"),
            "ex.org or write to us (hi@ex.org)"
        );
        // Table cells apart, rows on lines; images by their description.
        assert_eq!(
            plain_text("<table><tr><th>Day</th><th>Time</th></tr><tr><td>Mon</td><td>10:00</td></tr></table><img alt=\"Map of the park\">"),
            "Day Time\nMon 10:00\n\nMap of the park"
        );
        // Preformatted text keeps its lines and spaces.
        assert_eq!(plain_text("<pre>a  b\nc</pre>"), "a  b\nc");
        // Headings stand apart; markup with no text leaves nothing.
        assert_eq!(
            plain_text("<h2>Who</h2>Anyone<p></p><p> </p>"),
            "Who\n\nAnyone"
        );
        assert_eq!(plain_text("<p><br></p>"), "");
        // Tag names in capitals are the same tags.
        assert_eq!(
            plain_text("<P>One</P><UL><LI>Two</LI></UL>"),
            "One\n\n• Two"
        );
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
