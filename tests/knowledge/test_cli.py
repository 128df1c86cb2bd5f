"""The kb command's errors: clear messages and non-zero exits, nothing half-applied."""
import json

import pytest
import yaml
from click.testing import CliRunner

from knowledge.cli import cli

RECORD = {"id": "demo-1", "category": "funding", "status": "published",
          "text": {"en": {"title": "Demo grant", "summary": "Money for demos", "questions": ["demo money"]}}}


@pytest.fixture
def runner(monkeypatch, tmp_path):
    monkeypatch.setenv("FOUNDERDESK_ENCODER", "fake")
    return CliRunner()


@pytest.fixture
def db(runner, tmp_path):
    path = tmp_path / "kb.db"
    (tmp_path / "one.yaml").write_text(yaml.safe_dump(RECORD))
    assert runner.invoke(cli, ["init", "--db", str(path), "--no-seed"]).exit_code == 0
    result = runner.invoke(cli, ["import", "--db", str(path), str(tmp_path / "one.yaml")])
    assert result.exit_code == 0, result.output
    return path


def test_missing_database(runner, tmp_path):
    result = runner.invoke(cli, ["search", "--db", str(tmp_path / "none.db"), "visa"])
    assert result.exit_code == 1
    assert "knowledge base not found" in result.output and "kb init" in result.output


@pytest.mark.parametrize("query, message", [("   ", "empty"), ("x" * 100_000, "longer than")], ids=["blank", "100kB"])
def test_bad_queries(runner, db, query, message):
    result = runner.invoke(cli, ["search", "--db", str(db), query])
    assert result.exit_code == 1 and message in result.output


def test_invalid_yaml_changes_nothing(runner, db, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ncategory: [oops\n")
    result = runner.invoke(cli, ["import", "--db", str(db), str(bad)])
    assert result.exit_code == 1 and "invalid YAML" in result.output and "bad.yaml:" in result.output


def test_duplicate_ids_in_file(runner, db, tmp_path):
    dup = tmp_path / "dup.yaml"
    dup.write_text(yaml.safe_dump([dict(RECORD, id="new-1"), dict(RECORD, id="new-1")]))
    result = runner.invoke(cli, ["import", "--db", str(db), str(dup)])
    assert result.exit_code == 1 and "duplicate id 'new-1'" in result.output
    listing = runner.invoke(cli, ["list", "--db", str(db)]).output
    assert "new-1" not in listing


def test_existing_id_with_no_replace(runner, db, tmp_path):
    again = tmp_path / "again.yaml"
    again.write_text(yaml.safe_dump(RECORD))
    result = runner.invoke(cli, ["import", "--db", str(db), "--no-replace", str(again)])
    assert result.exit_code == 1 and "already exists" in result.output


def test_unknown_id(runner, db):
    result = runner.invoke(cli, ["show", "--db", str(db), "nope"])
    assert result.exit_code == 1 and "no programme with id 'nope'" in result.output


def test_search_jsonl_keeps_order_and_reports_bad_lines(runner, db):
    lines = "\n".join([json.dumps({"q": "demo money", "lang": "en"}), json.dumps({"q": ""}),
                       json.dumps({"q": "Demo grant"})]) + "\n"
    result = runner.invoke(cli, ["search", "--db", str(db), "--jsonl"], input=lines)
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 1
    assert out[0]["q"] == "demo money" and out[0]["lang"] == "en" and out[0]["results"][0]["id"] == "demo-1"
    assert set(out[0]) == {"q", "lang", "answerable", "results"}
    assert set(out[0]["results"][0]) == {"id", "score", "title"}
    assert "error" in out[1]
    assert out[2]["results"][0]["id"] == "demo-1"


def test_export_import_round_trip(runner, db, tmp_path):
    for ext in ("yaml", "json", "csv"):
        target = tmp_path / f"out.{ext}"
        assert runner.invoke(cli, ["export", "--db", str(db), str(target)]).exit_code == 0
        fresh = tmp_path / f"fresh-{ext}.db"
        runner.invoke(cli, ["init", "--db", str(fresh), "--no-seed"])
        assert runner.invoke(cli, ["import", "--db", str(fresh), str(target)]).exit_code == 0
        again = tmp_path / f"again.{ext}"
        runner.invoke(cli, ["export", "--db", str(fresh), str(again)])
        assert again.read_text() == target.read_text()


def test_eval_reports_metrics(runner, db, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"q": "demo money", "lang": "en", "kind": "kb", "expect": ["demo-1"]}) + "\n")
    result = runner.invoke(cli, ["eval", "--db", str(db), str(questions), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["all"]["p_at_1"] == 1.0 and summary["en"]["mrr_at_5"] == 1.0
