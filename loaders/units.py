"""Budget units: a stable id from the printed name, and the administrative level it sits at."""
from __future__ import annotations

import hashlib
import re

_MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
_PROVINCE = re.compile(r"^(.{2,3}?(?:省|自治区))")


def unit_id_of(unit_name: str | None, unit_code: str | None = None) -> str | None:
    """Stable across reloads: derived from the unit's printed name (whitespace removed)."""
    if not unit_name:
        return None
    key = re.sub(r"\s+", "", unit_name)
    return "U" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:15]


def admin_level_and_region(unit_name: str | None) -> tuple[str | None, str | None]:
    """(province/city/county/township, region prefix) read off the unit's name.

    山西省小企业发展促进局 -> (province, 山西省); 晋中市工业和信息化局 -> (city, 晋中市);
    曲沃县… -> (county, 曲沃县); 上海市普陀区财政局 -> (county, 上海市普陀区)."""
    if not unit_name:
        return None, None
    name = re.sub(r"\s+", "", unit_name)
    muni = next((m for m in _MUNICIPALITIES if name.startswith(m)), None)
    if muni:
        rest = name[len(muni):]
        m = re.match(r"^(.{1,4}?(?:区|县))", rest)
        if m:
            return "county", muni + m.group(1)
        return "province", muni
    m = _PROVINCE.match(name)
    prov = m.group(1) if m else ""
    rest = name[len(prov):]
    mc = re.match(r"^(.{2,5}?(?:市|自治州|地区|盟))", rest)
    if mc:
        city = mc.group(1)
        rest2 = rest[len(city):]
        mco = re.match(r"^(.{1,5}?(?:县|区|旗))", rest2)
        if mco and not rest2.startswith(("区域", "县域")):
            return "county", prov + city + mco.group(1)
        return "city", prov + city
    mco = re.match(r"^(.{1,4}?(?:县|旗))", rest)
    if mco:
        return "county", prov + mco.group(1)
    if prov:
        return "province", prov
    return None, None
