"""Retrieval evaluation (``kb eval``) and answerability calibration (``kb calibrate``)."""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import yaml

from .errors import InvalidRecord

NEGATIVES = Path(__file__).parent / "calibration" / "negatives.yaml"


def read_questions(path) -> list[dict]:
    """Evaluation lines: ``{"q", "lang", "kind": kb|greet|handoff|oos, "expect": [ids]}``."""
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidRecord([(f"{path}:{n}", f"invalid JSON: {exc.msg}")]) from None
        if not isinstance(row, dict) or not row.get("q"):
            raise InvalidRecord([(f"{path}:{n}", 'each line needs at least {"q": ...}')])
        row.setdefault("kind", "kb" if row.get("expect") else "oos")
        rows.append(row)
    return rows


def evaluate(kb, questions: list[dict]) -> dict:
    """P@1 and MRR@5 on knowledge questions; answerable accuracy on every question; per language."""
    groups = defaultdict(lambda: {"n_kb": 0, "p1": 0.0, "mrr": 0.0, "n": 0, "answerable_ok": 0})
    details = []
    for row in questions:
        result = kb.search(row["q"], lang=row.get("lang"), k=5)
        ids = [h.id for h in result.hits]
        is_kb = row["kind"] == "kb"
        rank = next((i + 1 for i, pid in enumerate(ids) if pid in (row.get("expect") or [])), None)
        for key in ("all", row.get("lang") or "?"):
            g = groups[key]
            g["n"] += 1
            g["answerable_ok"] += int(result.answerable == is_kb)
            if is_kb:
                g["n_kb"] += 1
                g["p1"] += int(rank == 1)
                g["mrr"] += 1.0 / rank if rank else 0.0
        details.append({"q": row["q"], "lang": row.get("lang"), "kind": row["kind"], "expect": row.get("expect"),
                        "got": ids[:3], "answerable": result.answerable,
                        "score": round(result.hits[0].score, 4) if result.hits else None, "rank": rank})
    summary = {}
    for key, g in groups.items():
        summary[key] = {
            "questions": g["n"], "kb_questions": g["n_kb"],
            "p_at_1": round(g["p1"] / g["n_kb"], 4) if g["n_kb"] else None,
            "mrr_at_5": round(g["mrr"] / g["n_kb"], 4) if g["n_kb"] else None,
            "answerable_accuracy": round(g["answerable_ok"] / g["n"], 4),
        }
    return {"summary": summary, "details": details}


def format_table(report: dict) -> str:
    rows = sorted(report["summary"].items(), key=lambda kv: (kv[0] != "all", kv[0]))
    lines = [f"{'lang':<6}{'n':>5}{'kb':>5}{'P@1':>8}{'MRR@5':>8}{'answerable acc':>16}"]
    for lang, s in rows:
        p1 = "-" if s["p_at_1"] is None else f"{s['p_at_1']:.3f}"
        mrr = "-" if s["mrr_at_5"] is None else f"{s['mrr_at_5']:.3f}"
        lines.append(f"{lang:<6}{s['questions']:>5}{s['kb_questions']:>5}{p1:>8}{mrr:>8}"
                     f"{s['answerable_accuracy']:>16.3f}")
    return "\n".join(lines)


def negative_questions() -> list[str]:
    """Greetings, requests for a person and off-topic questions: search must not answer these."""
    data = yaml.safe_load(NEGATIVES.read_text(encoding="utf-8"))
    return [q for lines in data.values() for q in lines]


def features(dense: np.ndarray) -> tuple[float, float]:
    """(best programme's dense score, its margin over the median programme)."""
    return float(dense.max()), float(dense.max() - np.median(dense))


