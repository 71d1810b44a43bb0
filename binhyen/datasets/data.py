"""The data sets a new installation starts with (data migration 0002). Administrators edit them afterwards.

They ask for what the records cannot count and the seed articles report by hand: plans and documents
issued (Bảo Lộc 2021: «115 kế hoạch, văn bản»), steering-committee meetings, tips the people gave through
the movement's organisations (Bảo Lộc: «705 tin, 403 tin có giá trị»), people who erred helped back into
the community («cảm hoá, giáo dục người lầm lỗi»), boards and teams consolidated (seed 001: «29 Ban Bảo
vệ dân phố»), review conferences (sơ kết, tổng kết), people and collectives commended, safe and exemplary
communes (seed 001: «164/173 xã, phường, thị trấn an toàn về ANTT») and self-managed worker housing
(seed 001: «37 khu nhà công nhân tự quản»).

Every element is a figure *of the period* (how many in that month, quarter...), so figures of several
periods add up; percentages are averaged instead (see domain.element_value).
"""

from __future__ import annotations

from typing import Any

# code: (name, unit, value type, description)
ELEMENTS: dict[str, tuple[str, str, str, str]] = {
    "plans_issued": (
        "Kế hoạch, văn bản chỉ đạo về bảo đảm ANTT và xây dựng phong trào được ban hành",
        "văn bản", "integer",
        "Kế hoạch, văn bản do Công an tham mưu cấp ủy, chính quyền ban hành trong kỳ.",
    ),
    "steering_meetings": (
        "Cuộc họp Ban Chỉ đạo phòng, chống tội phạm và xây dựng phong trào",
        "cuộc", "integer", "",
    ),
    "mass_tips_received": (
        "Tin liên quan đến ANTT do quần chúng cung cấp qua các tổ chức, mô hình",
        "tin", "integer",
        "Tin nhận qua Mặt trận, đoàn thể, giáo xứ, tổ tự quản... (không tính tin báo đã ghi trên hệ thống).",
    ),
    "mass_tips_valuable": (
        "Trong đó: tin có giá trị",
        "tin", "integer", "",
    ),
    "offenders_assigned": (
        "Người lầm lỗi được giao gia đình, cộng đồng quản lý, cảm hoá, giáo dục",
        "người", "integer", "",
    ),
    "offenders_progressed": (
        "Trong đó: người đã tiến bộ, tái hoà nhập cộng đồng",
        "người", "integer", "",
    ),
    "boards_consolidated": (
        "Ban Chỉ đạo, tổ chức quần chúng bảo vệ ANTT được củng cố, kiện toàn",
        "ban, tổ", "integer",
        "Ban Chỉ đạo, Ban bảo vệ dân phố, Tổ bảo vệ ANTT ở cơ sở được củng cố, kiện toàn trong kỳ.",
    ),
    "conferences_held": (
        "Hội nghị sơ kết, tổng kết, chuyên đề về phong trào",
        "hội nghị", "integer", "",
    ),
    "collectives_commended": (
        "Tập thể được biểu dương, khen thưởng trong phong trào",
        "tập thể", "integer", "",
    ),
    "individuals_commended": (
        "Cá nhân được biểu dương, khen thưởng trong phong trào",
        "người", "integer", "",
    ),
    "security_pledges": (
        "Hộ gia đình, cơ sở kinh doanh ký cam kết bảo đảm ANTT",
        "bản", "integer", "",
    ),
    "safe_communes_pct": (
        "Tỷ lệ xã, phường, đặc khu đạt tiêu chuẩn an toàn về ANTT",
        "%", "percentage", "",
    ),
    "exemplary_communes_pct": (
        "Tỷ lệ xã, phường điển hình về phong trào toàn dân bảo vệ ANTQ",
        "%", "percentage", "",
    ),
    "models_reviewed": (
        "Mô hình phòng, chống tội phạm được sơ kết, đánh giá",
        "mô hình", "integer", "",
    ),
    "models_retired": (
        "Trong đó: mô hình bị loại bỏ do không còn phù hợp",
        "mô hình", "integer", "",
    ),
    "worker_housing_self_managed": (
        "Khu nhà trọ, nhà ở công nhân tự quản về ANTT được xây dựng",
        "khu", "integer", "",
    ),
}  # fmt: skip

