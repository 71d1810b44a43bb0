"""The rubrics a new installation starts with (data migration; tests after a flush). Administrators edit
them afterwards in the admin.

- `phong-trao-xa`: the 100-point classification of the movement «Toàn dân bảo vệ an ninh Tổ quốc» for a
  commune or ward: leadership, outreach, schemes, mass organisations and security teams, tips and crime
  handling, the crime and social-evil situation, awards; two disqualifying checks (not met: classified
  «Yếu» whatever the points).
- `an-toan-khu-dan-cu`, `an-toan-xa`, `an-toan-co-quan`, `an-toan-truong-hoc`: the standard «An toàn về an
  ninh, trật tự» of Thông tư 124/2021/TT-BCA (as amended) for residential areas, communes, agencies and
  enterprises, and schools. The circular requires every criterion, so `pass_percent` is 100; the
  «không để xảy ra» criteria are marked disqualifying. The wording is a faithful summary for data entry,
  not the legal text.
"""

from __future__ import annotations

from typing import Any

LEGAL_BASIS_SAFETY = "Thông tư số 124/2021/TT-BCA ngày 28/12/2021 của Bộ Công an (đã được sửa đổi, bổ sung)"
LEGAL_BASIS_MOVEMENT = (
    "Hướng dẫn chấm điểm, phân loại phong trào Toàn dân bảo vệ an ninh Tổ quốc "
    "(mẫu, chỉnh sửa theo địa phương)"
)

MOVEMENT_CLASSES: list[dict[str, Any]] = [
    {"code": "excellent", "label": "Xuất sắc", "min": 90},
    {"code": "good", "label": "Khá", "min": 70},
    {"code": "average", "label": "Trung bình", "min": 50},
    {"code": "weak", "label": "Yếu", "min": 0},
]

# An item: (code, text, kind, max points, disqualifying, evidence required, guidance)
Item = tuple[str, str, str, float, bool, bool, str]
Section = tuple[str, str, list[Item]]


def _p(code: str, text: str, points: float, evidence: bool = False, guidance: str = "") -> Item:
    return (code, text, "points", points, False, evidence, guidance)


def _c(code: str, text: str, disqualifying: bool = False, evidence: bool = False, guidance: str = "") -> Item:
    return (code, text, "check", 0, disqualifying, evidence, guidance)