def calibration_scores(kb) -> tuple[np.ndarray, np.ndarray, float]:
    """Answerability features (top, margin) for answerable and unanswerable examples, and leave-one-out P@1.

    Positives are the knowledge base's own example questions. Each is searched with its own chunk
    and its translations left out (the question at the same position in every language of that
    programme), so a question finds neither itself nor a copy of itself in another language.
    Negatives come from negatives.yaml.
    """
    index = kb._dense_index()
    texts = {}
    for chunk_id, pid, lang, text in kb.db.execute(
            "SELECT id, program_id, lang, text FROM chunks WHERE kind = 'question' ORDER BY id"):
        texts[chunk_id] = (pid, lang, text)
    counters, slot = {}, {}
    for chunk_id, (pid, lang, _) in texts.items():
        n = counters.get((pid, lang), 0)
        counters[(pid, lang)] = n + 1
        slot[chunk_id] = (pid, n)
    row_slot = [slot.get(int(c)) for c in index.chunk_ids]
    programme_of = np.repeat(np.arange(len(index.programme_ids)),
                             np.diff(np.append(index.starts, len(index.hashes))))
    pos, hits = [], 0
    for row in np.flatnonzero(~index.roles):
        same = np.array([s == row_slot[row] for s in row_slot])
        _, dense, fused, _, _ = kb.score_vector(texts[int(index.chunk_ids[row])][2], index.matrix[row],
                                                exclude=same)
        best = int(np.argmax(fused))
        hits += int(best == programme_of[row])
        pos.append(features(dense))
    negatives = negative_questions()
    vectors = kb.encoder.encode_queries(negatives)
    neg = [features(kb.score_vector(text, vec)[1]) for text, vec in zip(negatives, vectors)] if index.hashes else []
    p1 = hits / len(pos) if pos else 0.0
    return np.array(pos).reshape(-1, 2), np.array(neg).reshape(-1, 2), p1


MARGIN_WEIGHTS = (0.0, 0.5, 1.0, 2.0, 3.0)


def best_rule(pos: np.ndarray, neg: np.ndarray) -> tuple[float, float, float]:
    """Margin weight and threshold for ``top + weight * margin >= threshold`` with the best balanced accuracy."""
    best = (-1.0, 0.0, 0.0)
    for weight in MARGIN_WEIGHTS:
        p = pos[:, 0] + weight * pos[:, 1]
        n = neg[:, 0] + weight * neg[:, 1]
        t = best_threshold(p, n)
        acc = ((p >= t).mean() + (n < t).mean()) / 2
        if acc > best[0] + 1e-9:
            best = (acc, weight, t)
    return best[1], best[2], best[0]


def best_threshold(pos: np.ndarray, neg: np.ndarray) -> float:
    """The threshold with the best balanced accuracy, in the middle of the range that achieves it."""
    candidates = np.unique(np.concatenate([pos, neg]))
    accs = np.array([((pos >= t).mean() + (neg < t).mean()) / 2 for t in candidates])
    first = int(np.argmax(accs))
    last = first
    while last + 1 < len(candidates) and abs(accs[last + 1] - accs[first]) < 1e-9:
        last += 1
    low = candidates[first - 1] if first > 0 else candidates[first] - 0.01
    return float((low + candidates[last]) / 2)


def calibrate(kb) -> dict:
    """Choose and store the answerability threshold for the current encoder."""
    pos, neg, p1 = calibration_scores(kb)
    if not len(pos) or not len(neg):
        return {"model": kb.encoder.model_id, "threshold": kb.threshold(), "positives": len(pos),
                "negatives": int(neg.size), "note": "no example questions yet: threshold unchanged"}
    weight, threshold, balanced = best_rule(pos, neg)
    kb.set_meta(f"threshold:{kb.encoder.model_id}", f"{threshold:.4f}")
    kb.set_meta(f"margin_weight:{kb.encoder.model_id}", f"{weight}")
    p, n = pos[:, 0] + weight * pos[:, 1], neg[:, 0] + weight * neg[:, 1]
    return {"model": kb.encoder.model_id, "threshold": round(threshold, 4), "margin_weight": weight,
            "positives": len(pos), "negatives": len(neg), "loo_p_at_1": round(p1, 4),
            "balanced_accuracy": round(float(balanced), 4),
            "positive_recall": round(float((p >= threshold).mean()), 4),
            "negative_rejection": round(float((n < threshold).mean()), 4)}
