//! Bengali (বাংলা): the social prescription's fixed wording.

use super::{Language, Script, DRAFTED};
use crate::wording::{DateForms, PrescriptionWording};

pub(super) const LANGUAGE: Language = Language {
    code: "bn",
    english_name: "Bengali",
    native_name: "বাংলা",
    script: Script::Bengali,
    right_to_left: false,
    wording: &WORDING,
    provenance: DRAFTED,
};

const WORDING: PrescriptionWording = PrescriptionWording {
    title: "আপনার সামাজিক প্রেসক্রিপশন",
    for_patient: "{name}-এর জন্য",
    date: "তারিখ: {date}",
    link_worker: "আপনার লিংক ওয়ার্কার: {name}",
    reach_call_and_email: "আমাদের সঙ্গে যোগাযোগ করতে {phone} নম্বরে ফোন করুন অথবা {email} \
                           ঠিকানায় ইমেইল করুন।",
    reach_call: "আমাদের সঙ্গে যোগাযোগ করতে {phone} নম্বরে ফোন করুন।",
    reach_email: "আমাদের সঙ্গে যোগাযোগ করতে {email} ঠিকানায় ইমেইল করুন।",
    reach_ask_for: "{name}-এর সঙ্গে কথা বলতে চান বলুন।",
    what_matters_heading: "আপনার কাছে যা গুরুত্বপূর্ণ",
    quote: "“{text}”",
    goal_by: "{date}-এর মধ্যে",
    activities_heading: "আপনার কার্যক্রম",
    when: "কখন",
    where_: "কোথায়",
    cost: "খরচ",
    free: "বিনামূল্যে",
    discount: "ছাড়",
    how_to_join: "কীভাবে যোগ দেবেন",
    signpost: "তাঁদের সঙ্গে যোগাযোগ করুন, অথবা সরাসরি চলে যান।",
    direct_referral: "আপনার লিংক ওয়ার্কার আপনাকে রেফার করবেন। শেষে দেওয়া রেফারেল স্লিপটি সঙ্গে \
                      নিয়ে যান।",
    contact: "যোগাযোগ",
    note: "নোট",
    scan: "ফোনের ক্যামেরা দিয়ে চৌকো কোডটি স্ক্যান করুন, তাহলে ওই কার্যক্রমের ওয়েব পেজ খুলে যাবে।",
    next_checkin_heading: "আপনার সঙ্গে পরের যোগাযোগ",
    next_checkin: "{date}। আপনার লিংক ওয়ার্কার আপনার সঙ্গে যোগাযোগ করে জেনে নেবেন সবকিছু কেমন \
                   চলছে।",
    no_checkin: "আপনার লিংক ওয়ার্কার আপনার সঙ্গে যোগাযোগ করে জেনে নেবেন সবকিছু কেমন চলছে।",
    plans_change: "আপনার পরিকল্পনা বদলে গেলে, বা কোনো বাধা এলে, {phone} নম্বরে ফোন করুন। আমরা \
                   আপনার জন্য মানানসই অন্য কিছু খুঁজে দিতে পারি।",
    plans_change_no_phone: "আপনার পরিকল্পনা বদলে গেলে, বা কোনো বাধা এলে, আপনার লিংক ওয়ার্কারকে \
                            জানান। আমরা আপনার জন্য মানানসই অন্য কিছু খুঁজে দিতে পারি।",
    slip_heading: "রেফারেল স্লিপ: {name}",
    slip_cut: "দাগ বরাবর কেটে এই স্লিপটি পরিষেবা প্রদানকারীকে দিন।",
    slip_for: "এই স্লিপের মাধ্যমে {name}-এর সঙ্গে আপনাদের পরিচয় করিয়ে দেওয়া হচ্ছে।",
    slip_referred_by: "রেফার করেছেন: {name}, {practice}",
    slip_reference: "রেফারেন্স নম্বর",
    slip_quote: "এই রেফারেল সম্পর্কে ক্লিনিকের সঙ্গে যোগাযোগ করার সময় অনুগ্রহ করে এই রেফারেন্স \
                 নম্বরটি উল্লেখ করুন।",
    footer_reference: "রেফারেন্স নম্বর {code}",
    page: "পৃষ্ঠা {n}, মোট {total}",
    days: [
        "প্রতি সোমবার",
        "প্রতি মঙ্গলবার",
        "প্রতি বুধবার",
        "প্রতি বৃহস্পতিবার",
        "প্রতি শুক্রবার",
        "প্রতি শনিবার",
        "প্রতি রবিবার",
    ],
    dates: DateForms {
        long: "{d} {month}, {y}",
        full: "{weekday}, {d} {month}, {y}",
        months: [
            "জানুয়ারি",
            "ফেব্রুয়ারি",
            "মার্চ",
            "এপ্রিল",
            "মে",
            "জুন",
            "জুলাই",
            "আগস্ট",
            "সেপ্টেম্বর",
            "অক্টোবর",
            "নভেম্বর",
            "ডিসেম্বর",
        ],
        weekdays: [
            "সোমবার",
            "মঙ্গলবার",
            "বুধবার",
            "বৃহস্পতিবার",
            "শুক্রবার",
            "শনিবার",
            "রবিবার",
        ],
        digits: Some(['০', '১', '২', '৩', '৪', '৫', '৬', '৭', '৮', '৯']),
    },
};
