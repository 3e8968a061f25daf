"""Label matching tables: printed Chinese labels (as label keys) to codebook codes.

This is the one place where Chinese strings live in code. Keys are compared after ``label_key`` (NFKC, no
whitespace, no punctuation), so "1、" and "1." and "三安全一稳定" in any quotes all match.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nianbao import codebook
from nianbao.normalize import label_key, squeeze

# Section headings: the numeral that opens the heading, and words of which its text must contain one. Section 四
# names both review and litigation, so either will do: Pingtan 2022 misprints "行政法复议".
SECTION_HEADINGS = {
    "一": ("总体情况",),
    "二": ("主动公开政府信息",),
    "三": ("收到和处理政府信息公开申请",),
    "四": ("行政复议", "行政诉讼"),
    "五": ("存在的主要问题",),
    "六": ("其他需要报告",),
}

_AFTER_NUMERAL = "、.．:：,， "

# Table 三 groups and the words of their group labels; which items belong to a group is the codebook's.
GROUP_WORDS = {"refused": "不予公开", "unable": "无法提供", "not_processed": "不予处理", "other": "其他处理"}

# Words that identify a table-三 row (checked in this order; the first code whose word the label holds wins).
APPLICATION_ROWS: list[tuple[str, tuple[str, ...]]] = [
    ("received", ("本年新收", "新收政府信息公开申请")),
    ("carried_over", ("上年结转",)),
    ("carried_forward", ("结转下年度", "结转下一年度")),
    ("partially_granted", ("部分公开",)),
    ("refused.state_secret", ("国家秘密",)),
    ("refused.prohibited_by_law", ("禁止公开", "法律行政法规", "其他法律")),
    ("refused.security_stability", ("三安全一稳定", "危及")),
    ("refused.third_party", ("第三方",)),
    ("refused.internal_affairs", ("内部事务",)),
    ("refused.deliberative", ("过程性",)),
    ("refused.enforcement_file", ("执法案卷",)),
    ("refused.inquiry_matter", ("查询事项",)),
    ("unable.not_held", ("不掌握",)),
    ("unable.needs_creation", ("另行制作", "没有现成")),
    ("unable.unclear", ("仍不明确", "补正后申请")),
    ("not_processed.petition", ("信访", "举报投诉")),
    ("not_processed.repeated", ("重复申请",)),
    ("not_processed.publication", ("出版物",)),
    ("not_processed.excessive", ("大量反复",)),
    ("not_processed.confirmation", ("重新出具", "确认或")),
    ("other.no_correction", ("不补正", "逾期不补")),
    ("other.unpaid_fee", ("缴纳费用", "收费通知", "未缴费", "未按收费")),
    ("granted", ("予以公开",)),
    ("total", ("总计", "七合计")),
]
_OTHER_OTHER = re.compile(r"^(六其他处理)?3?其他$")
_GROUP_ONLY = {"other": re.compile(r"^(三本年度办理结果)?六其他处理$")}
_LEADING_NUMBER = re.compile(r"^(\d)\D")


def group_of(key: str) -> str | None:
    """The table-三 group a label names, if it names one."""
    for group, word in GROUP_WORDS.items():
        if word in key:
            return group
    return None


@lru_cache(maxsize=1 << 14)
def application_code(label: str, group: str | None) -> tuple[str | None, str]:
    """The table-三 code for one printed label cell, and how it was matched ("" when by its words).

    A numbered label whose words match nothing ("2.其他法律行政止公开", a misprint) is matched by its number
    within the group the row belongs to; the caller flags such a cell.
    """
    key = label_key(label)
    if not key:
        return None, ""
    if _OTHER_OTHER.match(key):
        return "other.other", ""
    if _GROUP_ONLY["other"].match(key):
        return "other", ""
    for code, words in APPLICATION_ROWS:
        if any(word in key for word in words):
            return code, ""
    number = _LEADING_NUMBER.match(key)
    if number and group is not None:
        codes = codebook.numbered_items(group)
        position = int(number[1]) - 1
        if 0 <= position < len(codes):
            return codes[position], f"label matched by its number in group {GROUP_WORDS[group]}: printed {label!r}"
    return None, ""


# Table 三 column headers to applicant codes ("其他" and "总计" must stand alone in their cell).
APPLICANT_HEADERS = [
    ("natural_person", ("自然人",)),
    ("commercial", ("商业企业", "商业")),
    ("research", ("科研机构", "科研")),
    ("social_welfare", ("社会公益组织", "公益组织", "社会公益")),
    ("legal_services", ("法律服务机构", "法律服务")),
]
_ALONE = {"其他": "other_org", "总计": "total", "合计": "total"}


@lru_cache(maxsize=1 << 12)
def applicant_of_header(cell: str) -> str | None:
    """The applicant column a header cell names, if it names one."""
    key = label_key(cell)
    if key in _ALONE:
        return _ALONE[key]
    if len(key) > 8:
        return None
    return next((code for code, words in APPLICANT_HEADERS if any(word in key for word in words)), None)


# Table 二: row labels to item prefixes, and column headers to item suffixes.
DISCLOSURE_ROWS = [
    ("other_services", ("其他对外管理服务事项", "对外管理服务")),
    ("normative_documents", ("规范性文件",)),
    ("regulations", ("规章",)),
    ("licensing", ("行政许可",)),
    ("punishment", ("行政处罚",)),
    ("coercion", ("行政强制",)),
    ("fees", ("行政事业性收费",)),
    ("procurement", ("政府集中采购", "集中采购")),
]
DISCLOSURE_COLUMNS = [
    ("issued", ("制发",)),
    ("repealed", ("废止",)),
    ("in_force", ("现行有效",)),
    ("made", ("新制作",)),
    ("published", ("新公开",)),
    ("total_public", ("对外公开总数",)),
    ("previous_items", ("上一年项目数", "上年项目数")),
    ("change", ("增减", "增加减少")),
    ("decisions", ("处理决定数",)),
    ("projects", ("采购项目数",)),
    ("amount", ("收费金额", "采购总金额", "总金额")),
]
# Column layout by format when a block's header row is missing or unreadable.
DEFAULT_COLUMNS = {
    "2021": {"regulations": ["issued", "repealed", "in_force"], "normative_documents": ["issued", "repealed", "in_force"],
             "licensing": ["decisions"], "punishment": ["decisions"], "coercion": ["decisions"], "fees": ["amount"]},
    "2019": {"regulations": ["made", "published", "total_public"],
             "normative_documents": ["made", "published", "total_public"],
             "licensing": ["previous_items", "change", "decisions"],
             "other_services": ["previous_items", "change", "decisions"],
             "punishment": ["previous_items", "change", "decisions"],
             "coercion": ["previous_items", "change", "decisions"],
             "fees": ["previous_items", "change"], "procurement": ["projects", "amount"]},
}
FORMAT_2021_COLUMNS = {"issued", "repealed", "in_force"}
FORMAT_2019_COLUMNS = {"made", "published", "total_public", "previous_items", "change", "projects"}


@lru_cache(maxsize=1 << 14)
def disclosure_prefix(label: str) -> str | None:
    key = label_key(label)
    for prefix, words in DISCLOSURE_ROWS:
        if any(word in key for word in words):
            return prefix
    return None


@lru_cache(maxsize=1 << 14)
def disclosure_columns(text: str) -> tuple[str, ...]:
    """Column suffixes named in a header row, in printed order."""
    key = label_key(text)
    found = []
    for suffix, words in DISCLOSURE_COLUMNS:
        positions = [key.find(word) for word in words if word in key]
        if positions:
            found.append((min(positions), suffix))
    return tuple(suffix for _, suffix in sorted(found))


@lru_cache(maxsize=1 << 14)
def section_of_heading(text: str) -> str | None:
    """The section numeral a heading opens ("二" for 二、主动公开政府信息情况), None for any other line."""
    if len(text) > 80:  # a heading is short; most rows of running text are not
        return None
    opening = squeeze(text).lstrip("#").removeprefix("表")
    key = label_key(text)
    if len(key) > 40 or len(opening) < 2 or opening[1] not in _AFTER_NUMERAL:
        return None  # "四是依法做好行政复议应诉工作" is a sentence, not a heading
    if opening[0] not in SECTION_HEADINGS:
        return None
    # By its words, whatever its numeral: a conversion may number the sections differently or leave one out.
    return next((numeral for numeral, words in SECTION_HEADINGS.items() if any(word in key for word in words)), None)


TABLE_CAPTION = "第二十条第"


def is_table_caption(text: str) -> bool:
    """第二十条第（一）项 and its kin open a block of table 二."""
    return label_key(text).startswith(TABLE_CAPTION)


TITLE_PHRASE = re.compile(r"政府信息公开(?:工作)?(?:年度)?报告")
TITLE_YEAR = re.compile(r"(?P<year>(?:19|20)\d\d)年度?")
TITLE_SPAN = 120  # a title's body and year stand within this many characters before its 政府信息公开…报告


def find_title(text: str) -> tuple[str, int] | None:
    """Body and year of the first title "<body>2021年<body>政府信息公开工作年度报告" in ``text``.

    The year is looked for only in the short stretch before each 报告 phrase (and after the previous one), so
    the search is linear in the text, however long a line a converter made.
    """
    searched = 0
    for phrase in TITLE_PHRASE.finditer(text):
        start = max(searched, phrase.start() - TITLE_SPAN)
        year = TITLE_YEAR.search(text, start, phrase.start())
        if year:
            body = text[year.end(): phrase.start()] or text[start: year.start()]
            return body, int(year["year"])
        searched = phrase.end()
    return None


PAGE_NUMBER = re.compile(r"^[-—–一\s第]*\d{1,3}[-—–一\s页]*$|^第\d+页(共\d+页)?$")

# Level and parent of a people's government, from its name alone; departments and offices are left unknown.
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
_COUNTY = re.compile(r"^(?P<parent>.+?[省市州盟])?(?P<own>[^省市]+?[区县旗])人民政府$")
_CITY = re.compile(r"^(?P<parent>.+?省)?(?P<own>[^省]+?[市州盟])人民政府$")
_PROVINCE = re.compile(r"^(?P<own>.+?(?:省|自治区))人民政府$")


def level_of_body(body: str) -> tuple[str, str]:
    """(level, parent) that a people's government's name states, ("", "") when it does not say."""
    if len(body) > TITLE_SPAN:  # not a name; and the patterns below are quadratic in their input
        return "", ""
    if match := _COUNTY.match(body):
        return "county", match["parent"] or ""
    if match := _CITY.match(body):
        if match["own"] in MUNICIPALITIES and not match["parent"]:
            return "province", ""
        return "city", match["parent"] or ""
    if _PROVINCE.match(body):
        return "province", ""
    return "", ""
