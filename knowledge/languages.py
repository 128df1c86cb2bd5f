"""The languages Founder Desk speaks."""

#: Every bot response and every seed programme exists in these languages.
SUPPORTED = ("en", "ko", "zh", "ja", "vi", "ru", "uz", "mn", "id", "es", "fr", "ar", "hi")

#: Native names, for language pickers.
NATIVE_NAMES = {
    "en": "English", "ko": "한국어", "zh": "中文", "ja": "日本語", "vi": "Tiếng Việt", "ru": "Русский",
    "uz": "Oʻzbekcha", "mn": "Монгол", "id": "Bahasa Indonesia", "es": "Español", "fr": "Français",
    "ar": "العربية", "hi": "हिन्दी",
}

RTL = frozenset({"ar"})


def normalize(code: str | None) -> str | None:
    """Turn a browser or user language tag ("vi-VN", "zh_Hans", "EN") into an ISO 639-1 code."""
    if not code:
        return None
    base = code.replace("_", "-").split("-")[0].strip().lower()
    return base or None
