//! Polish (polski): the social prescription's fixed wording.

use super::{Language, Script, DRAFTED};
use crate::wording::{DateForms, PrescriptionWording};

pub(super) const LANGUAGE: Language = Language {
    code: "pl",
    english_name: "Polish",
    native_name: "polski",
    script: Script::Latin,
    right_to_left: false,
    wording: &WORDING,
    provenance: DRAFTED,
};

const WORDING: PrescriptionWording = PrescriptionWording {
    title: "Recepta społeczna",
    for_patient: "Dla: {name}",
    date: "Data: {date}",
    link_worker: "Osoba prowadząca: {name}",
    reach_call_and_email: "Prosimy dzwonić pod numer {phone} lub pisać na adres {email}.",
    reach_call: "Prosimy dzwonić pod numer {phone}.",
    reach_email: "Prosimy pisać na adres {email}.",
    reach_ask_for: "Osoba do kontaktu: {name}.",
    what_matters_heading: "Co jest dla mnie ważne",
    quote: "„{text}”",
    goal_by: "do {date}",
    activities_heading: "Zalecane zajęcia",
    when: "Kiedy",
    where_: "Gdzie",
    cost: "Koszt",
    free: "Bezpłatnie",
    discount: "Zniżki",
    how_to_join: "Jak dołączyć",
    signpost: "Można się z nimi skontaktować albo po prostu przyjść.",
    direct_referral: "Osoba prowadząca wyśle skierowanie. Prosimy zabrać ze sobą odcinek \
                      skierowania z końca tego dokumentu.",
    contact: "Kontakt",
    note: "Uwagi",
    scan: "Aby otworzyć stronę internetową zajęć, wystarczy zeskanować kwadratowy kod aparatem \
           telefonu.",
    next_checkin_heading: "Następny kontakt",
    next_checkin: "{date}. Osoba prowadząca odezwie się, aby zapytać, jak wszystko idzie.",
    no_checkin: "Osoba prowadząca odezwie się, aby zapytać, jak wszystko idzie.",
    plans_change: "Jeśli plany się zmienią albo coś stanie na przeszkodzie, prosimy zadzwonić \
                   pod numer {phone}. Możemy znaleźć coś innego, co będzie bardziej \
                   odpowiednie.",
    plans_change_no_phone: "Jeśli plany się zmienią albo coś stanie na przeszkodzie, prosimy \
                            powiedzieć o tym osobie prowadzącej. Możemy znaleźć coś innego, co \
                            będzie bardziej odpowiednie.",
    slip_heading: "Skierowanie: {name}",
    slip_cut: "Prosimy odciąć wzdłuż linii i oddać ten odcinek w placówce.",
    slip_for: "Kierujemy do Państwa: {name}.",
    slip_referred_by: "Osoba kierująca: {name}, {practice}",
    slip_reference: "Nr referencyjny",
    slip_quote: "Prosimy podawać ten numer w kontaktach z przychodnią w sprawie tego skierowania.",
    footer_reference: "Nr ref. {code}",
    page: "Strona {n} z {total}",
    days: [
        "w poniedziałki",
        "we wtorki",
        "w środy",
        "w czwartki",
        "w piątki",
        "w soboty",
        "w niedziele",
    ],
    dates: DateForms {
        long: "{d} {month} {y}",
        full: "{weekday}, {d} {month} {y}",
        months: [
            "stycznia",
            "lutego",
            "marca",
            "kwietnia",
            "maja",
            "czerwca",
            "lipca",
            "sierpnia",
            "września",
            "października",
            "listopada",
            "grudnia",
        ],
        weekdays: [
            "poniedziałek",
            "wtorek",
            "środa",
            "czwartek",
            "piątek",
            "sobota",
            "niedziela",
        ],
        digits: None,
    },
};
