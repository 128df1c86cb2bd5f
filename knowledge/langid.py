"""Which language is a founder writing in?

``detect(text, prior=None, history=())`` combines, from most to least decisive:

1. script rules: Hangul -> ko, kana -> ja, Han -> zh, Arabic script -> ar (fa/ur by their own
   letters), Devanagari -> hi, Cyrillic letters that only some languages use (Mongolian ө ү,
   Uzbek ў қ ғ ҳ, ...), Vietnamese diacritics -> vi;
2. three voters on what is left (mostly Latin or plain Cyrillic text): a character 1-4-gram
   naive-Bayes model trained on the project's own text (``langdata/phrases.yaml``, the seed
   programmes, the Rasa NLU examples) with an exact-phrase lookup, langdetect and CLD3;
3. the conversation: the languages of the founder's earlier messages, then the browser prior.
   They decide short or ambiguous messages ("ok", "cam on", "D-8-4") and are ignored for long,
   confident ones.

Nothing is loaded at import time: langdetect, CLD3 and the n-gram model are set up on first use.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
import threading
import unicodedata
from collections import Counter
from pathlib import Path

from knowledge.languages import SUPPORTED
from knowledge.languages import normalize as normalize_tag

#: Languages we prefer to answer with: every supported one (Hindi included).
LANGS = SUPPORTED
DEFAULT = "en"
DATA_DIR = Path(__file__).resolve().parent / "langdata"

# Other languages langdetect knows, by script; anything outside LANGS is down-weighted.
_OTHER_LATIN = "af ca cs cy da de et fi hr hu it lt lv nl no pl pt ro sk sl so sq sv sw tl tr".split()
_CANDIDATES = {
    "latin": ["en", "vi", "uz", "id", "es", "fr", "hi", *_OTHER_LATIN],
    "cyrillic": ["ru", "mn", "uz", "bg", "mk", "uk"],
    "other": [],  # Thai, Greek, Georgian...: whatever langdetect and CLD3 propose
}
_LANGDETECT_LANGS = frozenset(
    _OTHER_LATIN + "ar bg bn el en es fa fr gu he hi id ja kn ko mk ml mr ne pa ru ta te th uk ur vi zh".split()
)
_UNSUPPORTED_PENALTY = 0.5

# Cyrillic letters that settle the language on their own, checked in this order.
_CYRILLIC_MARKERS = (
    ("ҷӣӯ", "tg"), ("әұ", "kk"), ("їєґ", "uk"), ("ўқғҳ", "uz"), ("ң", "ky"), ("өү", "mn"),
    ("і", "uk"), ("јљњћџ", "sr"), ("ѓќѕ", "mk"),
)
_URDU_LETTERS = set("ٹڈڑںےھ")
_PERSIAN_LETTERS = set("پچژگ")
_VIETNAMESE = re.compile("[ăđơưĩũ\u1ea0-\u1ef9]", re.IGNORECASE)

# Messages made only of these carry no language: keep the conversation's language.
_NEUTRAL = frozenset("ok okay oke okey okie k kk lol haha hehe hmm hm ?".split())
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
# A letter, or a combining mark (Devanagari vowel signs, Arabic harakat) that belongs to a word.
_LETTER = r"(?:[^\W\d_]|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u0900-\u0dff\u0e00-\u0eff])"
_WORD = re.compile(rf"{_LETTER}+(?:'{_LETTER}+)*")
# Numbers and Latin codes with a digit ("5", "D-8-4", "E-3", "covid19"), cut out of the text rather than
# dropping the whole space-free token around them: "公司成立5年了" is still Chinese.
_NUMBERED = re.compile(r"[A-Za-z\-]*\d[\dA-Za-z\-.,:/]*")
_APOSTROPHES = str.maketrans({c: "'" for c in "ʻʼ‘’`´"})


@dataclasses.dataclass(frozen=True)
class Guess:
    """A language guess: ISO 639-1 code, confidence in 0..1, and the best-scoring candidates."""

    lang: str
    confidence: float
    scores: dict = dataclasses.field(default_factory=dict, compare=False)


def detect(text: str, prior: str | None = None, history=()) -> Guess:
    """Identify the language of one founder message.

    ``prior`` is the browser language or an explicit choice ("vi-VN" counts as "vi");
    ``history`` lists the detected languages of the founder's earlier messages, most recent last.
    Short or ambiguous messages lean on history, then prior; long confident ones ignore both.
    A message with no words (numbers, URLs, codes such as "D-8-4") keeps the conversation's
    language with low confidence, or "en" when there is none.

    Example: ``detect("cam on", history=["vi"]).lang == "vi"``
    """
    context = _context(prior, history)
    body, words = _prepare(text or "")
    if not words or all(w.lower() in _NEUTRAL for w in words):
        return _keep_conversation(context, history)

    script = _dominant_script(body)
    if script == "latin" and len(words) <= 3 and get_model().is_shared(words):
        # "visa", "startup visa": words many languages use; the conversation decides.
        return _keep_conversation(context, history)
    fixed = _script_rule(script, body, words)
    if fixed:
        return Guess(fixed, 0.97, {fixed: 0.97})

    if script == "han":  # Han without kana: Chinese, unless the conversation says Japanese
        text_scores = {"zh": 0.7, "ja": 0.3}
        size = len("".join(words)) / 2  # about two Han characters per word
    else:
        text_scores = _vote(body, _CANDIDATES[script])
        size = len(words)
    if not text_scores:
        return _keep_conversation(context, history)
    ambiguous_latin = script == "latin" and body.isascii() and size <= 2
    alpha = _context_weight(size, max(text_scores.values()), ambiguous_latin)
    # A short plain-Latin message ("ok", "thanks") may follow a conversation in any script;
    # otherwise the conversation can only pick among languages written in this script.
    allowed = None if ambiguous_latin else set(text_scores)
    scores = _mix(text_scores, context, alpha, allowed)
    lang = max(scores, key=scores.get)
    best = dict(sorted(scores.items(), key=lambda kv: -kv[1])[:5])
    return Guess(lang, round(scores[lang], 3), {k: round(v, 3) for k, v in best.items()})


# --- text preparation and script rules ------------------------------------------------------


def _prepare(text: str) -> tuple[str, list[str]]:
    """Normalise, drop URLs, e-mails and codes (D-8-4, TIPS); return the text and its words."""
    text = unicodedata.normalize("NFC", text).translate(_APOSTROPHES)
    tokens = _NUMBERED.sub(" ", _URL.sub(" ", text)).split()
    words = [w for t in tokens for w in _WORD.findall(t)]
    if words and all(_is_acronym(w) for w in words):
        # "TIPS" is a programme name, but "OUI" or "HELLO" are still words we know.
        if _phrase_key(" ".join(words)) not in get_model().phrases:
            return "", []
    else:
        words = [w for w in words if not _is_acronym(w)]
    return " ".join(words), words


def _is_acronym(word: str) -> bool:
    return word.isascii() and word.isupper() and 2 <= len(word) <= 6


def _char_script(ch: str) -> str:
    o = ord(ch)
    if 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:
        return "hangul"
    if 0x3040 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or 0xFF66 <= o <= 0xFF9F:
        return "kana"
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF:
        return "han"
    if 0x0400 <= o <= 0x052F:
        return "cyrillic"
    if 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0xFB50 <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFF:
        return "arabic"
    if 0x0900 <= o <= 0x097F:
        return "devanagari"
    if o < 0x0250 or 0x1E00 <= o <= 0x1EFF:
        return "latin"
    return "other"


def _dominant_script(text: str) -> str:
    """The script with most letters; an East Asian character counts twice, kana makes Han Japanese."""
    counts = Counter(_char_script(c) for c in text if c.isalpha())
    if counts["kana"]:
        counts["kana"] += counts.pop("han", 0)
    for script in ("hangul", "kana", "han"):
        counts[script] *= 2
    return counts.most_common(1)[0][0] if counts else "other"


def _script_rule(script: str, text: str, words: list[str]) -> str | None:
    """The language the letters alone settle, or None when the voters must decide."""
    if script in ("hangul", "kana", "devanagari"):
        return {"hangul": "ko", "kana": "ja", "devanagari": "hi"}[script]
    letters = set(text.lower())
    if script == "arabic":
        return "ur" if letters & _URDU_LETTERS else "fa" if letters & _PERSIAN_LETTERS else "ar"
    if script == "cyrillic":
        return next((lang for marks, lang in _CYRILLIC_MARKERS if letters & set(marks)), None)
    if script == "latin":
        marked = sum(1 for w in words if _VIETNAMESE.search(w))
        return "vi" if marked / len(words) >= 0.3 else None
    return None


# --- voting -------------------------------------------------------------------------------


def _vote(text: str, candidates: list[str]) -> dict[str, float]:
    """Combine the n-gram model, langdetect and CLD3 into scores over ``candidates`` (all when empty).

    A language is scored by the voters that know it (langdetect knows neither uz nor mn); the
    n-gram model knows only LANGS and so pushes the others down.
    """
    n_letters = sum(c.isalpha() for c in text)
    ngram, exact = get_model().predict(text, candidates)
    if exact:
        weights = (6.0, 0.5, 1.0)
    elif n_letters < 15:
        weights = (2.0, 0.5, 1.0)
    elif n_letters < 40:
        weights = (1.5, 1.0, 1.0)
    else:
        weights = (1.0, 1.0, 1.0)
    by_cld3 = _cld3(text)
    # langdetect is the slowest voter (pure Python, ~15 ms): skip it when the other two agree firmly
    agree = ngram and by_cld3 and max(ngram, key=ngram.get) == max(by_cld3, key=by_cld3.get)
    settled = agree and n_letters >= 15 and max(ngram.values()) >= 0.9 and max(by_cld3.values()) >= 0.9
    by_langdetect = {} if settled else _langdetect(text)
    voters = [(weights[0], ngram, None), (weights[1], by_langdetect, _LANGDETECT_LANGS), (weights[2], by_cld3, None)]
    candidates = candidates or sorted(set(by_langdetect) | set(by_cld3))
    scores = {}
    for lang in candidates:
        votes = [(w, dist.get(lang, 0.0)) for w, dist, known in voters if known is None or lang in known]
        score = sum(w * p for w, p in votes) / sum(w for w, _ in votes)
        scores[lang] = score if lang in LANGS else score * _UNSUPPORTED_PENALTY
    total = sum(scores.values())
    return {lang: s / total for lang, s in scores.items() if s > 0} if total > 0 else {}


def _map_code(code: str) -> str:
    """Map a detector's label (zh-cn, hi-Latn, iw, fil, ms) to our ISO 639-1 codes."""
    code = code.split("-")[0].lower()
    return {"iw": "he", "fil": "tl", "ms": "id", "jw": "id", "jv": "id", "su": "id"}.get(code, code)


