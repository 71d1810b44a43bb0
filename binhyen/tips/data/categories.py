"""The tip categories a new installation starts with; each is an Open311 service. Administrators edit
them afterwards in the admin. Fields: code, name, description, group, and keywords (comma-separated
phrases that SMS and chat messages are matched against)."""

from typing import Any

CATEGORIES = [
    (
        "trom-cap",
        "Trộm cắp tài sản",
        "Trộm nhà, trộm xe, trộm tài sản nơi công cộng",
        "Tội phạm về tài sản",
        "trộm, mất trộm, bẻ khoá, cạy cửa, mất xe",
    ),
    (
        "cuop-giat",
        "Cướp, cướp giật",
        "Cướp, cướp giật tài sản trên đường hoặc tại nhà",
        "Tội phạm về tài sản",
        "cướp, giật túi, giật dây chuyền, giật điện thoại",
    ),
    (
        "lua-dao-mang",
        "Lừa đảo qua mạng, điện thoại",
        "Giả danh công an, ngân hàng; lừa chuyển tiền",
        "Tội phạm công nghệ cao",
        "lừa đảo, chuyển tiền, giả danh, mạo danh",
    ),
    (
        "tin-dung-den",
        "Cho vay nặng lãi, «tín dụng đen»",
        "Cho vay lãi cao, đòi nợ kiểu xã hội đen",
        "Trật tự xã hội",
        "vay nặng lãi, tín dụng đen, đòi nợ, vay tiền",
    ),
    (
        "danh-nhau",
        "Đánh nhau, gây rối trật tự công cộng",
        "Ẩu đả, tụ tập gây rối, gây mất trật tự",
        "Trật tự xã hội",
        "đánh nhau, gây rối, ẩu đả, hỗn chiến",
    ),
    ("ma-tuy", "Ma tuý", "Sử dụng, mua bán, tàng trữ trái phép chất ma tuý", "Ma tuý",
     "ma tuý, ma túy, chích, hút, thuốc lắc, cần sa"),
    ("co-bac", "Cờ bạc, cá độ", "Đánh bạc, tổ chức đánh bạc, cá độ", "Trật tự xã hội",
     "cờ bạc, đánh bạc, cá độ, xóc đĩa, lô đề"),
    (
        "xam-hai-tre-em",
        "Xâm hại, bạo lực trẻ em",
        "Xâm hại tình dục, bạo hành, bóc lột trẻ em",
        "Bảo vệ trẻ em",
        "xâm hại, trẻ em, dâm ô, bạo hành trẻ",
    ),
    (
        "bao-luc-gia-dinh",
        "Bạo lực gia đình",
        "Đánh đập, ngược đãi người trong gia đình",
        "Trật tự xã hội",
        "bạo lực gia đình, đánh vợ, đánh chồng",
    ),
    (
        "bao-luc-hoc-duong",
        "Bạo lực học đường",
        "Đánh nhau, bắt nạt trong và quanh trường học",
        "Bảo vệ trẻ em",
        "bạo lực học đường, học sinh đánh nhau, bắt nạt",
    ),
    (
        "vu-khi",
        "Vũ khí, vật liệu nổ, công cụ hỗ trợ",
        "Tàng trữ, mua bán, sử dụng trái phép",
        "Vũ khí, vật liệu nổ",
        "súng, vũ khí, pháo, thuốc nổ, kiếm, mã tấu",
    ),
    (
        "chay-no",
        "Cháy, nổ; nguy cơ cháy nổ",
        "Đám cháy, vụ nổ, nơi có nguy cơ cháy nổ",
        "Phòng cháy, chữa cháy",
        "cháy, nổ, hoả hoạn, khói",
    ),
    (
        "giao-thong",
        "Vi phạm trật tự giao thông",
        "Đua xe trái phép, lạng lách, chắn đường",
        "Trật tự giao thông",
        "đua xe, lạng lách, tai nạn giao thông",
    ),
    (
        "xuat-nhap-canh",
        "Xuất nhập cảnh trái phép",
        "Xuất, nhập cảnh, cư trú trái phép",
        "Quản lý hành chính",
        "xuất cảnh, nhập cảnh, vượt biên, người nước ngoài",
    ),
    ("khac", "Vụ việc khác về an ninh, trật tự", "Những vụ việc khác cần công an xã biết", "Khác", ""),
]


def install(category_model: Any) -> int:
    """Create the missing default categories (the data migration, and tests after a flush, call this)."""
    created = 0
    for order, (code, name, description, group, keywords) in enumerate(CATEGORIES, start=1):
        _, new = category_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "group": group,
                "keywords": keywords,
                "order": order * 10,
            },
        )
        created += new
    return created
