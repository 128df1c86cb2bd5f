"""Counted words in every supported language: "1 day", "5 days", "через 3 дня", "بعد يومين".

Languages differ in how a number chooses its word: English has two forms, Russian three and Arabic
six. ``plural_category`` gives the CLDR category of a whole number; ``count_text`` the words.
"""

from __future__ import annotations

from .languages import normalize

#: Forms by unit, language and CLDR plural category; "other" is always present. "{n}" is the number.
FORMS = {
    "day": {
        "en": {"one": "{n} day", "other": "{n} days"},
        "ko": {"other": "{n}일"},
        "zh": {"other": "{n} 天"},
        "ja": {"other": "{n}日"},
        "vi": {"other": "{n} ngày"},
        "ru": {"one": "{n} день", "few": "{n} дня", "other": "{n} дней"},
        "uz": {"other": "{n} kun"},
        "mn": {"other": "{n} хоног"},
        "id": {"other": "{n} hari"},
        "es": {"one": "{n} día", "other": "{n} días"},
        "fr": {"one": "{n} jour", "other": "{n} jours"},
        "ar": {"one": "يوم واحد", "two": "يومين", "few": "{n} أيام", "many": "{n} يومًا", "other": "{n} يوم"},
        "hi": {"other": "{n} दिन"},
    },
    "minute": {
        "en": {"one": "{n} minute", "other": "{n} minutes"},
        "ko": {"other": "{n}분"},
        "zh": {"other": "{n} 分钟"},
        "ja": {"other": "{n}分"},
        "vi": {"other": "{n} phút"},
        "ru": {"other": "{n} мин."},
        "uz": {"other": "{n} daqiqa"},
        "mn": {"other": "{n} минут"},
        "id": {"other": "{n} menit"},
        "es": {"one": "{n} minuto", "other": "{n} minutos"},
        "fr": {"one": "{n} minute", "other": "{n} minutes"},
        "ar": {"one": "دقيقة واحدة", "two": "دقيقتين", "few": "{n} دقائق", "many": "{n} دقيقة", "other": "{n} دقيقة"},
        "hi": {"other": "{n} मिनट"},
    },
}


def plural_category(lang: str, n: int) -> str:
    """The CLDR plural category ("one", "two", "few", "many", "other") of the whole number ``n``."""
    if lang == "ar":
        if n == 1:
            return "one"
        if n == 2:
            return "two"
        if 3 <= n % 100 <= 10:
            return "few"
        return "many" if 11 <= n % 100 <= 99 else "other"
    if lang == "ru":
        if n % 10 == 1 and n % 100 != 11:
            return "one"
        return "few" if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else "other"
    if lang in ("fr", "hi"):
        return "one" if n in (0, 1) else "other"
    return "one" if n == 1 else "other"


def count_text(unit: str, lang: str | None, n: int) -> str:
    """``n`` of ``unit`` ("day" or "minute") in ``lang``, English if the language is unknown."""
    lang = normalize(lang)
    if lang not in FORMS[unit]:
        lang = "en"
    words = FORMS[unit][lang]
    return (words.get(plural_category(lang, n)) or words["other"]).format(n=n)
