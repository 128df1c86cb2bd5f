"""Per-language intent accuracy from ``rasa test nlu --cross-validation`` (``make rasa-test-nlu``).

Rasa reports one figure for all languages; this splits it by the file each example comes from
(``data/nlu/<lang>.yml``), reading Rasa's ``intent_errors.json``.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def examples_by_language(nlu_dir: Path) -> dict[str, set[str]]:
    out = {}
    for path in sorted(nlu_dir.glob("*.yml")):
        texts = set()
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in (block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    texts.add(line[2:].strip())
        out[path.stem] = texts
    return out


def report(nlu_dir: Path, errors_path: Path) -> dict[str, dict]:
    """``{lang: {"examples": n, "errors": e, "accuracy": a}}`` plus ``"all"``."""
    by_lang = examples_by_language(nlu_dir)
    wrong = Counter()
    for error in json.loads(errors_path.read_text(encoding="utf-8")):
        lang = next((lg for lg, texts in by_lang.items() if error["text"] in texts), "?")
        wrong[lang] += 1
    rows = {lang: {"examples": len(texts), "errors": wrong[lang],
                   "accuracy": round(1 - wrong[lang] / len(texts), 3) if texts else None}
            for lang, texts in by_lang.items()}
    total = sum(len(t) for t in by_lang.values())
    rows["all"] = {"examples": total, "errors": sum(wrong.values()),
                   "accuracy": round(1 - sum(wrong.values()) / total, 3) if total else None}
    return rows


def main(argv: list[str]) -> None:
    out = Path(argv[0]) if argv else ROOT / "var" / "nlu-results"
    rows = report(ROOT / "data" / "nlu", out / "intent_errors.json")
    langs = [lg for lg in rows if lg != "all"]
    print(f"{rows['all']['examples']} examples, accuracy {rows['all']['accuracy']}")
    print("| " + " | ".join(langs) + " |")
    print("| " + " | ".join("---" for _ in langs) + " |")
    print("| " + " | ".join(f"{rows[lg]['accuracy']:.3f}" for lg in langs) + " |")
    (out / "by_language.json").write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
