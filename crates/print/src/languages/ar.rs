//! Arabic, Modern Standard (العربية): the social prescription's fixed wording.

use super::{Language, Script, DRAFTED};
use crate::wording::{DateForms, PrescriptionWording};

pub(super) const LANGUAGE: Language = Language {
    code: "ar",
    english_name: "Arabic",
    native_name: "العربية",
    script: Script::Arabic,
    right_to_left: true,
    wording: &WORDING,
    provenance: DRAFTED,
};

const WORDING: PrescriptionWording = PrescriptionWording {
    title: "وصفتك الاجتماعية",
    for_patient: "باسم: {name}",
    date: "التاريخ: {date}",
    link_worker: "منسّق الدعم الخاص بك: {name}",
    reach_call_and_email: "للتواصل معنا، يمكنك الاتصال بالرقم {phone} أو مراسلتنا بالبريد \
                           الإلكتروني على {email}.",
    reach_call: "للتواصل معنا، يمكنك الاتصال بالرقم {phone}.",
    reach_email: "للتواصل معنا، يمكنك مراسلتنا بالبريد الإلكتروني على {email}.",
    reach_ask_for: "ويمكنك طلب التحدث إلى {name}.",
    what_matters_heading: "ما يهمّك",
    quote: "«{text}»",
    goal_by: "بحلول {date}",
    activities_heading: "أنشطتك",
    when: "الموعد",
    where_: "المكان",
    cost: "التكلفة",
    free: "مجاني",
    discount: "خصم",
    how_to_join: "طريقة الانضمام",
    signpost: "يمكنك التواصل معهم، أو الذهاب إليهم مباشرة.",
    direct_referral: "سيُحيلك منسّق الدعم إليهم. يُرجى أخذ قسيمة الإحالة الموجودة في آخر الوصفة \
                      معك.",
    contact: "للتواصل",
    note: "ملاحظة",
    scan: "يمكنك مسح الرمز المربّع بكاميرا الهاتف لفتح صفحة النشاط على الإنترنت.",
    next_checkin_heading: "موعد المتابعة القادم",
    next_checkin: "{date}. سيتواصل معك منسّق الدعم ليطمئن على أحوالك.",
    no_checkin: "سيتواصل معك منسّق الدعم ليطمئن على أحوالك.",
    plans_change: "إذا تغيّرت خططك، أو واجهتك أي عقبة، يُرجى الاتصال بالرقم {phone}. يمكننا أن \
                   نجد لك شيئًا آخر يناسبك.",
    plans_change_no_phone: "إذا تغيّرت خططك، أو واجهتك أي عقبة، يُرجى إخبار منسّق الدعم. يمكننا \
                            أن نجد لك شيئًا آخر يناسبك.",
    slip_heading: "قسيمة إحالة: {name}",
    slip_cut: "يُرجى قصّ القسيمة على طول الخط وتسليمها إلى مقدّم الخدمة.",
    slip_for: "نودّ أن نعرّفكم على {name}.",
    slip_referred_by: "الإحالة من: {name}، {practice}",
    slip_reference: "الرقم المرجعي",
    slip_quote: "يُرجى ذكر هذا الرقم المرجعي عند التواصل مع العيادة بشأن هذه الإحالة.",
    footer_reference: "الرقم المرجعي {code}",
    page: "صفحة {n} من {total}",
    days: [
        "أيام الاثنين",
        "أيام الثلاثاء",
        "أيام الأربعاء",
        "أيام الخميس",
        "أيام الجمعة",
        "أيام السبت",
        "أيام الأحد",
    ],
    dates: DateForms {
        long: "{d} {month} {y}",
        full: "{weekday}، {d} {month} {y}",
        months: [
            "يناير",
            "فبراير",
            "مارس",
            "أبريل",
            "مايو",
            "يونيو",
            "يوليو",
            "أغسطس",
            "سبتمبر",
            "أكتوبر",
            "نوفمبر",
            "ديسمبر",
        ],
        weekdays: [
            "الاثنين",
            "الثلاثاء",
            "الأربعاء",
            "الخميس",
            "الجمعة",
            "السبت",
            "الأحد",
        ],
        digits: None,
    },
};
