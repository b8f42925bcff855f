//! Tagalog (Filipino) (Tagalog): the social prescription's fixed wording.

use super::{Language, Script, DRAFTED};
use crate::wording::{DateForms, PrescriptionWording};

pub(super) const LANGUAGE: Language = Language {
    code: "fil",
    english_name: "Tagalog (Filipino)",
    native_name: "Tagalog",
    script: Script::Latin,
    right_to_left: false,
    wording: &WORDING,
    provenance: DRAFTED,
};

const WORDING: PrescriptionWording = PrescriptionWording {
    title: "Ang inyong resetang panlipunan",
    for_patient: "Para kay {name}",
    date: "Petsa: {date}",
    link_worker: "Ang inyong tagapag-ugnay: {name}",
    reach_call_and_email: "Para makipag-ugnayan sa amin, tumawag sa {phone} o mag-email sa \
                           {email}.",
    reach_call: "Para makipag-ugnayan sa amin, tumawag sa {phone}.",
    reach_email: "Para makipag-ugnayan sa amin, mag-email sa {email}.",
    reach_ask_for: "Hanapin si {name}.",
    what_matters_heading: "Ang mahalaga sa inyo",
    quote: "“{text}”",
    goal_by: "pagsapit ng {date}",
    activities_heading: "Ang inyong mga gawain",
    when: "Kailan",
    where_: "Saan",
    cost: "Bayad",
    free: "Libre",
    discount: "Diskuwento",
    how_to_join: "Paano sumali",
    signpost: "Makipag-ugnayan sa kanila, o pumunta na lang kayo roon.",
    direct_referral: "Isasangguni kayo ng inyong tagapag-ugnay sa serbisyong ito. Dalhin ninyo \
                      ang papel ng pagsangguni na nasa dulo.",
    contact: "Ugnayan",
    note: "Tala",
    scan: "I-scan ang parisukat na code gamit ang kamera ng telepono para mabuksan ang website \
           ng gawaing iyon.",
    next_checkin_heading: "Ang susunod na kumustahan",
    next_checkin: "{date}. Makikipag-ugnayan sa inyo ang inyong tagapag-ugnay para kumustahin \
                   kayo.",
    no_checkin: "Makikipag-ugnayan sa inyo ang inyong tagapag-ugnay para kumustahin kayo.",
    plans_change: "Kung magbago ang inyong mga plano, o may humadlang, tumawag sa {phone}. \
                   Makakahanap tayo ng iba pang babagay sa inyo.",
    plans_change_no_phone: "Kung magbago ang inyong mga plano, o may humadlang, sabihin sa \
                            inyong tagapag-ugnay. Makakahanap tayo ng iba pang babagay sa inyo.",
    slip_heading: "Papel ng pagsangguni: {name}",
    slip_cut: "Gupitin sa linya at ibigay ang papel na ito sa nagbibigay ng serbisyo.",
    slip_for: "Ipinakikilala namin si {name}.",
    slip_referred_by: "Isinangguni ni {name}, {practice}",
    slip_reference: "Numero",
    slip_quote: "Pakibanggit ang numerong ito kapag nakipag-ugnayan kayo sa klinika tungkol sa \
                 pagsangguning ito.",
    footer_reference: "Numero {code}",
    page: "Pahina {n} ng {total}",
    days: [
        "tuwing Lunes",
        "tuwing Martes",
        "tuwing Miyerkules",
        "tuwing Huwebes",
        "tuwing Biyernes",
        "tuwing Sabado",
        "tuwing Linggo",
    ],
    dates: DateForms {
        long: "{month} {d}, {y}",
        full: "{weekday}, {month} {d}, {y}",
        months: [
            "Enero",
            "Pebrero",
            "Marso",
            "Abril",
            "Mayo",
            "Hunyo",
            "Hulyo",
            "Agosto",
            "Setyembre",
            "Oktubre",
            "Nobyembre",
            "Disyembre",
        ],
        weekdays: [
            "Lunes",
            "Martes",
            "Miyerkules",
            "Huwebes",
            "Biyernes",
            "Sabado",
            "Linggo",
        ],
        digits: None,
    },
};
