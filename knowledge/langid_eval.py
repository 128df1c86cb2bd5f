"""Per-language accuracy of ``knowledge.langid.detect`` on held-out founder messages.

The sentences in ``langdata/heldout.yaml`` are never used for training. Messages are judged
without any prior or history, so this measures the text alone (the hardest case).

Example: python -m knowledge.langid_eval
"""
from __future__ import annotations

import sys
from pathlib import Path

from knowledge.langid import DATA_DIR, _phrase_key, detect, get_model

HELDOUT = DATA_DIR / "heldout.yaml"


def load_heldout(path: Path = HELDOUT) -> dict[str, list[str]]:
    """Held-out messages by expected language."""
    import yaml

    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def evaluate(samples: dict[str, list[str]] | None = None) -> dict[str, dict]:
    """Run ``detect`` on every sample; return ``{lang: {"correct", "total", "errors", "skipped"}}``.

    A sample that became a known training phrase (e.g. someone added it to the NLU data) is
    skipped, since the exact-phrase lookup would answer it.
    """
    samples = load_heldout() if samples is None else samples
    known = get_model().phrases
    report = {}
    for lang, texts in samples.items():
        fresh = [text for text in texts if _phrase_key(text) not in known]
        errors = [(text, got) for text in fresh if (got := detect(text).lang) != lang]
        report[lang] = {"correct": len(fresh) - len(errors), "total": len(fresh), "errors": errors,
                        "skipped": len(texts) - len(fresh)}
    return report


def main(out=sys.stdout) -> float:
    """Print accuracy per language, overall, and each miss; return overall accuracy."""
    report = evaluate()
    correct = sum(r["correct"] for r in report.values())
    total = sum(r["total"] for r in report.values())
    for lang, r in report.items():
        skipped = f"  ({r['skipped']} skipped: now training phrases)" if r["skipped"] else ""
        print(f"{lang:3} {r['correct']:3}/{r['total']:<3} {r['correct'] / max(r['total'], 1):6.1%}{skipped}", file=out)
    print(f"all {correct:3}/{total:<3} {correct / max(total, 1):6.1%}", file=out)
    for lang, r in report.items():
        for text, got in r["errors"]:
            print(f"  miss {lang} -> {got}: {text}", file=out)
    return correct / max(total, 1)


if __name__ == "__main__":
    main()