_detector_lock = threading.Lock()


def _langdetect(text: str) -> dict[str, float]:
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        with _detector_lock:  # the first call loads the profiles; not thread-safe
            found = detect_langs(text)
    except LangDetectException:
        return {}
    scores: Counter = Counter()
    for item in found:
        scores[_map_code(item.lang)] += item.prob
    return dict(scores)


_cld3_identifier = None


def _cld3(text: str) -> dict[str, float]:
    global _cld3_identifier
    import gcld3

    with _detector_lock:
        if _cld3_identifier is None:
            _cld3_identifier = gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=1000)
        result = _cld3_identifier.FindLanguage(text=text)
    if result.language == "und":
        return {}
    return {_map_code(result.language): result.probability}


# --- conversation context -----------------------------------------------------------------


def _context(prior: str | None, history) -> dict[str, float]:
    """Distribution over the conversation's language: recent history first, then the prior."""
    if isinstance(history, str):
        history = [history]
    recent = [code for code in map(_code, history or ()) if code][-5:]
    hist: Counter = Counter()
    for age, code in enumerate(reversed(recent)):
        hist[code] += 0.5**age
    prior_code = _code(re.split(r"[,;]", prior)[0]) if prior else None
    out: Counter = Counter()
    hist_share = 0.75 if prior_code else 1.0
    total = sum(hist.values())
    for code, w in hist.items():
        out[code] += hist_share * w / total
    if prior_code:
        out[prior_code] += 1.0 - hist_share if total else 1.0
    return dict(out)