MOVEMENT_SECTIONS: list[Section] = [
    ("A", "Công tác lãnh đạo, chỉ đạo", [
        _p("A1", "Đảng uỷ ban hành nghị quyết, Uỷ ban nhân dân xã ban hành kế hoạch về bảo đảm an ninh, trật "
           "tự và xây dựng phong trào ngay trong quý I", 4, True,
           "Đủ nghị quyết và kế hoạch trong quý I: 4 điểm; ban hành sau quý I: 2 điểm; không có: 0 điểm. "
           "Bằng chứng: số, ngày văn bản."),
        _p("A2", "Kiện toàn Ban Chỉ đạo phòng, chống tội phạm, tệ nạn xã hội và xây dựng phong trào toàn dân "
           "bảo vệ an ninh Tổ quốc; phân công nhiệm vụ từng thành viên; họp định kỳ", 4, True,
           "Có quyết định kiện toàn và biên bản họp định kỳ hằng quý."),
        _p("A3", "Sơ kết 6 tháng, tổng kết năm; báo cáo đầy đủ, đúng thời hạn", 4),
        _p("A4", "Đăng ký phấn đấu đạt tiêu chuẩn «An toàn về an ninh, trật tự»; hộ gia đình ký cam kết", 3),
    ]),
    ("B", "Tuyên truyền, vận động quần chúng", [
        _p("B1", "Tổ chức tuyên truyền pháp luật, phòng, chống tội phạm, ma tuý, lừa đảo qua mạng (số buổi, "
           "số lượt người, tờ rơi)", 5, False,
           "Theo sổ buổi tuyên truyền; mỗi thôn, tổ dân phố ít nhất 2 buổi trong năm: 5 điểm."),
        _p("B2", "Tổ chức Ngày hội Toàn dân bảo vệ an ninh Tổ quốc (19/8) ở xã và các khu dân cư", 5, True),
        _p("B3", "Phối hợp Mặt trận Tổ quốc và các đoàn thể vận động nhân dân tham gia; thông tin trên loa "
           "truyền thanh, mạng xã hội", 5),
    ]),
    ("C", "Xây dựng, nhân rộng mô hình", [
        _p("C1", "Duy trì ít nhất 01 mô hình tự phòng, tự quản, tự bảo vệ hoạt động hiệu quả", 6, True,
           "Bằng chứng: tên mô hình, nơi thực hiện, kết quả trong kỳ."),
        _p("C2", "Xây dựng mới hoặc nhân rộng mô hình (camera an ninh, tiếng kẻng an ninh, tổ liên gia tự "
           "quản, hẻm an toàn...)", 5),
        _p("C3", "Rà soát, đánh giá hiệu quả mô hình; củng cố hoặc dừng mô hình không còn phù hợp", 4),
    ]),
    ("D", "Lực lượng quần chúng, tổ bảo vệ an ninh, trật tự", [
        _p("D1", "Kiện toàn, duy trì Tổ bảo vệ an ninh, trật tự ở cơ sở (Luật số 30/2023/QH15); bảo đảm chế "
           "độ, trang bị", 6),
        _p("D2", "Tổ tự quản, tổ hoà giải, đội dân phòng hoạt động thường xuyên", 5),
        _p("D3", "Bồi dưỡng, tập huấn nghiệp vụ cho lực lượng tham gia bảo vệ an ninh, trật tự", 4),
    ]),
    ("E", "Tin báo, phòng ngừa và đấu tranh với tội phạm", [
        _p("E1", "Tiếp nhận, phân loại, giải quyết tin báo, tố giác về tội phạm đúng thời hạn; tỷ lệ tin có "
           "giá trị", 6),
        _p("E2", "Phối hợp phát hiện, bắt giữ, vận động đầu thú; thu hồi vũ khí, vật liệu nổ, công cụ hỗ trợ",
           5),
        _p("E3", "Quản lý, giáo dục, giúp đỡ người lầm lỗi tại cộng đồng; hỗ trợ người chấp hành xong án "
           "phạt tù tái hoà nhập", 5),
        _p("E4", "Hoà giải thành các mâu thuẫn, tranh chấp ở cơ sở", 4),
    ]),
    ("F", "Tình hình tội phạm, tệ nạn xã hội, an ninh, trật tự", [
        _p("F1", "Tội phạm về trật tự xã hội giảm so với cùng kỳ năm trước", 5),
        _p("F2", "Không phát sinh điểm, tụ điểm phức tạp về ma tuý; người nghiện, người sử dụng trái phép "
           "chất ma tuý được quản lý", 4),
        _p("F3", "Không để xảy ra cháy, nổ, tai nạn giao thông nghiêm trọng do nguyên nhân chủ quan", 3),
        _p("F4", "Không có khiếu kiện đông người, vượt cấp trái pháp luật", 3),
    ]),
    ("G", "Thi đua, khen thưởng", [
        _p("G1", "Tập thể, cá nhân được khen thưởng trong phong trào; đề nghị khen thưởng kịp thời", 5),
    ]),
    ("H", "Tiêu chí loại trừ", [
        _c("H1", "Không để xảy ra vụ việc phức tạp về an ninh, trật tự, gây rối, tụ tập đông người trái pháp "
           "luật kéo dài", True),
        _c("H2", "Không để xảy ra tội phạm đặc biệt nghiêm trọng mà không được điều tra, khám phá", True),
    ]),
]  # fmt: skip

# The «không để xảy ra» criteria all four kinds of unit share.
_NO_SERIOUS_EVENTS: list[Item] = [
    _c("2.1", "Không để xảy ra hoạt động chống Đảng, chống chính quyền, phá hoại khối đại đoàn kết toàn "
       "dân tộc, hoạt động ly khai, đòi tự trị", True),
    _c("2.2", "Không để xảy ra tụ tập đông người, gây rối an ninh, trật tự, khiếu kiện đông người trái pháp "
       "luật", True),
    _c("2.3", "Không để xảy ra tội phạm nghiêm trọng trở lên mà không được phát hiện, điều tra làm rõ", True),
    _c("2.4", "Không để xảy ra cháy, nổ nghiêm trọng do nguyên nhân chủ quan", True),
]  # fmt: skip

