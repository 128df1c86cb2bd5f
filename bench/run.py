"""``make bench``: run the benchmarks, write bench/results/*.json and the README tables."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
README = ROOT / "README.md"


def machine() -> dict:
    return {"date": dt.datetime.now().isoformat(timespec="seconds"), "cpus": os.cpu_count(),
            "python": platform.python_version(), "note": "shared 2-core machine: compare ratios within one run"}


def heldout_table(report: dict) -> str:
    """The held-out ranking test (kb calibrate) as a table: P@1 of the dense score alone and fused."""
    langs = list(report)
    return ("Held-out ranking test (`kb calibrate`: the KB's own example questions in 5 folds, each held out "
            "with its translations from every index and from the classifier), P@1:\n\n"
            "| | " + " | ".join(langs) + " |\n|---|" + "---|" * len(langs) + "\n"
            "| dense only | " + " | ".join(f"{report[k]['dense_p_at_1']:.3f}" for k in langs) + " |\n"
            "| fused (ranking) | " + " | ".join(f"{report[k]['fused_p_at_1']:.3f}" for k in langs) + " |")


def kb_table(r: dict) -> str:
    lines = ["| KB size (programmes) | chunks | search p50 ms | search p95 ms | first query ms | peak RSS MB |",
             "| ---: | ---: | ---: | ---: | ---: | ---: |"]
    for s in r["sizes"]:
        lines.append(f"| {s['programmes']:,} | {s['chunks']:,} | {s['p50_ms']} | {s['p95_ms']} | "
                     f"{s['first_query_ms']} | {s['peak_rss_mb']} |")
    ix = r["indexing"]
    lines += ["", f"Index build rate: {ix['texts_per_second']} texts/s with the bundled encoder, on a random "
                  f"sample of every kind of text (a full reindex of the seed KB embeds {ix['full_reindex_texts']} "
                  f"texts, about {ix['full_reindex_texts'] / ix['texts_per_second']:.0f} s). "
                  f"One-field edit re-embedded {ix['one_field_edit']['embedded']} text(s) and reused "
                  f"{ix['one_field_edit']['reused']}. Publish to searchable (another process's handle): "
                  f"{ix['publish_to_searchable_ms']} ms."]
    return "\n".join(lines)


def write_readme_section(name: str, body: str) -> None:
    text = README.read_text(encoding="utf-8")
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text += f"\n{block}\n"
    README.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("parts", nargs="*", default=["eval", "kb", "chat"], help="eval, kb, chat (default: all)")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    from knowledge import get_settings
    settings = get_settings()
    if "eval" in args.parts:
        from knowledge import KnowledgeBase, evaluate
        dev = ROOT.parent / "shared" / "eval" / "dev_questions.jsonl"
        founders = ROOT / "bench" / "eval" / "founder_questions.jsonl"
        with KnowledgeBase.open(settings) as kb:
            if dev.exists():
                calibration = evaluate.calibrate(kb, ranking=True)
                report = evaluate.evaluate(kb, evaluate.read_questions(dev))
                (RESULTS / "eval.json").write_text(json.dumps({"machine": machine(), "calibration": calibration,
                                                               **report}, indent=2, ensure_ascii=False))
                body = "```\n" + evaluate.format_table(report) + "\n```\n\n" + (
                    f"Answer gate ({calibration['model']}) fitted by `kb calibrate` on {calibration['positives']} "
                    f"example questions (each held out, with its translations, of the index and the classifier) "
                    f"and {calibration['negatives']} small-talk/off-topic lines (each held out with its "
                    f"translations): answers {calibration['positive_recall']} of the questions, rejects "
                    f"{calibration['negative_rejection']} of the lines (the two cut-offs it replaced, on the same "
                    f"data: {calibration['rule']['positive_recall']} and {calibration['rule']['negative_rejection']})."
                    "\n\n" + heldout_table(calibration["heldout_ranking"]))
                write_readme_section("eval", body)
                print(body)
            report = evaluate.evaluate(kb, evaluate.read_questions(founders))
        (RESULTS / "founders.json").write_text(json.dumps({"machine": machine(), **report}, indent=2))
        body = "```\n" + evaluate.format_table(report) + "\n```\n"
        write_readme_section("founders", body)
        print(body)
    if "kb" in args.parts:
        from . import kb_bench
        result = {"machine": machine(), **kb_bench.run(str(settings.kb_path))}
        (RESULTS / "kb.json").write_text(json.dumps(result, indent=2))
        write_readme_section("kb", kb_table(result))
        print(kb_table(result))
    if "chat" in args.parts:
        try:
            from . import chat_bench
        except ImportError:
            print("chat benchmark not available yet")
        else:
            result = {"machine": machine(), **chat_bench.run(settings)}
            (RESULTS / "chat.json").write_text(json.dumps(result, indent=2))
            write_readme_section("chat", chat_bench.table(result))
            print(chat_bench.table(result))


if __name__ == "__main__":
    main()
