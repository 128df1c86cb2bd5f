"""Per-language accuracy of ``knowledge.langid.detect`` on held-out founder messages.

The sentences in ``langdata/heldout.yaml`` are never used for training. Messages are judged
without any prior or history, so this measures the text alone (the hardest case).

Example: python -m knowledge.langid_eval
"""
from __future__ import annotations

import sys
from pathlib import Path

from knowledge.langid import DATA_DIR, detect

HELDOUT = DATA_DIR / "heldout.yaml"


def load_heldout(path: Path = HELDOUT) -> dict[str, list[str]]:
    """Held-out messages by expected language."""
    import yaml

    return {lang: [str(s) for s in lines] for lang, lines in yaml.safe_load(path.read_text(encoding="utf-8")).items()}


def evaluate(samples: dict[str, list[str]] | None = None) -> dict[str, dict]:
    """Run ``detect`` on every sample; return ``{lang: {"correct", "total", "errors": [(text, got)]}}``."""
    samples = load_heldout() if samples is None else samples
    report = {}
    for lang, texts in samples.items():
        errors = [(text, got) for text in texts if (got := detect(text).lang) != lang]
        report[lang] = {"correct": len(texts) - len(errors), "total": len(texts), "errors": errors}
    return report


def main(out=sys.stdout) -> float:
    """Print accuracy per language, overall, and each miss; return overall accuracy."""
    report = evaluate()
    correct = sum(r["correct"] for r in report.values())
    total = sum(r["total"] for r in report.values())
    for lang, r in report.items():
        print(f"{lang:3} {r['correct']:3}/{r['total']:<3} {r['correct'] / r['total']:6.1%}", file=out)
    print(f"all {correct:3}/{total:<3} {correct / total:6.1%}", file=out)
    for lang, r in report.items():
        for text, got in r["errors"]:
            print(f"  miss {lang} -> {got}: {text}", file=out)
    return correct / total


if __name__ == "__main__":
    main()
