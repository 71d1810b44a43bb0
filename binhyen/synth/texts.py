"""Vietnamese words the generated records are made of: names, streets, summaries. All NFC, and none
contains a tab, a newline or a backslash (they go into COPY text lines unescaped)."""

from __future__ import annotations

from binhyen.core.text import nfc

SURNAMES = [nfc(s) for s in (
    "Nguyễn", "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Huỳnh", "Vũ",
    "Võ", "Phan", "Trương", "Bùi", "Đặng", "Đỗ", "Ngô", "Hồ", "Dương", "Lý", "Đinh", "Mai", "Đào", "Cao",
)]  # fmt: skip
MIDDLE_M = [nfc(s) for s in ("Văn", "Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công", "Xuân", "Đình")]
MIDDLE_F = [nfc(s) for s in ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Hồng", "Phương")]
GIVEN_M = [nfc(s) for s in (
    "Hùng", "Dũng", "Tuấn", "Hải", "Long", "Nam", "Phúc", "Sơn", "Thắng", "Bình", "Tài", "Khoa", "An",
    "Cường", "Đạt", "Hiếu", "Huy", "Khánh", "Lâm", "Lộc", "Minh", "Nghĩa", "Quang", "Thành", "Trung", "Vinh",
)]  # fmt: skip
GIVEN_F = [nfc(s) for s in (
    "Lan", "Hoa", "Mai", "Hương", "Linh", "Nga", "Trang", "Yến", "Hạnh", "Thảo", "Vân", "Anh", "Chi",
    "Dung", "Giang", "Hằng", "Hiền", "Huyền", "Loan", "Ngọc", "Nhung", "Phượng", "Quyên", "Tâm", "Thủy",
)]  # fmt: skip
STREETS = [nfc(s) for s in (
    "Trần Hưng Đạo", "Lê Lợi", "Nguyễn Trãi", "Hai Bà Trưng", "Quang Trung", "Lý Thường Kiệt",
    "Hùng Vương", "Nguyễn Huệ", "Phan Đình Phùng", "Võ Thị Sáu", "Lê Duẩn", "Điện Biên Phủ", "Ngô Quyền",
    "Trường Chinh", "Nguyễn Văn Cừ", "Bà Triệu", "Chu Văn An", "Tôn Đức Thắng", "Pasteur", "Yersin",
)]  # fmt: skip

# Incident category code -> short summaries (the place is appended: "… tại Thôn 3").
INCIDENT_SUMMARIES: dict[str, list[str]] = {
    k: [nfc(s) for s in v]
    for k, v in {
        "trom-cap": ["Trộm cắp xe máy", "Trộm cắp tài sản trong nhà dân", "Trộm điện thoại di động",
                     "Trộm cắp nông sản", "Trộm cắp tại cửa hàng"],
        "cuop-giat": ["Cướp giật túi xách", "Cướp giật điện thoại", "Cướp tài sản"],
        "danh-nhau": ["Đánh nhau gây thương tích", "Gây rối trật tự công cộng", "Xô xát sau va chạm"],
        "ma-tuy": ["Tàng trữ trái phép chất ma tuý", "Tổ chức sử dụng ma tuý", "Mua bán trái phép ma tuý"],
        "co-bac": ["Đánh bạc trái phép", "Tổ chức cá độ bóng đá", "Tổ chức đánh bạc"],
        "tin-dung-den": ["Cho vay lãi nặng", "Đòi nợ thuê, khủng bố tinh thần"],
        "lua-dao-mang": ["Lừa đảo chiếm đoạt tài sản qua mạng", "Giả danh công an gọi điện lừa đảo",
                         "Lừa đảo đầu tư tiền ảo"],
        "xam-hai-tre-em": ["Xâm hại trẻ em"],
        "vu-khi": ["Tàng trữ vũ khí trái phép", "Sử dụng công cụ hỗ trợ trái phép"],
        "chay-no": ["Cháy nhà dân", "Cháy kho hàng", "Nổ bình gas"],
        "giao-thong": ["Tai nạn giao thông", "Va chạm giao thông gây thương tích"],
        "xuat-nhap-canh": ["Xuất cảnh trái phép", "Tổ chức cho người khác xuất cảnh trái phép"],
        "bao-luc-hoc-duong": ["Bạo lực học đường", "Học sinh đánh nhau"],
        "bao-luc-gia-dinh": ["Bạo lực gia đình", "Ngược đãi người thân"],
        "buon-lau-hang-gia": ["Buôn bán hàng giả", "Vận chuyển hàng lậu"],
        "moi-truong": ["Xả thải gây ô nhiễm môi trường", "Khai thác cát trái phép"],
        "khac": ["Vụ việc khác về an ninh, trật tự"],
    }.items()
}  # fmt: skip
DEFAULT_SUMMARIES = [nfc("Vụ việc về an ninh, trật tự")]

# Tip category code -> what residents write.
TIP_TEXTS: dict[str, list[str]] = {
    k: [nfc(s) for s in v]
    for k, v in {
        "trom-cap": ["Có người lạ đi lại nhiều lần, nghi trộm xe máy", "Nhà tôi bị mất trộm tài sản ban đêm"],
        "cuop-giat": ["Hai thanh niên đi xe máy giật túi xách của người đi đường"],
        "lua-dao-mang": ["Có người gọi điện tự xưng công an yêu cầu chuyển tiền",
                         "Nhận tin nhắn mời đầu tư, nghi lừa đảo"],
        "tin-dung-den": ["Có nhóm người cho vay lãi nặng, đòi nợ bằng cách ném chất bẩn"],
        "danh-nhau": ["Nhóm thanh niên tụ tập gây gổ, đánh nhau", "Có tiếng cãi vã, xô xát lúc khuya"],
        "ma-tuy": ["Nghi có người sử dụng ma tuý trong nhà trọ", "Có người lạ mua bán gì đó lén lút"],
        "co-bac": ["Nghi có tụ điểm đánh bạc trong vườn", "Có nhóm người tổ chức cá độ bóng đá"],
        "xam-hai-tre-em": ["Nghi có trẻ em bị xâm hại"],
        "bao-luc-gia-dinh": ["Hàng xóm thường xuyên đánh vợ con"],
        "bao-luc-hoc-duong": ["Học sinh bị bạn bè đánh hội đồng, quay clip"],
        "vu-khi": ["Nghi có người tàng trữ súng tự chế"],
        "chay-no": ["Có người đốt rác sát kho hàng, nguy cơ cháy"],
        "giao-thong": ["Thanh niên đua xe, lạng lách trên đường vào ban đêm"],
        "xuat-nhap-canh": ["Có người lạ dẫn người qua biên giới trái phép"],
        "khac": ["Có việc bất thường cần công an xã biết"],
    }.items()
}  # fmt: skip
DEFAULT_TIP_TEXTS = [nfc("Có việc bất thường về an ninh, trật tự cần công an xã kiểm tra")]
OCCURRED_TEXTS = [nfc(s) for s in ("tối thứ Bảy", "khoảng nửa đêm", "sáng sớm", "chiều hôm qua", "")]
DECISION_REASONS = {
    "forwarded": nfc("Có dấu hiệu tội phạm, chuyển Cơ quan điều tra"),
    "administrative": nfc("Vi phạm hành chính, xử phạt tại xã"),
    "not_violation": nfc("Kiểm tra không có vi phạm"),
    "duplicate": nfc("Trùng với tin đã tiếp nhận"),
    "unfounded": nfc("Xác minh không có căn cứ"),
}
VALUABLE_REASON = nfc("Tin báo giúp phát hiện, xử lý vi phạm")

CAMERA_LABELS = [nfc(s) for s in (
    "Camera cổng nhà", "Camera trước cửa hàng", "Camera ngã ba", "Camera ngã tư", "Camera đầu hẻm",
    "Camera sân nhà", "Camera cổng trường", "Camera cổng công ty", "Camera chợ",
)]  # fmt: skip
CAMERA_COVERS = [nfc(s) for s in ("Cổng và một đoạn đường", "Ngã ba", "Lối vào hẻm", "Bãi xe", "")]
CONSENT_PURPOSE = nfc("Phục vụ bảo đảm an ninh, trật tự tại địa bàn")

SCHEME_DESCRIPTIONS = [nfc(s) for s in (
    "Các hộ dân cùng nhau giữ gìn an ninh, trật tự, báo tin kịp thời cho công an xã",
    "Lắp đặt và duy trì hệ thống cảnh báo, tổ chức tuần tra vào ban đêm",
    "Tuyên truyền, vận động người dân tham gia phòng, chống tội phạm",
)]  # fmt: skip
STATUS_REASONS = {
    "retired": nfc("Mô hình không còn phù hợp, đã dừng"),
    "under_review": nfc("Đang rà soát hiệu quả"),
}

ALERT_TEXTS: dict[str, tuple[str, str, str]] = {
    k: (nfc(a), nfc(b), nfc(c))
    for k, (a, b, c) in {
        "security": ("Cảnh giác đối tượng trộm cắp", "Gần đây xảy ra một số vụ trộm xe máy trên địa bàn.",
                     "Khoá xe cẩn thận, báo ngay cho công an xã khi thấy người lạ khả nghi."),
        "fire": ("Cảnh báo nguy cơ cháy", "Thời tiết hanh khô, nguy cơ cháy cao.",
                 "Không đốt rác, đốt nương gần nhà và rừng."),
        "missing": ("Tìm người đi lạc", "Một cụ ông đi lạc khỏi nhà từ sáng nay.",
                    "Ai thấy xin báo công an xã."),
        "disaster": ("Cảnh báo mưa lớn, ngập úng", "Dự báo mưa lớn trong 24 giờ tới.",
                     "Chằng chống nhà cửa, tránh khu vực trũng thấp."),
        "drill": ("Diễn tập phòng cháy chữa cháy", "Diễn tập phòng cháy chữa cháy tại nhà văn hoá.",
                  "Người dân không hoảng hốt."),
        "other": ("Thông báo của công an xã", "Công an xã thông báo lịch tiếp công dân.", ""),
    }.items()
}  # fmt: skip
CONSENT_TEXT = nfc("Tôi đồng ý nhận cảnh báo an ninh, trật tự và có thể huỷ đăng ký bất cứ lúc nào")


def person_name(rng_random: float, r2: float, r3: float, r4: float) -> tuple[str, str]:
    """(full name, gender) from four uniform numbers."""
    male = rng_random < 0.5
    surname = SURNAMES[int(r2 * len(SURNAMES))]
    middle = (MIDDLE_M if male else MIDDLE_F)[int(r3 * 10)]
    given = GIVEN_M if male else GIVEN_F
    return f"{surname} {middle} {given[int(r4 * len(given))]}", "male" if male else "female"
