"""The programme record format: validation, normalisation, and YAML/JSON/CSV reading and writing.

The same format is used by ``kb import``/``kb export``, the seed files and the admin API
(see docs/architecture.md, "Programme record").
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import yaml

from .errors import InvalidRecord

CATEGORIES = ("visa", "funding", "infrastructure", "settlement", "talent", "expansion")
STATUSES = ("draft", "published", "archived")
REGIONS = ("nationwide", "jeonbuk")
# ``agency``: the running agency's name in this language (the top-level ``agency`` is the fallback).
TEXT_FIELDS = ("title", "summary", "body", "eligibility", "benefits", "how_to_apply", "documents", "agency")
# Per-language lists: ``questions``, founders' wording of what the programme answers (searched like its
# texts); ``names``, what founders call the programme besides its title ("창업비자" for D-8-4), which
# rank it up when a question mentions one (see search.name_tokens).
LIST_FIELDS = ("questions", "names")
ELIGIBILITY_VOCAB = {
    "founder_status": ("any", "overseas", "student", "job_seeker", "startup_visa", "investor_visa",
                       "work_visa", "resident", "korean"),
    "stages": ("any", "pre_founding", "early", "growth", "mature"),
    "sectors": ("any", "ict", "ai", "manufacturing", "bio", "content", "green", "other"),
    "regions": ("nationwide", "jeonbuk"),
}
ELIGIBILITY_NUMBERS = ("company_age_max_years", "company_age_min_years")
ELIGIBILITY_FLAGS = ("requires_korean_company", "foreign_founders_unconfirmed")
TOP_KEYS = ("id", "category", "agency", "region", "official_url", "status", "last_verified", "window",
            "eligibility", "sources", "text")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
LANG_RE = re.compile(r"^[a-z]{2}$")
MAX_TEXT = 20_000


def _date(value, where, problems):
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        problems.append((where, f"not a date (YYYY-MM-DD): {value!r}"))
        return None


def _window(value, where, problems):
    if value in (None, "", "rolling"):
        return "rolling"
    if not isinstance(value, dict):
        problems.append((where, 'window must be "rolling" or a mapping with opens/closes'))
        return "rolling"
    unknown = set(value) - {"opens", "closes", "note"}
    if unknown:
        problems.append((where, f"unknown window key(s): {', '.join(sorted(unknown))}"))
    opens = _date(value.get("opens"), where + ".opens", problems)
    closes = _date(value.get("closes"), where + ".closes", problems)
    if opens and closes and closes < opens:
        problems.append((where, "window closes before it opens"))
    if not (opens or closes or value.get("note")):
        problems.append((where, "window needs opens, closes or a note (or use \"rolling\")"))
    out = {"opens": opens, "closes": closes}
    if value.get("note"):
        out["note"] = str(value["note"])
    return out


def _eligibility(value, where, problems):
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        problems.append((where, "eligibility must be a mapping"))
        return {}
    out = {}
    for key, item in value.items():
        if key in ELIGIBILITY_VOCAB:
            items = item if isinstance(item, list) else [item]
            bad = [str(i) for i in items if i not in ELIGIBILITY_VOCAB[key]]
            if bad:
                allowed = ", ".join(ELIGIBILITY_VOCAB[key])
                problems.append((f"{where}.{key}", f"unknown value(s) {', '.join(bad)} (allowed: {allowed})"))
            out[key] = [str(i) for i in items]
        elif key in ELIGIBILITY_NUMBERS:
            if item is None:
                continue
            if not isinstance(item, (int, float)) or isinstance(item, bool) or item < 0:
                problems.append((f"{where}.{key}", "must be a non-negative number"))
            else:
                out[key] = item
        elif key in ELIGIBILITY_FLAGS:
            if not isinstance(item, bool):
                problems.append((f"{where}.{key}", "must be true or false"))
            else:
                out[key] = item
        else:
            problems.append((f"{where}.{key}", "unknown eligibility criterion"))
    return out


def _texts(value, where, problems):
    if not isinstance(value, dict) or not value:
        problems.append((where, "text must map a language code to {title, summary, ...}"))
        return {}
    out = {}
    for lang, fields in value.items():
        loc = f"{where}.{lang}"
        if not isinstance(lang, str) or not LANG_RE.match(lang):
            problems.append((loc, "language must be a two-letter ISO 639-1 code"))
            continue
        if not isinstance(fields, dict):
            problems.append((loc, "must be a mapping"))
            continue
        unknown = set(fields) - set(TEXT_FIELDS) - set(LIST_FIELDS)
        if unknown:
            problems.append((loc, f"unknown text field(s): {', '.join(sorted(unknown))}"))
        entry = {}
        for name in TEXT_FIELDS:
            raw = fields.get(name)
            if raw is None:
                entry[name] = ""
            elif not isinstance(raw, (str, int, float)):
                problems.append((f"{loc}.{name}", "must be text"))
                entry[name] = ""
            else:
                # a browser submits textareas with CRLF line breaks: one spelling, so an unchanged
                # text keeps its content hash (and its embedding) and the history shows no change
                entry[name] = str(raw).replace("\r\n", "\n").replace("\r", "\n").strip()
                if len(entry[name]) > MAX_TEXT:
                    problems.append((f"{loc}.{name}", f"longer than {MAX_TEXT} characters"))
        for name in LIST_FIELDS:
            items = fields.get(name) or []
            if not isinstance(items, list) or not all(isinstance(q, str) for q in items):
                problems.append((f"{loc}.{name}", "must be a list of strings"))
                items = []
            entry[name] = [q.strip() for q in items if q.strip()]
        out[lang] = entry
    if out and not any(t["title"] and t["summary"] for t in out.values()):
        problems.append((where, "at least one language needs a title and a summary"))
    return out


def normalize_record(raw, where: str = "record") -> dict:
    """Validate one record and return it with every key present. Raises InvalidRecord."""
    problems: list[tuple[str, str]] = []
    if not isinstance(raw, dict):
        raise InvalidRecord([(where, "a record must be a mapping")])
    rid = raw.get("id")
    if not isinstance(rid, str) or not ID_RE.match(rid):
        problems.append((f"{where}.id", f"missing or invalid id {rid!r} (lowercase letters, digits, hyphens)"))
    unknown = set(raw) - set(TOP_KEYS)
    if unknown:
        problems.append((where, f"unknown key(s): {', '.join(sorted(map(str, unknown)))}"))
    category = raw.get("category")
    if category not in CATEGORIES:
        problems.append((f"{where}.category", f"must be one of {', '.join(CATEGORIES)}, got {category!r}"))
    status = raw.get("status") or "draft"
    if status not in STATUSES:
        problems.append((f"{where}.status", f"must be one of {', '.join(STATUSES)}"))
    region = raw.get("region") or "nationwide"
    if region not in REGIONS:
        problems.append((f"{where}.region", f"must be one of {', '.join(REGIONS)}"))
    url = raw.get("official_url") or None
    if url is not None and not (isinstance(url, str) and re.match(r"^https?://\S+$", url)):
        problems.append((f"{where}.official_url", "must be an http(s) URL or null"))
    sources = raw.get("sources") or []
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        problems.append((f"{where}.sources", "must be a list of URLs"))
        sources = []
    record = {
        "id": rid,
        "category": category,
        "agency": str(raw.get("agency") or "").strip(),
        "region": region,
        "official_url": url,
        "status": status,
        "last_verified": _date(raw.get("last_verified"), f"{where}.last_verified", problems),
        "window": _window(raw.get("window"), f"{where}.window", problems),
        "eligibility": _eligibility(raw.get("eligibility"), f"{where}.eligibility", problems),
        "sources": list(sources),
        "text": _texts(raw.get("text"), f"{where}.text", problems),
    }
    if problems:
        raise InvalidRecord(problems)
    return record


# ---------------------------------------------------------------- reading files

class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text: a bad date (2026-13-45) is then reported with its record
    and line by ``_date`` instead of aborting the whole parse with a ValueError."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def _yaml_record_lines(text: str) -> list[int]:
    """1-based line of each record in a YAML document, in document order."""
    node = yaml.compose(text)
    if node is None:
        return []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "programs" and isinstance(value, yaml.SequenceNode):
                return [item.start_mark.line + 1 for item in value.value]
        return [node.start_mark.line + 1]
    if isinstance(node, yaml.SequenceNode):
        return [item.start_mark.line + 1 for item in node.value]
    return [node.start_mark.line + 1]


def _unwrap(data):
    if isinstance(data, dict) and "programs" in data and set(data) <= {"programs", "version"}:
        data = data["programs"]
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list):
        return data
    raise InvalidRecord([("", "expected a record, a list of records, or {programs: [...]}")])


def parse_records(text: str, fmt: str, source: str = "<input>") -> list[dict]:
    """Parse and validate every record in ``text`` (yaml, json or csv).

    Collects every problem with its line before raising InvalidRecord, so nothing is applied
    from a file that has any error. Duplicate ids inside one file are an error.
    """
    fmt = fmt.lower()
    if fmt in ("yaml", "yml"):
        try:
            data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
            lines = _yaml_record_lines(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{source}:{mark.line + 1}" if mark else source
            raise InvalidRecord([(where, f"invalid YAML: {getattr(exc, 'problem', exc)}")]) from None
        raws = _unwrap(data) if data is not None else []
        locations = [f"{source}:{ln}" for ln in lines] if len(lines) == len(raws) else \
            [f"{source} record {i + 1}" for i in range(len(raws))]
    elif fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidRecord([(f"{source}:{exc.lineno}", f"invalid JSON: {exc.msg}")]) from None
        raws = _unwrap(data)
        locations = [f"{source} record {i + 1}" for i in range(len(raws))]
    elif fmt == "csv":
        raws, locations = _csv_to_raw(text, source)
    else:
        raise InvalidRecord([(source, f"unknown format {fmt!r} (use yaml, json or csv)")])
    if not raws:
        raise InvalidRecord([(source, "no records found")])
    records, problems, seen = [], [], {}
    for raw, loc in zip(raws, locations):
        label = loc + (f" ({raw.get('id')})" if isinstance(raw, dict) and raw.get("id") else "")
        try:
            record = normalize_record(raw, where=label)
        except InvalidRecord as exc:
            problems.extend(exc.problems)
            continue
        if record["id"] in seen:
            problems.append((label, f"duplicate id {record['id']!r} (first at {seen[record['id']]})"))
            continue
        seen[record["id"]] = loc
        records.append(record)
    if problems:
        raise InvalidRecord(problems)
    return records


def format_for(path: str | Path) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    return {"yml": "yaml", "yaml": "yaml", "json": "json", "csv": "csv"}.get(suffix, "yaml")


def read_records(path: str | Path) -> list[dict]:
    """Read and validate a YAML, JSON or CSV file of records."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidRecord([(str(path), "file not found")]) from None
    except UnicodeDecodeError:
        raise InvalidRecord([(str(path), "not UTF-8 text")]) from None
    return parse_records(text, format_for(path), source=str(path))


