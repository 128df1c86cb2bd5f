import json

import pytest
import yaml

from knowledge.errors import InvalidRecord
from knowledge.records import dump_csv, dump_json, dump_yaml, normalize_record, parse_records

MINIMAL = {"id": "x-1", "category": "visa", "text": {"en": {"title": "T", "summary": "S"}}}


def test_minimal_record_gets_defaults():
    rec = normalize_record(MINIMAL)
    assert rec["status"] == "draft"
    assert rec["window"] == "rolling"
    assert rec["region"] == "nationwide"
    assert rec["eligibility"] == {}
    assert rec["text"]["en"]["questions"] == [] and rec["text"]["en"]["names"] == []
    assert rec["text"]["en"]["body"] == ""


@pytest.mark.parametrize("change, message", [
    ({"id": "Bad Id"}, "invalid id"),
    ({"category": "food"}, "category"),
    ({"status": "live"}, "status"),
    ({"official_url": "ftp://x"}, "official_url"),
    ({"window": {"opens": "2026-03-01", "closes": "2026-02-01"}}, "closes before it opens"),
    ({"window": {"opens": "March"}}, "not a date"),
    ({"eligibility": {"stages": ["teen"]}}, "unknown value"),
    ({"eligibility": {"colour": "red"}}, "unknown eligibility criterion"),
    ({"text": {"en": {"title": "T"}}}, "title and a summary"),
    ({"text": {"english": {"title": "T", "summary": "S"}}}, "two-letter"),
    ({"surprise": 1}, "unknown key"),
    ({"text": {"en": {"title": "T", "summary": "S", "names": "startup visa"}}}, "names: must be a list"),
])
def test_invalid_records_are_rejected_with_location(change, message):
    with pytest.raises(InvalidRecord) as exc:
        normalize_record({**MINIMAL, **change})
    assert message in str(exc.value)


def full_record():
    return normalize_record({
        **MINIMAL, "agency": "Agency", "official_url": "https://example.org", "status": "published",
        "last_verified": "2026-11-26", "window": {"opens": "2026-02-01", "closes": "2026-03-01", "note": "yearly"},
        "eligibility": {"stages": ["early"], "company_age_max_years": 3, "requires_korean_company": True},
        "sources": ["https://example.org/a"],
        "text": {"en": {"title": "T", "summary": "S", "body": "line 1\nline, \"2\"", "questions": ["q1?", "q2"],
                        "names": ["startup visa", "founder visa"]},
                 "ko": {"title": "제목", "summary": "요약", "questions": ["질문"], "names": ["창업비자"]}},
    })


@pytest.mark.parametrize("fmt, dump", [("yaml", dump_yaml), ("json", dump_json), ("csv", dump_csv)])
def test_round_trip_without_loss(fmt, dump):
    rec = full_record()
    again = parse_records(dump([rec]), fmt)
    assert again == [rec]
    assert dump(again) == dump([rec])


def test_yaml_errors_carry_line_numbers():
    text = yaml.dump({"programs": [MINIMAL, {**MINIMAL, "id": "x-2", "category": "nope"}]}, sort_keys=False)
    with pytest.raises(InvalidRecord) as exc:
        parse_records(text, "yaml", source="f.yaml")
    (loc, msg), = exc.value.problems
    assert loc.startswith("f.yaml:") and int(loc.split(":")[1].split()[0]) > 1
    assert loc.endswith(".category") and "got 'nope'" in msg


def test_every_problem_is_reported_and_duplicates_caught():
    text = json.dumps([MINIMAL, MINIMAL, {**MINIMAL, "id": "yy", "status": "?"}])
    with pytest.raises(InvalidRecord) as exc:
        parse_records(text, "json")
    messages = " | ".join(f"{loc}: {m}" for loc, m in exc.value.problems)
    assert "duplicate id 'x-1'" in messages and "status" in messages


def test_invalid_yaml_reports_line():
    with pytest.raises(InvalidRecord) as exc:
        parse_records("id: a\ncategory: [visa\n", "yaml", source="bad.yaml")
    assert "invalid YAML" in str(exc.value) and "bad.yaml:" in str(exc.value)


def test_seed_files_are_valid():
    from pathlib import Path
    from knowledge.languages import SUPPORTED
    from knowledge.records import read_records
    files = sorted((Path(__file__).parents[2] / "knowledge" / "seed" / "programs").glob("*.yaml"))
    assert files
    for path in files:
        (rec,) = read_records(path)
        assert rec["id"] == path.stem
        assert rec["status"] == "published"
        for lang in ("en", "ko"):
            assert rec["text"][lang]["title"] and rec["text"][lang]["body"], (path, lang)
        assert set(SUPPORTED) <= set(rec["text"]), (path, set(SUPPORTED) - set(rec["text"]))


def test_line_breaks_have_one_spelling():
    """A browser sends textareas with CRLF: the saved text, its hash and its embedding must not change."""
    raw = {"id": "line-breaks", "category": "visa", "text": {"en": {"title": "T", "summary": "S", "body": "a\nb\n"}}}
    posted = {"id": "line-breaks", "category": "visa", "text": {"en": {"title": "T", "summary": "S", "body": "a\r\nb\r\n"}}}
    assert normalize_record(posted) == normalize_record(raw)
    assert normalize_record(posted)["text"]["en"]["body"] == "a\nb"
