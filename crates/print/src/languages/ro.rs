//! Romanian (română): the social prescription's fixed wording.

use super::{Language, Script, DRAFTED};
use crate::wording::{DateForms, PrescriptionWording};

pub(super) const LANGUAGE: Language = Language {
    code: "ro",
    english_name: "Romanian",
    native_name: "română",
    script: Script::Latin,
    right_to_left: false,
    wording: &WORDING,
    provenance: DRAFTED,
};

const WORDING: PrescriptionWording = PrescriptionWording {
    title: "Prescripția dumneavoastră socială",
    for_patient: "Pentru {name}",
    date: "Data: {date}",
    link_worker: "Persoana de legătură: {name}",
    reach_call_and_email: "Ne puteți contacta la telefon {phone} sau pe e-mail la {email}.",
    reach_call: "Ne puteți suna la {phone}.",
    reach_email: "Ne puteți scrie pe e-mail la {email}.",
    reach_ask_for: "Cereți să vorbiți cu {name}.",
    what_matters_heading: "Ce este important pentru dumneavoastră",
    quote: "„{text}”",
    goal_by: "până la {date}",
    activities_heading: "Activitățile dumneavoastră",
    when: "Când",
    where_: "Unde",
    cost: "Preț",
    free: "Gratuit",
    discount: "Reducere",
    how_to_join: "Cum vă înscrieți",
    signpost: "Luați legătura cu ei sau pur și simplu mergeți acolo.",
    direct_referral: "Persoana de legătură vă va trimite la acest serviciu. Luați cu \
                      dumneavoastră biletul de trimitere de la final.",
    contact: "Date de contact",
    note: "Notă",
    scan: "Scanați codul pătrat cu camera telefonului ca să deschideți pagina web a activității.",
    next_checkin_heading: "Următoarea discuție",
    next_checkin: "{date}. Persoana de legătură vă va contacta ca să vadă cum merg lucrurile.",
    no_checkin: "Persoana de legătură vă va contacta ca să vadă cum merg lucrurile.",
    plans_change: "Dacă planurile dumneavoastră se schimbă sau vă împiedică ceva, sunați la \
                   {phone}. Putem găsi altceva care vi se potrivește.",
    plans_change_no_phone: "Dacă planurile dumneavoastră se schimbă sau vă împiedică ceva, \
                            spuneți-i persoanei de legătură. Putem găsi altceva care vi se \
                            potrivește.",
    slip_heading: "Bilet de trimitere: {name}",
    slip_cut: "Tăiați de-a lungul liniei și predați acest bilet la serviciul respectiv.",
    slip_for: "Prin acest bilet vă prezentăm pe {name}.",
    slip_referred_by: "Trimis de {name}, {practice}",
    slip_reference: "Referință",
    slip_quote: "Vă rugăm să menționați această referință când contactați cabinetul medical \
                 despre această trimitere.",
    footer_reference: "Referință {code}",
    page: "Pagina {n} din {total}",
    days: [
        "lunea",
        "marțea",
        "miercurea",
        "joia",
        "vinerea",
        "sâmbăta",
        "duminica",
    ],
    dates: DateForms {
        long: "{d} {month} {y}",
        full: "{weekday}, {d} {month} {y}",
        months: [
            "ianuarie",
            "februarie",
            "martie",
            "aprilie",
            "mai",
            "iunie",
            "iulie",
            "august",
            "septembrie",
            "octombrie",
            "noiembrie",
            "decembrie",
        ],
        weekdays: [
            "luni",
            "marți",
            "miercuri",
            "joi",
            "vineri",
            "sâmbătă",
            "duminică",
        ],
        digits: None,
    },
};
