"""Indicator keys: the same indicator worded differently in different plans lands on one key.

How: the indicator (normalised, accent-folded, lower case) is matched against an ordered table of
concepts, each a few accent-free word patterns ("bao hiem that nghiep" before "bao hiem xa hoi"; "tỷ
lệ bao phủ bảo hiểm y tế", "dân số tham gia bảo hiểm y tế" and "độ bao phủ BHYT toàn dân" all → ``bhyt``).
The first concept that matches, plus a level where the concept has levels (school: tiểu học / THCS /
THPT) and the scope (thành thị / nông thôn), is the key: "nuoc_sach/nong_thon". An indicator that no
concept matches keys on its first five content syllables, so it is compared only with the same wording.
"""

from __future__ import annotations

import re

from vntext.normalize import fold, normalize

__all__ = ["key_of", "CONCEPTS", "label_of"]

# (key, accent-free pattern, label) — order matters: the more specific first.
CONCEPTS: tuple[tuple[str, str, str], ...] = (
    ("bhxh_tu_nguyen", r"bao hiem xa hoi tu nguyen|bhxh tu nguyen", "Tham gia BHXH tự nguyện"),
    ("huu_tri", r"nghi huu|luong huu|huu tri", "Người sau tuổi nghỉ hưu hưởng lương hưu, trợ cấp"),
    ("hai_long", r"hai long", "Mức độ hài lòng"),
    ("bhtn", r"bao hiem that nghiep|bhtn", "Tham gia bảo hiểm thất nghiệp"),
    ("bhxh", r"bao hiem xa hoi|bhxh", "Tham gia bảo hiểm xã hội"),
    ("cham_soc_ban_dau", r"cham soc ban dau|benh ban dau", "Chăm sóc ban đầu được BHYT chi trả"),
    ("bhyt", r"bao hiem y te|bhyt", "Bao phủ bảo hiểm y tế"),
    ("that_nghiep", r"that nghiep|khong co viec lam", "Tỉ lệ thất nghiệp"),
    ("thoi_gian_lao_dong", r"thoi gian lao dong", "Sử dụng thời gian lao động"),
    ("lao_dong_dao_tao", r"qua dao tao", "Lao động qua đào tạo"),
    ("nuoc_thai_thu_gom", r"thu gom nuoc thai", "Thu gom nước thải sinh hoạt"),
    ("nuoc_thai_xu_ly", r"nuoc thai", "Nước thải sinh hoạt được xử lý"),
    ("nuoc_sach", r"nuoc sach|nuoc hop ve sinh", "Nước sạch"),
    ("cong_trinh_ve_sinh", r"ve sinh", "Công trình vệ sinh"),
    ("nha_o_xa_hoi", r"nha o xa hoi", "Nhà ở xã hội"),
    ("nha_o_cong_nhan", r"nha o (?:cho )?cong nhan|cong nhan lao dong", "Nhà ở cho công nhân"),
    ("nha_tam", r"nha tam|dot nat", "Xóa nhà tạm, nhà dột nát"),
    ("nha_o_nguoi_co_cong", r"co cong.*nha o|nha o.*co cong", "Hỗ trợ nhà ở người có công"),
    ("dien_tich_nha_o", r"dien tich", "Diện tích nhà ở bình quân"),
    ("tiem_chung", r"tiem chung", "Tiêm chủng mở rộng"),
    ("suy_dinh_duong", r"suy dinh duong", "Suy dinh dưỡng trẻ em dưới 5 tuổi"),
    ("tuoi_tho", r"tuoi tho", "Tuổi thọ trung bình"),
    ("nam_song_khoe", r"song khoe", "Số năm sống khỏe"),
    ("giuong_benh", r"giuong benh", "Giường bệnh / 10.000 dân"),
    ("bac_si", r"bac si", "Bác sĩ / 10.000 dân"),
    ("duoc_si", r"duoc si", "Dược sĩ / 10.000 dân"),
    ("dieu_duong", r"dieu duong", "Điều dưỡng viên / 10.000 dân"),
    ("hdi", r"phat trien con nguoi|\bhdi\b", "Chỉ số phát triển con người (HDI)"),
    ("quan_ly_suc_khoe", r"quan ly suc khoe", "Dân số được quản lý sức khỏe"),
    ("di_hoc_dung_tuoi", r"dung do tuoi", "Đi học đúng độ tuổi"),
    ("mau_giao", r"mau giao", "Trẻ em học mẫu giáo"),
    ("mu_chu", r"mu chu", "Đạt chuẩn xóa mù chữ"),
    ("chuan_y_te", r"chuan quoc gia ve y te", "Xã, phường đạt chuẩn quốc gia về y tế"),
    ("nguoi_khuyet_tat", r"khuyet tat", "Người khuyết tật được trợ giúp"),
    ("nguoi_co_cong", r"co cong", "Người có công được chăm lo"),
    ("tro_cap_xa_hoi", r"tro cap xa hoi|tro giup", "Trợ cấp, trợ giúp xã hội"),
    ("ho_ngheo", r"ho ngheo", "Hộ nghèo"),
    ("viec_lam", r"viec lam", "Giải quyết việc làm"),
    ("thu_nhap", r"thu nhap binh quan", "Thu nhập bình quân đầu người"),
    ("van_hoa", r"van hoa|phat thanh|truyen hinh", "Hưởng thụ văn hóa, phát thanh, truyền hình"),
    ("thong_tin", r"thong tin", "Tiếp cận thông tin"),
)
_COMPILED = tuple((k, re.compile(p), label) for k, p, label in CONCEPTS)
_LEVELS = (("tieu_hoc", r"tieu hoc"), ("thcs", r"trung hoc co so"), ("thpt", r"trung hoc pho thong"))
_SCOPES = {"thành thị": "thanh_thi", "nông thôn": "nong_thon"}
_STOP = {"ti", "le", "so", "cac", "duoc", "cua", "co", "va", "nguoi", "dan", "dat", "trong", "tren", "cho"}


def key_of(indicator_norm: str, scope: str = "") -> str:
    """ "tỉ lệ dân số được cấp nước sạch bảo đảm quy chuẩn, khu vực nông thôn" → "nuoc_sach/nong_thon"."""
    folded = fold(normalize(indicator_norm)).lower()
    for key, pattern, _ in _COMPILED:
        if pattern.search(folded):
            parts = [key]
            parts += [name for name, p in _LEVELS if key == "di_hoc_dung_tuoi" and re.search(p, folded)][:1]
            if scope in _SCOPES:
                parts.append(_SCOPES[scope])
            return "/".join(parts)
    words = [w for w in re.findall(r"[a-z0-9]+", folded) if w not in _STOP][:5]
    return "_".join(words) + (f"/{_SCOPES[scope]}" if scope in _SCOPES else "")


def label_of(key: str) -> str:
    """A readable name for a key: "Nước sạch — nông thôn"."""
    head, *rest = key.split("/")
    label = next((lab for k, _, lab in CONCEPTS if k == head), head.replace("_", " "))
    names = {"tieu_hoc": "tiểu học", "thcs": "trung học cơ sở", "thpt": "trung học phổ thông",
             "thanh_thi": "thành thị", "nong_thon": "nông thôn"}
    return " — ".join([label] + [names.get(r, r) for r in rest])