def _code(tag) -> str | None:
    """An ISO 639-1 code from a language tag ("vi-VN" -> "vi"), or None for junk ("auto", None)."""
    code = normalize_tag(tag) if isinstance(tag, str) else None
    return code if code and len(code) == 2 and code.isalpha() else None


def _context_weight(size: float, confidence: float, ambiguous_latin: bool) -> float:
    """How much the conversation counts against the text itself (0 = not at all); ``size`` in words."""
    if ambiguous_latin:
        return 0.6 if confidence < 0.75 else 0.35
    if size <= 2:
        return 0.4 if confidence < 0.75 else 0.2
    if size <= 5:
        return 0.3 if confidence < 0.75 else 0.1
    return 0.15 if confidence < 0.5 else 0.0


def _mix(text_scores: dict, context: dict, alpha: float, allowed: set | None) -> dict[str, float]:
    ctx = {lang: p for lang, p in context.items() if allowed is None or lang in allowed}
    total = sum(ctx.values())
    if not ctx or not alpha:
        return dict(text_scores)
    out = {lang: (1 - alpha) * p for lang, p in text_scores.items()}
    for lang, p in ctx.items():
        out[lang] = out.get(lang, 0.0) + alpha * p / total
    return out


def _keep_conversation(context: dict, history) -> Guess:
    """The conversation's language, with the low confidence of a message that says nothing."""
    if not context:
        return Guess(DEFAULT, 0.1, {})
    lang = max(context, key=context.get)
    confidence = 0.3 if _context(None, history) else 0.2  # history is better evidence than a prior
    return Guess(lang, confidence, {k: round(v, 3) for k, v in context.items()})


