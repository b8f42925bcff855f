//! Spanish (español): the social prescription's fixed wording.

use super::{Language, Script, DRAFTED};
use crate::wording::{DateForms, PrescriptionWording};

pub(super) const LANGUAGE: Language = Language {
    code: "es",
    english_name: "Spanish",
    native_name: "español",
    script: Script::Latin,
    right_to_left: false,
    wording: &WORDING,
    provenance: DRAFTED,
};

const WORDING: PrescriptionWording = PrescriptionWording {
    title: "Su receta social",
    for_patient: "Para {name}",
    date: "Fecha: {date}",
    link_worker: "Su persona de enlace: {name}",
    reach_call_and_email: "Para comunicarse con nosotros, llame al {phone} o escriba a {email}.",
    reach_call: "Para comunicarse con nosotros, llame al {phone}.",
    reach_email: "Para comunicarse con nosotros, escriba a {email}.",
    reach_ask_for: "Pregunte por {name}.",
    what_matters_heading: "Lo que es importante para usted",
    quote: "«{text}»",
    goal_by: "para el {date}",
    activities_heading: "Sus actividades",
    when: "Cuándo",
    where_: "Dónde",
    cost: "Precio",
    free: "Gratis",
    discount: "Descuento",
    how_to_join: "Cómo participar",
    signpost: "Comuníquese con ellos o simplemente vaya.",
    direct_referral: "Su persona de enlace le derivará al servicio. Lleve consigo la hoja de \
                      derivación que está al final.",
    contact: "Contacto",
    note: "Nota",
    scan: "Escanee un código cuadrado con la cámara del teléfono para abrir la página web de \
           esa actividad.",
    next_checkin_heading: "Su próximo seguimiento",
    next_checkin: "{date}. Su persona de enlace se comunicará con usted para ver cómo le va.",
    no_checkin: "Su persona de enlace se comunicará con usted para ver cómo le va.",
    plans_change: "Si sus planes cambian o algo se lo impide, llame al {phone}. Podemos buscar \
                   otra cosa que le convenga.",
    plans_change_no_phone: "Si sus planes cambian o algo se lo impide, dígaselo a su persona de \
                            enlace. Podemos buscar otra cosa que le convenga.",
    slip_heading: "Hoja de derivación: {name}",
    slip_cut: "Corte por la línea y entregue esta hoja al servicio.",
    slip_for: "Por medio de esta hoja les presentamos a {name}.",
    slip_referred_by: "Derivación hecha por {name}, {practice}",
    slip_reference: "Referencia",
    slip_quote: "Por favor, indique esta referencia cuando se comunique con el centro médico \
                 sobre esta derivación.",
    footer_reference: "Referencia {code}",
    page: "Página {n} de {total}",
    days: [
        "los lunes",
        "los martes",
        "los miércoles",
        "los jueves",
        "los viernes",
        "los sábados",
        "los domingos",
    ],
    dates: DateForms {
        long: "{d} de {month} de {y}",
        full: "{weekday}, {d} de {month} de {y}",
        months: [
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ],
        weekdays: [
            "lunes",
            "martes",
            "miércoles",
            "jueves",
            "viernes",
            "sábado",
            "domingo",
        ],
        digits: None,
    },
};