SAFETY_RUBRICS: list[tuple[str, str, str, list[Section]]] = [
    ("an-toan-khu-dan-cu", "Khu dân cư đạt tiêu chuẩn «An toàn về an ninh, trật tự»", "residential", [
        ("1", "Đăng ký và triển khai", [
            _c("1.1", "Quý I, chi bộ có nghị quyết, khu dân cư đăng ký phấn đấu đạt tiêu chuẩn; 100% hộ gia "
               "đình thường xuyên sinh sống trên địa bàn đăng ký tham gia", evidence=True,
               guidance="Bằng chứng: nghị quyết chi bộ, bản đăng ký, danh sách hộ ký cam kết."),
            _c("1.2", "Triển khai, thực hiện đầy đủ chủ trương của Đảng, chính sách, pháp luật của Nhà nước, "
               "quy định của địa phương về bảo đảm an ninh, trật tự"),
        ]),
        ("2", "Không để xảy ra (tiêu chí loại trừ)", _NO_SERIOUS_EVENTS),
        ("3", "Kết quả bảo đảm an ninh, trật tự", [
            _c("3.1", "Tội phạm, tệ nạn xã hội và vi phạm pháp luật khác được kiềm chế, giảm so với năm "
               "trước; không phát sinh điểm, tụ điểm phức tạp về ma tuý"),
            _c("3.2", "Mâu thuẫn, tranh chấp trong nội bộ nhân dân được hoà giải kịp thời, không để phát "
               "sinh thành vụ việc hình sự"),
        ]),
        ("4", "Mô hình và lực lượng", [
            _c("4.1", "Có ít nhất 01 mô hình tự phòng, tự quản, tự bảo vệ hoạt động hiệu quả; Tổ bảo vệ an "
               "ninh, trật tự ở cơ sở hoạt động hiệu quả"),
        ]),
    ]),
    ("an-toan-xa", "Xã, phường đạt tiêu chuẩn «An toàn về an ninh, trật tự»", "commune", [
        ("1", "Lãnh đạo, chỉ đạo", [
            _c("1.1", "Quý I, Đảng uỷ có nghị quyết, Uỷ ban nhân dân có kế hoạch về bảo đảm an ninh, trật tự "
               "và đăng ký phấn đấu đạt tiêu chuẩn", evidence=True),
            _c("1.2", "Xây dựng, củng cố hoặc duy trì ít nhất 01 mô hình phong trào toàn dân bảo vệ an ninh "
               "Tổ quốc ở cơ sở hoạt động hiệu quả"),
            _c("1.3", "Công an xã chủ động nắm chắc tình hình, tham mưu cấp uỷ, chính quyền các biện pháp "
               "bảo đảm an ninh, trật tự; không có cá nhân vi phạm bị xử lý kỷ luật"),
        ]),
        ("2", "Không để xảy ra (tiêu chí loại trừ)", _NO_SERIOUS_EVENTS),
        ("3", "Kết quả bảo đảm an ninh, trật tự", [
            _c("3.1", "Tội phạm, tệ nạn xã hội và vi phạm pháp luật khác được kiềm chế, giảm so với "
               "năm trước"),
            _c("3.2", "Có từ 70% số khu dân cư trở lên được công nhận đạt tiêu chuẩn «An toàn về an ninh, "
               "trật tự»", evidence=True,
               guidance="Trang đánh giá hiện tỷ lệ khu dân cư đạt theo kết quả đã phê duyệt của kỳ "
               "cùng năm."),
        ]),
    ]),
    ("an-toan-co-quan", "Cơ quan, doanh nghiệp đạt tiêu chuẩn «An toàn về an ninh, trật tự»", "agency", [
        ("1", "Kế hoạch và tổ chức", [
            _c("1.1", "Quý I, có kế hoạch bảo đảm an ninh, trật tự và đăng ký phấn đấu đạt tiêu chuẩn; có "
               "nội quy, quy chế bảo vệ cơ quan, doanh nghiệp", evidence=True),
            _c("1.2", "Có lực lượng bảo vệ, tổ tự quản hoạt động hiệu quả; thực hiện tốt phòng cháy, chữa "
               "cháy và bảo vệ bí mật nhà nước"),
            _c("1.3", "Phối hợp với Công an xã nắm tình hình, tuyên truyền pháp luật cho cán bộ, người lao "
               "động"),
        ]),
        ("2", "Không để xảy ra (tiêu chí loại trừ)", [
            *_NO_SERIOUS_EVENTS,
            _c("2.5", "Không để xảy ra đình công, ngừng việc tập thể trái pháp luật; tai nạn lao động nghiêm "
               "trọng do nguyên nhân chủ quan", True),
        ]),
        ("3", "Cán bộ, người lao động", [
            _c("3.1", "Cán bộ, người lao động không vi phạm pháp luật bị truy cứu trách nhiệm hình sự, không "
               "mắc tệ nạn xã hội"),
        ]),
    ]),
    ("an-toan-truong-hoc", "Nhà trường (cơ sở giáo dục) đạt tiêu chuẩn «An toàn về an ninh, trật tự»",
     "school", [
        ("1", "Kế hoạch và tổ chức", [
            _c("1.1", "Đầu năm học có kế hoạch bảo đảm an ninh, trật tự và đăng ký phấn đấu đạt tiêu chuẩn; "
               "có tổ bảo vệ an ninh, trật tự trường học", evidence=True),
            _c("1.2", "Tuyên truyền, giáo dục pháp luật, kỹ năng phòng, chống ma tuý, lừa đảo, xâm hại, bạo "
               "lực học đường"),
            _c("1.3", "Phối hợp Công an xã và gia đình quản lý học sinh; bảo đảm trật tự khu vực cổng "
               "trường"),
        ]),
        ("2", "Không để xảy ra (tiêu chí loại trừ)", [
            *_NO_SERIOUS_EVENTS,
            _c("2.5", "Không để xảy ra bạo lực học đường nghiêm trọng, ngộ độc thực phẩm nghiêm trọng do "
               "nguyên nhân chủ quan", True),
        ]),
        ("3", "Cán bộ, giáo viên, học sinh", [
            _c("3.1", "Cán bộ, giáo viên, học sinh không vi phạm pháp luật bị truy cứu trách nhiệm hình sự; "
               "không có người sử dụng, mua bán trái phép chất ma tuý"),
        ]),
    ]),
]  # fmt: skip