# code: (name, period kind, level (1 province, 2 commune), due days, description, element codes, rules)
# A rule: (name, left, operator, right, message).
DATASETS: dict[str, tuple[str, str, int, int, str, list[str], list[tuple[str, str, str, str, str]]]] = {
    "antq_thang": (
        "Báo cáo tháng phong trào toàn dân bảo vệ ANTQ (cấp xã)",
        "police_month", 2, 5,
        "Công an xã, phường, đặc khu báo cáo theo tháng thống kê (ngày 15 tháng trước đến ngày 14).",
        ["plans_issued", "steering_meetings", "mass_tips_received", "mass_tips_valuable",
         "offenders_assigned", "offenders_progressed"],
        [
            ("Tin có giá trị không vượt tổng số tin", "mass_tips_valuable", "<=", "mass_tips_received",
             "Số tin có giá trị không thể nhiều hơn số tin quần chúng cung cấp."),
            ("Người tiến bộ không vượt số người được giao", "offenders_progressed", "<=",
             "offenders_assigned",
             "Số người lầm lỗi đã tiến bộ không thể nhiều hơn số người được giao quản lý, giáo dục."),
        ],
    ),
    "antq_quy": (
        "Báo cáo quý về xây dựng phong trào (cấp xã)",
        "police_quarter", 2, 7,
        "Củng cố tổ chức, hội nghị, khen thưởng và cam kết bảo đảm ANTT trong quý thống kê.",
        ["boards_consolidated", "conferences_held", "collectives_commended", "individuals_commended",
         "security_pledges"],
        [],
    ),
    "antq_so_ket": (
        "Báo cáo sơ kết 6 tháng, tổng kết năm phong trào (cấp tỉnh)",
        "police_half_year", 1, 15,
        "Phòng Phong trào quần chúng bảo vệ ANTQ, Công an tỉnh tổng hợp theo kỳ 6 tháng thống kê.",
        ["safe_communes_pct", "exemplary_communes_pct", "models_reviewed", "models_retired",
         "worker_housing_self_managed"],
        [
            ("Xã điển hình phải là xã an toàn", "exemplary_communes_pct", "<=", "safe_communes_pct",
             "Tỷ lệ xã điển hình không thể cao hơn tỷ lệ xã đạt tiêu chuẩn an toàn về ANTT."),
            ("Mô hình loại bỏ không vượt số được đánh giá", "models_retired", "<=", "models_reviewed",
             "Số mô hình bị loại bỏ không thể nhiều hơn số mô hình được sơ kết, đánh giá."),
        ],
    ),
}  # fmt: skip


def install(element_model: Any, dataset_model: Any, member_model: Any, rule_model: Any) -> int:
    """Create the missing default elements, data sets and rules (the data migration; tests after a flush).
    Existing rows are left as administrators made them."""
    created = 0
    elements = {}
    for code, (name, unit, value_type, description) in ELEMENTS.items():
        element, new = element_model.objects.get_or_create(
            code=code,
            defaults={"name": name, "unit": unit, "value_type": value_type, "description": description},
        )
        elements[code] = element
        created += new
    for code, (name, kind, level, due, description, members, rules) in DATASETS.items():
        dataset, new = dataset_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "period_kind": kind,
                "level": level,
                "due_days": due,
                "description": description,
            },
        )
        created += new
        if not new:
            continue
        for order, element_code in enumerate(members, start=1):
            member_model.objects.create(dataset=dataset, element=elements[element_code], order=order * 10)
        for rule_name, left, operator, right, message in rules:
            rule_model.objects.create(
                dataset=dataset, name=rule_name, left=left, operator=operator, right=right, message=message
            )
    return created
