//! Welsh (Cymraeg): the social prescription's fixed wording.

use super::{Language, Script, DRAFTED};
use crate::wording::{DateForms, PrescriptionWording};

pub(super) const LANGUAGE: Language = Language {
    code: "cy",
    english_name: "Welsh",
    native_name: "Cymraeg",
    script: Script::Latin,
    right_to_left: false,
    wording: &WORDING,
    provenance: DRAFTED,
};

const WORDING: PrescriptionWording = PrescriptionWording {
    title: "Eich presgripsiwn cymdeithasol",
    for_patient: "Ar gyfer {name}",
    date: "Dyddiad: {date}",
    link_worker: "Eich gweithiwr cyswllt: {name}",
    reach_call_and_email: "I gysylltu â ni, ffoniwch {phone} neu anfonwch e-bost at {email}.",
    reach_call: "I gysylltu â ni, ffoniwch {phone}.",
    reach_email: "I gysylltu â ni, anfonwch e-bost at {email}.",
    reach_ask_for: "Gofynnwch am {name}.",
    what_matters_heading: "Beth sy'n bwysig i chi",
    quote: "“{text}”",
    goal_by: "erbyn {date}",
    activities_heading: "Eich gweithgareddau",
    when: "Pryd",
    where_: "Ble",
    cost: "Pris",
    free: "Am ddim",
    discount: "Gostyngiad",
    how_to_join: "Sut i ymuno",
    signpost: "Cysylltwch â nhw, neu galwch heibio.",
    direct_referral: "Bydd eich gweithiwr cyswllt yn eich atgyfeirio. Ewch â'r slip atgyfeirio \
                      sydd ar y diwedd gyda chi.",
    contact: "Cyswllt",
    note: "Nodyn",
    scan: "Sganiwch god sgwâr gyda chamera ffôn i agor tudalen we'r gweithgaredd hwnnw.",
    next_checkin_heading: "Eich sgwrs nesaf",
    next_checkin: "{date}. Bydd eich gweithiwr cyswllt yn cysylltu â chi i weld sut mae \
                   pethau'n mynd.",
    no_checkin: "Bydd eich gweithiwr cyswllt yn cysylltu â chi i weld sut mae pethau'n mynd.",
    plans_change: "Os bydd eich cynlluniau'n newid, neu os bydd rhywbeth yn eich rhwystro, \
                   ffoniwch {phone}. Gallwn ddod o hyd i rywbeth arall sy'n addas i chi.",
    plans_change_no_phone: "Os bydd eich cynlluniau'n newid, neu os bydd rhywbeth yn eich \
                            rhwystro, dywedwch wrth eich gweithiwr cyswllt. Gallwn ddod o hyd i \
                            rywbeth arall sy'n addas i chi.",
    slip_heading: "Slip atgyfeirio: {name}",
    slip_cut: "Torrwch ar hyd y llinell a rhowch y slip hwn i'r gwasanaeth.",
    slip_for: "Mae'r slip hwn yn cyflwyno {name}.",
    slip_referred_by: "Atgyfeiriwyd gan {name}, {practice}",
    slip_reference: "Cyfeirnod",
    slip_quote: "Dyfynnwch y cyfeirnod hwn pan fyddwch yn cysylltu â'r feddygfa am yr \
                 atgyfeiriad hwn.",
    footer_reference: "Cyfeirnod {code}",
    page: "Tudalen {n} o {total}",
    days: [
        "dyddiau Llun",
        "dyddiau Mawrth",
        "dyddiau Mercher",
        "dyddiau Iau",
        "dyddiau Gwener",
        "dyddiau Sadwrn",
        "dyddiau Sul",
    ],
    dates: DateForms {
        long: "{d} {month} {y}",
        full: "{weekday}, {d} {month} {y}",
        months: [
            "Ionawr",
            "Chwefror",
            "Mawrth",
            "Ebrill",
            "Mai",
            "Mehefin",
            "Gorffennaf",
            "Awst",
            "Medi",
            "Hydref",
            "Tachwedd",
            "Rhagfyr",
        ],
        weekdays: [
            "Dydd Llun",
            "Dydd Mawrth",
            "Dydd Mercher",
            "Dydd Iau",
            "Dydd Gwener",
            "Dydd Sadwrn",
            "Dydd Sul",
        ],
        digits: None,
    },
};
