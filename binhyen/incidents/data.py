"""The crime categories a new installation starts with. Administrators edit them afterwards.

Codes equal the tip category codes (binhyen/tips/data/categories.py) where they mean the same thing, so
an incident recorded from a tip starts with the matching category.
"""

from typing import Any

# (code, name, group, description)
CATEGORIES: list[tuple[str, str, str, str]] = [
    (
        "trom-cap",
        "Trộm cắp tài sản",
        "Tội phạm về trật tự xã hội",
        "Trộm cắp tài sản: trộm nhà, trộm xe máy, trộm nơi công cộng",
    ),
    (
        "cuop-giat",
        "Cướp, cướp giật tài sản",
        "Tội phạm về trật tự xã hội",
        "Cướp tài sản, cướp giật tài sản trên đường hoặc tại nhà",
    ),
    (
        "danh-nhau",
        "Đánh nhau, gây rối trật tự công cộng",
        "Tội phạm về trật tự xã hội",
        "Cố ý gây thương tích, ẩu đả, tụ tập gây rối trật tự công cộng",
    ),
    (
        "ma-tuy",
        "Ma tuý",
        "Ma tuý",
        "Tàng trữ, mua bán, vận chuyển, tổ chức sử dụng trái phép chất ma tuý",
    ),
    (
        "co-bac",
        "Đánh bạc, tổ chức đánh bạc",
        "Tội phạm về trật tự xã hội",
        "Đánh bạc, tổ chức đánh bạc, gá bạc, cá độ",
    ),
    (
        "tin-dung-den",
        "Cho vay lãi nặng («tín dụng đen»)",
        "Tội phạm về trật tự xã hội",
        "Cho vay lãi nặng trong giao dịch dân sự, đòi nợ trái pháp luật",
    ),
    (
        "lua-dao-mang",
        "Lừa đảo qua mạng, điện thoại",
        "Tội phạm sử dụng công nghệ cao",
        "Lừa đảo chiếm đoạt tài sản qua mạng, điện thoại; giả danh cơ quan chức năng, ngân hàng",
    ),
    (
        "xam-hai-tre-em",
        "Xâm hại, bạo lực trẻ em",
        "Tội phạm về trật tự xã hội",
        "Xâm hại tình dục, bạo hành, mua bán, bóc lột trẻ em",
    ),
    (
        "vu-khi",
        "Vũ khí, vật liệu nổ, công cụ hỗ trợ",
        "Tội phạm về trật tự xã hội",
        "Tàng trữ, mua bán, sử dụng trái phép vũ khí, vật liệu nổ, công cụ hỗ trợ, pháo",
    ),
    (
        "chay-no",
        "Cháy, nổ",
        "Cháy, nổ",
        "Vụ cháy, vụ nổ gây thiệt hại về người, tài sản",
    ),
    (
        "giao-thong",
        "Tai nạn, vi phạm trật tự giao thông",
        "Trật tự an toàn giao thông",
        "Tai nạn giao thông, đua xe trái phép, gây rối trật tự giao thông",
    ),
    (
        "xuat-nhap-canh",
        "Xuất, nhập cảnh trái phép",
        "Quản lý hành chính về trật tự xã hội",
        "Xuất cảnh, nhập cảnh, cư trú, vượt biên trái phép; tổ chức, môi giới",
    ),
    (
        "bao-luc-hoc-duong",
        "Bạo lực học đường",
        "Tội phạm về trật tự xã hội",
        "Đánh nhau, bắt nạt, làm nhục trong và quanh trường học",
    ),
    (
        "bao-luc-gia-dinh",
        "Bạo lực gia đình",
        "Tội phạm về trật tự xã hội",
        "Hành hạ, ngược đãi, đánh đập người trong gia đình",
    ),
    (
        "buon-lau-hang-gia",
        "Buôn lậu, hàng giả, gian lận thương mại",
        "Kinh tế",
        "Buôn lậu, sản xuất, buôn bán hàng giả, hàng cấm, gian lận thương mại",
    ),
    (
        "moi-truong",
        "Vi phạm về môi trường, tài nguyên",
        "Môi trường",
        "Khai thác khoáng sản, phá rừng, huỷ hoại đất, gây ô nhiễm trái phép",
    ),
    ("khac", "Vụ việc khác", "Khác", "Những vụ việc khác về an ninh, trật tự"),
]

# Used when a tip's category has no crime category of the same code.
FALLBACK = "khac"


def install(category_model: Any) -> int:
    """Create the missing default crime categories (the data migration, and tests after a flush)."""
    created = 0
    for order, (code, name, group, description) in enumerate(CATEGORIES, start=1):
        _, new = category_model.objects.get_or_create(
            code=code,
            defaults={"name": name, "group": group, "description": description, "order": order * 10},
        )
        created += new
    return created
