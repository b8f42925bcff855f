//! Vietnamese (Tiếng Việt): the social prescription's fixed wording.

use super::{Language, Script, DRAFTED};
use crate::wording::{DateForms, PrescriptionWording};

pub(super) const LANGUAGE: Language = Language {
    code: "vi",
    english_name: "Vietnamese",
    native_name: "Tiếng Việt",
    script: Script::Latin,
    right_to_left: false,
    wording: &WORDING,
    provenance: DRAFTED,
};

const WORDING: PrescriptionWording = PrescriptionWording {
    title: "Kế hoạch hỗ trợ xã hội của bạn",
    for_patient: "Dành cho {name}",
    date: "Ngày: {date}",
    link_worker: "Nhân viên kết nối của bạn: {name}",
    reach_call_and_email: "Để liên lạc với chúng tôi, bạn hãy gọi {phone} hoặc gửi email đến \
                           {email}.",
    reach_call: "Để liên lạc với chúng tôi, bạn hãy gọi {phone}.",
    reach_email: "Để liên lạc với chúng tôi, bạn hãy gửi email đến {email}.",
    reach_ask_for: "Xin gặp {name}.",
    what_matters_heading: "Điều quan trọng với bạn",
    quote: "“{text}”",
    goal_by: "trước ngày {date}",
    activities_heading: "Các hoạt động của bạn",
    when: "Thời gian",
    where_: "Địa điểm",
    cost: "Chi phí",
    free: "Miễn phí",
    discount: "Giảm giá",
    how_to_join: "Cách tham gia",
    signpost: "Bạn có thể liên lạc với họ, hoặc cứ đến thẳng.",
    direct_referral: "Nhân viên kết nối sẽ giới thiệu bạn đến đó. Bạn hãy mang theo phiếu giới \
                      thiệu ở cuối tài liệu này.",
    contact: "Liên lạc",
    note: "Ghi chú",
    scan: "Dùng máy ảnh của điện thoại quét mã vuông để mở trang web của hoạt động đó.",
    next_checkin_heading: "Lần liên lạc tới",
    next_checkin: "{date}. Nhân viên kết nối sẽ liên lạc để hỏi thăm xem mọi việc thế nào.",
    no_checkin: "Nhân viên kết nối sẽ liên lạc để hỏi thăm xem mọi việc thế nào.",
    plans_change: "Nếu kế hoạch của bạn thay đổi, hoặc có việc gì cản trở, hãy gọi {phone}. \
                   Chúng tôi có thể tìm một hoạt động khác phù hợp với bạn.",
    plans_change_no_phone: "Nếu kế hoạch của bạn thay đổi, hoặc có việc gì cản trở, hãy báo cho \
                            nhân viên kết nối. Chúng tôi có thể tìm một hoạt động khác phù hợp \
                            với bạn.",
    slip_heading: "Phiếu giới thiệu: {name}",
    slip_cut: "Cắt theo đường kẻ và đưa phiếu này cho nơi cung cấp dịch vụ.",
    slip_for: "Phiếu này xin giới thiệu {name}.",
    slip_referred_by: "Người giới thiệu: {name}, {practice}",
    slip_reference: "Mã số",
    slip_quote: "Xin vui lòng cho biết mã số này khi liên lạc với phòng khám về việc giới thiệu \
                 này.",
    footer_reference: "Mã số {code}",
    page: "Trang {n} trên {total}",
    days: [
        "mỗi thứ Hai",
        "mỗi thứ Ba",
        "mỗi thứ Tư",
        "mỗi thứ Năm",
        "mỗi thứ Sáu",
        "mỗi thứ Bảy",
        "mỗi Chủ nhật",
    ],
    dates: DateForms {
        long: "{d} {month} {y}",
        full: "{weekday}, {d} {month} {y}",
        months: [
            "tháng 1",
            "tháng 2",
            "tháng 3",
            "tháng 4",
            "tháng 5",
            "tháng 6",
            "tháng 7",
            "tháng 8",
            "tháng 9",
            "tháng 10",
            "tháng 11",
            "tháng 12",
        ],
        weekdays: [
            "Thứ Hai",
            "Thứ Ba",
            "Thứ Tư",
            "Thứ Năm",
            "Thứ Sáu",
            "Thứ Bảy",
            "Chủ Nhật",
        ],
        digits: None,
    },
};
