"""The scheme types (loại mô hình) a new installation starts with: those the seeds and DOMAIN.md name.
Administrators edit them afterwards."""

from typing import Any

# (code, name, description)
TYPES: list[tuple[str, str, str]] = [
    (
        "camera-an-ninh",
        "Camera an ninh",
        "«Mắt camera» giám sát an ninh, trật tự, chủ yếu do nhân dân đóng góp",
    ),
    (
        "tuan-tra-tu-quan",
        "Tổ tuần tra tự quản",
        "Tổ tuần tra tự quản, tuần tra an ninh trật tự, đội tuần tra nghĩa vụ",
    ),
    ("tieng-keng-an-ninh", "Tiếng kẻng an ninh", "Tiếng kẻng báo động gọi người dân cùng truy bắt, ứng cứu"),
    ("chuong-canh-bao", "Tiếng chuông cảnh báo", "Chuông cảnh báo tại hộ gia đình, cửa hàng, khu dân cư"),
    (
        "dan-phong-pccc",
        "Đội dân phòng, PCCC và CNCH",
        "Đội dân phòng; phòng cháy, chữa cháy và cứu nạn, cứu hộ",
    ),
    (
        "doi-gao-lay-vu-khi",
        "Đổi gạo lấy vũ khí",
        "Vận động giao nộp vũ khí, vật liệu nổ, công cụ hỗ trợ để đổi gạo",
    ),
    ("hem-an-toan", "Hẻm, ngõ phố an toàn", "Hẻm, ngõ phố an toàn về an ninh, trật tự"),
    (
        "clb-khong-toi-pham",
        "Câu lạc bộ «không tội phạm»",
        "Câu lạc bộ, khu dân cư không có tội phạm và tệ nạn xã hội",
    ),
    (
        "nha-tro-tu-quan",
        "Khu nhà trọ công nhân tự quản",
        "Khu nhà trọ, nhà ở công nhân tự quản về an ninh, trật tự",
    ),
    (
        "bon-an-toan",
        "Cơ quan, trường học «4 an toàn»",
        "Cơ quan, doanh nghiệp, bệnh viện, trường học đạt chuẩn «4 an toàn»",
    ),
    (
        "ket-noi-gia-dinh",
        "Mạng xã hội kết nối gia đình",
        "Nhóm Zalo, mạng xã hội kết nối nhà trường, công an với gia đình",
    ),
    ("xa-khong-ma-tuy", "Xã, phường không ma tuý", "Xã, phường, khu dân cư không có ma tuý"),
    ("to-lien-gia-tu-quan", "Tổ liên gia tự quản", "Tổ liên gia, tổ nhân dân tự quản về an ninh, trật tự"),
    ("to-hoa-giai", "Tổ hoà giải", "Tổ hoà giải ở cơ sở, giải quyết mâu thuẫn, tranh chấp"),
    (
        "to-bao-ve-antt",
        "Tổ bảo vệ an ninh, trật tự ở cơ sở",
        "Ban, tổ bảo vệ dân phố; tổ bảo vệ an ninh, trật tự (từ 7/2024)",
    ),
    (
        "cam-hoa-giao-duc",
        "Cảm hoá, giáo dục người lầm lỗi",
        "Giúp đỡ, cảm hoá, giáo dục người lầm lỗi tại cộng đồng",
    ),
    ("khac", "Mô hình khác", "Các mô hình tự phòng, tự quản, tự bảo vệ khác"),
]


def install(type_model: Any) -> int:
    """Create the missing default scheme types (the data migration, and tests after a flush)."""
    created = 0
    for order, (code, name, description) in enumerate(TYPES, start=1):
        _, new = type_model.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "order": order * 10}
        )
        created += new
    return created
