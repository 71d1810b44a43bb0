"""The organisation types a new installation starts with. Administrators edit them afterwards."""

from typing import Any

SECURITY_TEAM = "to-bao-ve-antt"
MEDIATION = "to-hoa-giai"

# (code, name, description, has_age_rule, single_leader, is_mediation, roles)
TYPES: list[tuple[str, str, str, bool, bool, bool, str]] = [
    (SECURITY_TEAM, "Tổ bảo vệ an ninh, trật tự",
     "Lực lượng tham gia bảo vệ ANTT ở cơ sở (Luật số 30/2023/QH15): tổ trưởng, tổ phó, tổ viên; "
     "phụ trách một hoặc nhiều thôn, tổ dân phố", True, True, False, "leader,deputy,member"),
    ("ban-bao-ve-dan-pho", "Ban bảo vệ dân phố", "Ban bảo vệ dân phố ở phường, thị trấn",
     False, True, False, "leader,deputy,member"),
    ("to-tu-quan", "Tổ tự quản", "Tổ, nhóm tự quản về an ninh, trật tự", False, False, False,
     "leader,deputy,member"),
    ("to-lien-gia", "Tổ liên gia", "Tổ liên gia an toàn, tổ liên gia tự quản", False, False, False,
     "leader,deputy,member"),
    (MEDIATION, "Tổ hoà giải", "Tổ hoà giải ở cơ sở (Luật Hoà giải ở cơ sở 2013)", False, True, True,
     "leader,member,secretary"),
    ("doi-pccc", "Đội dân phòng, PCCC", "Đội dân phòng, đội phòng cháy chữa cháy cơ sở", False, True,
     False, "leader,deputy,member"),
    ("doi-tuan-tra", "Đội tuần tra", "Tổ, đội tuần tra nhân dân", False, True, False,
     "leader,deputy,member"),
    ("cau-lac-bo", "Câu lạc bộ", "Câu lạc bộ về an ninh, trật tự, phòng chống tội phạm", False, False,
     False, "leader,deputy,member,secretary"),
    ("to-cong-nhan-tu-quan", "Tổ công nhân tự quản", "Tổ công nhân tự quản ở khu nhà trọ, khu công nghiệp",
     False, False, False, "leader,deputy,member"),
]  # fmt: skip


def install(type_model: Any) -> int:
    """Create the missing default organisation types (the data migration, and tests after a flush)."""
    created = 0
    for order, (code, name, description, age_rule, single, mediation, roles) in enumerate(TYPES, start=1):
        _, new = type_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "has_age_rule": age_rule,
                "single_leader": single,
                "is_mediation": mediation,
                "roles": roles,
                "order": order * 10,
            },
        )
        created += new
    return created
