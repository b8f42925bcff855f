//! Portuguese (português): the social prescription's fixed wording.

use super::{Language, Script, DRAFTED};
use crate::wording::{DateForms, PrescriptionWording};

pub(super) const LANGUAGE: Language = Language {
    code: "pt",
    english_name: "Portuguese",
    native_name: "português",
    script: Script::Latin,
    right_to_left: false,
    wording: &WORDING,
    provenance: DRAFTED,
};

const WORDING: PrescriptionWording = PrescriptionWording {
    title: "A sua prescrição social",
    for_patient: "Para {name}",
    date: "Data: {date}",
    link_worker: "Profissional de apoio: {name}",
    reach_call_and_email: "Pode ligar para {phone} ou enviar um e-mail para {email}.",
    reach_call: "Pode ligar para {phone}.",
    reach_email: "Pode enviar um e-mail para {email}.",
    reach_ask_for: "Peça para falar com {name}.",
    what_matters_heading: "O que é importante para mim",
    quote: "“{text}”",
    goal_by: "até {date}",
    activities_heading: "As suas atividades",
    when: "Quando",
    where_: "Onde",
    cost: "Preço",
    free: "Gratuito",
    discount: "Desconto",
    how_to_join: "Como participar",
    signpost: "Pode falar com eles ou simplesmente aparecer.",
    direct_referral: "O seu profissional de apoio vai fazer o encaminhamento. Leve consigo a \
                      guia de encaminhamento que está no fim.",
    contact: "Falar com",
    note: "Nota",
    scan: "Aponte o telefone para o código quadrado para abrir a página da atividade na internet.",
    next_checkin_heading: "A próxima conversa",
    next_checkin: "{date}. O seu profissional de apoio vai ligar ou escrever para saber como \
                   está tudo.",
    no_checkin: "O seu profissional de apoio vai ligar ou escrever para saber como está tudo.",
    plans_change: "Se os seus planos mudarem ou se alguma coisa atrapalhar, ligue para {phone}. \
                   Podemos encontrar outra coisa que lhe convenha.",
    plans_change_no_phone: "Se os seus planos mudarem ou se alguma coisa atrapalhar, avise o \
                            seu profissional de apoio. Podemos encontrar outra coisa que lhe \
                            convenha.",
    slip_heading: "Guia de encaminhamento: {name}",
    slip_cut: "Corte pela linha e entregue esta guia ao serviço.",
    slip_for: "Esta guia serve para apresentar {name}.",
    slip_referred_by: "Encaminhamento feito por {name}, {practice}",
    slip_reference: "Referência",
    slip_quote: "Por favor, indique esta referência sempre que falar com o centro de saúde \
                 sobre este encaminhamento.",
    footer_reference: "Referência {code}",
    page: "Página {n} de {total}",
    days: [
        "às segundas",
        "às terças",
        "às quartas",
        "às quintas",
        "às sextas",
        "aos sábados",
        "aos domingos",
    ],
    dates: DateForms {
        long: "{d} de {month} de {y}",
        full: "{weekday}, {d} de {month} de {y}",
        months: [
            "janeiro",
            "fevereiro",
            "março",
            "abril",
            "maio",
            "junho",
            "julho",
            "agosto",
            "setembro",
            "outubro",
            "novembro",
            "dezembro",
        ],
        weekdays: [
            "segunda-feira",
            "terça-feira",
            "quarta-feira",
            "quinta-feira",
            "sexta-feira",
            "sábado",
            "domingo",
        ],
        digits: None,
    },
};