# ---------------------------------------------------------------- writing files

class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper, data):
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_presenter)


def dump_yaml(records: list[dict]) -> str:
    return yaml.dump({"programs": records}, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def dump_json(records: list[dict]) -> str:
    return json.dumps({"programs": records}, ensure_ascii=False, indent=2) + "\n"


# The structured eligibility block is the "criteria" column; "eligibility" is the per-language text.
# The per-language agency is "lang_agency", beside the programme's own "agency" column.
CSV_TEXT = {name: "lang_agency" if name == "agency" else name for name in TEXT_FIELDS}
CSV_COLUMNS = ["id", "category", "agency", "region", "official_url", "status", "last_verified", "window",
               "criteria", "sources", "lang", *CSV_TEXT.values(), *LIST_FIELDS]


def dump_csv(records: list[dict]) -> str:
    """One row per programme and language; programme-level columns repeat, JSON for nested values."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for rec in records:
        base = {
            "id": rec["id"], "category": rec["category"], "agency": rec["agency"], "region": rec["region"],
            "official_url": rec["official_url"] or "", "status": rec["status"],
            "last_verified": rec["last_verified"] or "",
            "window": rec["window"] if rec["window"] == "rolling" else json.dumps(rec["window"], ensure_ascii=False),
            "criteria": json.dumps(rec["eligibility"], ensure_ascii=False),
            "sources": json.dumps(rec["sources"], ensure_ascii=False),
        }
        for lang, fields in rec["text"].items():
            row = dict(base, lang=lang, **{name: json.dumps(fields[name], ensure_ascii=False) for name in LIST_FIELDS})
            row.update({CSV_TEXT[name]: fields[name] for name in TEXT_FIELDS})
            writer.writerow(row)
    return out.getvalue()


def _csv_to_raw(text: str, source: str):
    reader = csv.DictReader(io.StringIO(text))
    missing = {"id", "lang", "title"} - set(reader.fieldnames or [])
    if missing:
        raise InvalidRecord([(f"{source}:1", f"CSV header lacks column(s): {', '.join(sorted(missing))}")])
    raws: dict[str, dict] = {}
    locations: dict[str, str] = {}
    problems = []
    for row in reader:
        line = reader.line_num
        rid = (row.get("id") or "").strip()
        loc = f"{source}:{line}"

        def load_json(name, default):
            value = (row.get(name) or "").strip()
            if not value:
                return default
            if name == "window" and value == "rolling":
                return "rolling"
            try:
                return json.loads(value)
            except json.JSONDecodeError as exc:
                problems.append((f"{loc}.{name}", f"invalid JSON: {exc.msg}"))
                return default

        raw = raws.get(rid)
        if raw is None:
            raw = raws[rid] = {
                "id": rid or None, "category": row.get("category") or None, "agency": row.get("agency") or "",
                "region": row.get("region") or None, "official_url": row.get("official_url") or None,
                "status": row.get("status") or None, "last_verified": row.get("last_verified") or None,
                "window": load_json("window", "rolling"), "eligibility": load_json("criteria", {}),
                "sources": load_json("sources", []), "text": {},
            }
            locations[rid] = loc
        lang = (row.get("lang") or "").strip()
        if lang in raw["text"]:
            problems.append((loc, f"language {lang!r} repeated for {rid!r}"))
        entry = {name: row.get(CSV_TEXT[name]) or "" for name in TEXT_FIELDS}
        entry.update({name: load_json(name, []) for name in LIST_FIELDS})
        raw["text"][lang] = entry
    if problems:
        raise InvalidRecord(problems)
    return list(raws.values()), [locations[k] for k in raws]


def write_records(records: list[dict], path: str | Path) -> None:
    fmt = format_for(path)
    text = {"yaml": dump_yaml, "json": dump_json, "csv": dump_csv}[fmt](records)
    Path(path).write_text(text, encoding="utf-8")