# --- the n-gram model and its training data ------------------------------------------------


@dataclasses.dataclass
class TrainingData:
    """Text per language for the n-gram model; ``phrases`` are whole short messages for exact lookup."""

    texts: dict[str, list[str]]
    phrases: dict[str, list[str]]

    def fingerprint(self) -> str:
        """A hash of the data, to tell which data a model was trained on."""
        blob = json.dumps([self.texts, self.phrases], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


_SEED_CHARS_PER_LANG = 20_000
_NLU_LANG_COMMENT = re.compile(r"^\s*#\s*(?:lang(?:uage)?\s*[:=]\s*)?([a-z]{2})\s*(?:$|[:(\-])", re.IGNORECASE)
_NLU_ENTITY = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def load_training_data(home: Path | None = None) -> TrainingData:
    """Read the phrase list, the seed programmes' texts and the NLU examples under ``home``.

    Seeds (``knowledge/seed/programs/*.yaml``) and NLU files (``data/nlu/**/*.yml``) are optional;
    unreadable files are skipped, since they are edited by hand.
    """
    import yaml

    if home is None:
        from knowledge.config import get_settings

        home = get_settings().home
    home = Path(home)
    # BaseLoader keeps every line a string: "no", "yes" and "on" are not booleans here.
    raw = yaml.load((DATA_DIR / "phrases.yaml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    phrases = {lang: list(lines) for lang, lines in raw.items()}
    for lang, examples in _nlu_examples(home / "data" / "nlu").items():
        phrases.setdefault(lang, []).extend(examples)
    texts = {lang: list(lines) for lang, lines in phrases.items()}
    for lang, chunks in _seed_texts(home / "knowledge" / "seed" / "programs").items():
        texts.setdefault(lang, []).extend(chunks)
    # Uzbek is written in Latin and Cyrillic letters, but our text is mostly Latin.
    texts["uz"] = texts.get("uz", []) + [_uzbek_cyrillic(t) for t in texts.get("uz", []) if t.isascii() or "ʻ" in t]
    return TrainingData(texts=texts, phrases=phrases)


_UZ_DIGRAPHS = {"o'": "ў", "g'": "ғ", "sh": "ш", "ch": "ч", "yo": "ё", "yu": "ю", "ya": "я", "ye": "е"}
_UZ_LETTERS = dict(zip("abdefghijklmnopqrstuvxyz'", "абдефгҳижклмнопқрстувхйзъ"))


def _uzbek_cyrillic(text: str) -> str:
    """Transliterate Uzbek from Latin to Cyrillic letters (lower case; good enough for n-grams)."""
    text = text.lower().translate(_APOSTROPHES)
    out, i = [], 0
    while i < len(text):
        pair = text[i:i + 2]
        if pair in _UZ_DIGRAPHS and not (pair[0] == "y" and text[i + 2:i + 3] == "'"):  # yo'q = y + o'
            out.append(_UZ_DIGRAPHS[pair])
            i += 2
            continue
        initial_e = text[i] == "e" and (i == 0 or not text[i - 1].isalpha())
        out.append("э" if initial_e else _UZ_LETTERS.get(text[i], text[i]))
        i += 1
    return "".join(out)


def _seed_texts(folder: Path) -> dict[str, list[str]]:
    import yaml

    out: dict[str, list[str]] = {}
    used: Counter = Counter()
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        records = data.get("programs", [data]) if isinstance(data, dict) else data or []
        for record in records:
            texts = record.get("text") if isinstance(record, dict) else None
            for tag, fields in (texts or {}).items():
                lang = normalize_tag(str(tag))
                if not isinstance(fields, dict) or lang is None:
                    continue
                for value in fields.values():
                    for chunk in value if isinstance(value, list) else [value]:
                        if isinstance(chunk, str) and used[lang] < _SEED_CHARS_PER_LANG:
                            out.setdefault(lang, []).append(chunk)
                            used[lang] += len(chunk)
    return out


def _nlu_examples(folder: Path) -> dict[str, list[str]]:
    """Examples from Rasa NLU files, by language: a ``# lang: vi`` / ``# vi`` comment, else the
    file name (``greet_vi.yml``) or folder (``nlu/vi/``) says which."""
    out: dict[str, list[str]] = {}
    for path in sorted(folder.glob("**/*.yml")) + sorted(folder.glob("**/*.yaml")):
        parts = re.split(r"[-_.]", path.stem.lower())
        lang = next((c for c in (parts[-1], path.parent.name.lower()) if c in LANGS), None)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        block_indent = None
        for line in lines:
            indent = len(line) - len(line.lstrip())
            comment = _NLU_LANG_COMMENT.match(line)
            if comment and normalize_tag(comment.group(1)) in LANGS:
                lang = normalize_tag(comment.group(1))
                continue
            if re.match(r"\s*examples:\s*\|", line):
                block_indent = indent
                continue
            if block_indent is not None and line.strip() and indent <= block_indent:
                block_indent = None
            if block_indent is not None and lang and line.strip().startswith("- "):
                out.setdefault(lang, []).append(_NLU_ENTITY.sub(r"\1", line.strip()[2:]).strip())
    return out


def _phrase_key(text: str) -> str:
    return " ".join(_WORD.findall(unicodedata.normalize("NFC", text).translate(_APOSTROPHES).lower()))


class CharNgramModel:
    """Naive Bayes over character 1-4-grams of our own text, plus a table of known whole phrases.

    Each language is modelled once per script it is written in (Uzbek in Latin and Cyrillic,
    Hindi in Devanagari and Latin), so that one script's text does not dilute the other's.
    """

    ORDERS = (1, 2, 3, 4)
    SMOOTHING = 0.5
    SHARPNESS = 4.0  # softmax temperature on the mean log-probability per n-gram

    def __init__(self, data: TrainingData):
        self.fingerprint = data.fingerprint()
        self.counts: dict[tuple[str, str], Counter] = {}  # (lang, script) -> n-gram counts
        self.word_langs: dict[str, set] = {}
        for lang, texts in data.texts.items():
            for text in texts:
                key = (lang, _dominant_script(text))
                self.counts.setdefault(key, Counter()).update(self._grams(text))
                for word in _phrase_key(text).split():
                    self.word_langs.setdefault(word, set()).add(lang)
        vocab = Counter(len(g) for g in set().union(*self.counts.values()))
        self._log_denominator = {
            key: {n: math.log(sum(c for g, c in grams.items() if len(g) == n) + self.SMOOTHING * (vocab[n] + 1))
                  for n in self.ORDERS}
            for key, grams in self.counts.items()
        }
        self.langs = frozenset(lang for lang, _ in self.counts)
        self.phrases: dict[str, Counter] = {}
        for lang, lines in data.phrases.items():
            for line in lines:
                self.phrases.setdefault(_phrase_key(line), Counter())[lang] += 1

    @classmethod
    def _grams(cls, text: str) -> list[str]:
        padded = " " + _phrase_key(_URL.sub(" ", text)) + " "
        return [padded[i:i + n] for n in cls.ORDERS for i in range(len(padded) - n + 1) if padded[i:i + n] != " "]

    def is_shared(self, words: list[str], min_langs: int = 3) -> bool:
        """True when every word occurs in the text of at least ``min_langs`` languages ("visa")."""
        return all(len(self.word_langs.get(w.lower(), ())) >= min_langs for w in words)

    def predict(self, text: str, langs) -> tuple[dict[str, float], bool]:
        """Posterior over the trained languages among ``langs``, and whether it was an exact phrase."""
        known = self.phrases.get(_phrase_key(text))
        if known and any(known[lang] for lang in langs):
            total = sum(known[lang] for lang in langs)
            return {lang: known[lang] / total for lang in langs if known[lang]}, True
        script = _dominant_script(text)
        keys = [(lang, script) for lang in langs if (lang, script) in self.counts]
        grams = self._grams(text)
        if not grams or not keys:
            return {}, False
        mean_logp = {}
        for key in keys:
            counts, denominator = self.counts[key], self._log_denominator[key]
            logp = sum(math.log(counts.get(g, 0) + self.SMOOTHING) - denominator[len(g)] for g in grams)
            mean_logp[key[0]] = logp / len(grams)
        best = max(mean_logp.values())
        weights = {lang: math.exp(self.SHARPNESS * (lp - best)) for lang, lp in mean_logp.items()}
        total = sum(weights.values())
        return {lang: w / total for lang, w in weights.items()}, False


_model_lock = threading.Lock()
_models: dict[Path, CharNgramModel] = {}


def get_model(home: Path | None = None) -> CharNgramModel:
    """The n-gram model for the data under ``home``, trained on first use and kept in memory."""
    if home is None:
        from knowledge.config import get_settings

        home = get_settings().home
    with _model_lock:
        model = _models.get(Path(home))
        if model is None:
            model = _models[Path(home)] = CharNgramModel(load_training_data(home))
    return model


def clear_cache() -> None:
    """Forget trained models, e.g. after the seed programmes or NLU data changed."""
    with _model_lock:
        _models.clear()