def _install_one(
    models: dict[str, Any],
    code: str,
    defaults: dict[str, Any],
    sections: list[Section],
) -> int:
    rubric_model, section_model, item_model = models["rubric"], models["section"], models["item"]
    rubric, created = rubric_model.objects.get_or_create(code=code, defaults=defaults)
    if not created:
        return 0
    for s_order, (s_code, title, items) in enumerate(sections, start=1):
        section = section_model.objects.create(rubric=rubric, code=s_code, title=title, order=s_order * 10)
        for i_order, (i_code, text, kind, points, disq, evidence, guidance) in enumerate(items, start=1):
            item_model.objects.create(
                rubric=rubric,
                section=section,
                code=i_code,
                text=text,
                guidance=guidance,
                kind=kind,
                max_points=points,
                disqualifying=disq,
                evidence_required=evidence,
                order=i_order * 10,
            )
    return 1


def install(rubric_model: Any, section_model: Any, item_model: Any) -> int:
    """Create the default rubrics that are missing (an existing code is left as the admin edited it)."""
    models = {"rubric": rubric_model, "section": section_model, "item": item_model}
    created = _install_one(
        models,
        "phong-trao-xa",
        {
            "name": "Chấm điểm, phân loại phong trào Toàn dân bảo vệ an ninh Tổ quốc (xã, phường)",
            "kind": "movement",
            "unit_kinds": "commune",
            "legal_basis": LEGAL_BASIS_MOVEMENT,
            "description": "Thang điểm 100; xếp loại Xuất sắc, Khá, Trung bình, Yếu.",
            "total_points": 100,
            "settings": {"classes": MOVEMENT_CLASSES, "disqualified_class": "weak"},
            "order": 10,
        },
        MOVEMENT_SECTIONS,
    )
    for order, (code, name, unit_kind, sections) in enumerate(SAFETY_RUBRICS, start=2):
        created += _install_one(
            models,
            code,
            {
                "name": name,
                "kind": "safety",
                "unit_kinds": unit_kind,
                "legal_basis": LEGAL_BASIS_SAFETY,
                "description": "Đạt khi đạt đủ các tiêu chí; tiêu chí loại trừ không đạt thì không đạt.",
                "settings": {"pass_percent": 100},
                "order": order * 10,
            },
            sections,
        )
    return created
