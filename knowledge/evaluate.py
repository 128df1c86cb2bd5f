"""Retrieval evaluation (``kb eval``) and answerability calibration (``kb calibrate``)."""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import yaml

from .errors import InvalidRecord

NEGATIVES = Path(__file__).parent / "calibration" / "negatives.yaml"
NEGATIVES_TRANSLATED = NEGATIVES.with_name("negatives_translated.yaml")


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


def negative_groups() -> list[tuple[str, int]]:
    """The known non-questions with a group number each: a line, its translations and its exact copies
    share a group, so calibration can leave a whole group out (as it does a question's translations).

    ``negatives.yaml`` has lines written for one language; ``negatives_translated.yaml`` has the same
    lines in every language, a line's translations at the same position in each list.
    """
    own = yaml.safe_load(NEGATIVES.read_text(encoding="utf-8"))
    translated = yaml.safe_load(NEGATIVES_TRANSLATED.read_text(encoding="utf-8")) \
        if NEGATIVES_TRANSLATED.exists() else {}
    lines = [(text, ("own", n)) for n, text in enumerate(t for texts in own.values() for t in texts)]
    lines += [(text, ("translated", position)) for texts in translated.values()
              for position, text in enumerate(texts)]
    parent: dict = {}

    def root(key):
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for text, key in lines:  # a line joins its translations' group and every copy of its text
        parent[root(key)] = root(("text", text))
    numbers: dict = {}
    return [(text, numbers.setdefault(root(key), len(numbers))) for text, key in lines]


def negative_questions() -> list[str]:
    """Greetings, requests for a person and off-topic questions: search must not answer these."""
    return [text for text, _ in negative_groups()]


def features(scores) -> np.ndarray:
    """The answerability features of one query (search.AnswerGate.FEATURES): best programme's dense
    score, novelty and the classifier's best score."""
    return scores.gate_features()


def _question_slots(kb, index) -> list:
    """Per index row: (programme, position) for example questions, so a question and its translations
    (the question at the same position in every language of that programme) share a slot; None for passages."""
    counters, slot = {}, {}
    for chunk_id, pid, lang in kb.db.execute(
            "SELECT id, program_id, lang FROM chunks WHERE kind = 'question' ORDER BY id"):
        n = counters.get((pid, lang), 0)
        counters[(pid, lang)] = n + 1
        slot[chunk_id] = (pid, n)
    return [slot.get(int(c)) for c in index.chunk_ids]


def _programme_of_rows(index) -> np.ndarray:
    return np.repeat(np.arange(len(index.programme_ids)), np.diff(np.append(index.starts, len(index.hashes))))


def heldout_passes(kb, folds: int = 5, seed: int = 0) -> list[tuple[str, int, object]]:
    """Every example question scored by a ranking that has never seen it: ``(lang, programme block, Scores)``.

    The questions are split in ``folds`` folds; each fold's questions, with all their translations
    (see ``_question_slots``), are held out of the dense index, the term index and the classifier's
    training data, as an unseen founder question would be.
    """
    from .search import fit_classifier, term_keys
    index = kb._dense_index()
    chunks = {chunk_id: (text, lang) for chunk_id, text, lang in kb.db.execute("SELECT id, text, lang FROM chunks")}
    row_keys = [term_keys(chunks[int(c)][0]) for c in index.chunk_ids]
    row_slot = _question_slots(kb, index)
    slots = sorted({s for s in row_slot if s})
    if not slots or folds < 2:
        return []
    order = np.random.default_rng(seed).permutation(len(slots))
    fold_of = {slots[i]: n % folds for n, i in enumerate(order)}
    row_fold = np.array([fold_of[s] if s else -1 for s in row_slot])
    programme_of = _programme_of_rows(index)
    passes = []
    for fold in range(folds):
        held = row_fold == fold
        kept = np.flatnonzero(~held)
        starts = np.flatnonzero(np.diff(np.append(-1, programme_of[kept])))
        weights = np.zeros((index.matrix.shape[1], len(index.programme_ids)), dtype=np.float32)
        weights[:, programme_of[kept][starts]] = fit_classifier(index.matrix[kept], starts, index.roles[kept])
        postings = defaultdict(set)
        for row in kept:
            for key in row_keys[row]:
                postings[key].add(int(programme_of[row]))
        postings = {key: sorted(blocks) for key, blocks in postings.items()}
        for row in np.flatnonzero(held):
            text, lang = chunks[int(index.chunk_ids[row])]
            scores = kb.score_vector(text, index.matrix[row], exclude=held, classifier=weights,
                                     postings=postings)
            passes.append((lang, int(programme_of[row]), scores))
    return passes


def heldout_ranking(kb, folds: int = 5, seed: int = 0, passes: list | None = None) -> dict:
    """P@1 of the ranking on the knowledge base's own example questions, each held out (``heldout_passes``).

    Reported for the dense score alone and for the full fused score, per language: the evidence
    behind the weights in knowledge.search.
    """
    passes = heldout_passes(kb, folds, seed) if passes is None else passes
    if not passes:
        return {"questions": 0}
    tally = defaultdict(lambda: [0, 0, 0])  # lang -> [questions, dense hits, fused hits]
    for lang, block, scores in passes:
        for key in ("all", lang):
            t = tally[key]
            t[0] += 1
            t[1] += int(np.argmax(scores.dense) == block)
            t[2] += int(np.argmax(scores.fused) == block)
    return {lang: {"questions": n, "dense_p_at_1": round(d / n, 4), "fused_p_at_1": round(f / n, 4)}
            for lang, (n, d, f) in sorted(tally.items(), key=lambda kv: (kv[0] != "all", kv[0]))}


def negative_features(kb) -> np.ndarray:
    """Answerability features of the known non-questions, each with its group left out (``negative_groups``)."""
    if not kb._dense_index().hashes:
        return np.zeros((0, 3))
    negatives = negative_groups()
    groups = np.array([group for _, group in negatives])
    vectors = kb.encoder.encode_queries([text for text, _ in negatives])
    return np.array([features(kb.score_vector(text, vec, exclude_negative=groups == group))
                     for (text, group), vec in zip(negatives, vectors)]).reshape(-1, 3)


def best_rule(pos: np.ndarray, neg: np.ndarray) -> tuple[float, float, float]:
    """Threshold and novelty margin for ``top >= threshold and novelty >= margin`` with the best
    balanced accuracy; each is placed in the middle of the gap around its chosen value."""
    def cuts(values):
        v = np.unique(values)
        return np.concatenate([[v[0] - 0.01], (v[:-1] + v[1:]) / 2])

    tops, novelties = cuts(np.concatenate([pos[:, 0], neg[:, 0]])), cuts(np.concatenate([pos[:, 1], neg[:, 1]]))
    tops = np.quantile(tops, np.linspace(0, 1, 200))
    novelties = np.quantile(novelties, np.linspace(0, 1, 200))
    best = (-1.0, 0.0, 0.0)
    for t in tops:
        pos_top, neg_top = pos[:, 0] >= t, neg[:, 0] >= t
        for m in novelties:
            acc = ((pos_top & (pos[:, 1] >= m)).mean() + 1 - (neg_top & (neg[:, 1] >= m)).mean()) / 2
            if acc > best[0] + 1e-9:
                best = (float(acc), float(t), float(m))
    return best[1], best[2], best[0]


def calibrate(kb, *, ranking: bool = False) -> dict:
    """Fit and store the answer gate (search.AnswerGate) and the plain threshold rule for the current
    encoder, from the held-out example questions and the known non-questions; with ``ranking``, also
    report the held-out ranking test (``heldout_ranking``) from the same passes."""
    from .search import AnswerGate
    passes = heldout_passes(kb)
    pos = np.array([features(scores) for _, _, scores in passes]).reshape(-1, 3)
    neg = negative_features(kb)
    if not len(pos) or not len(neg):
        return {"model": kb.encoder.model_id, "threshold": kb.threshold(), "positives": len(pos),
                "negatives": len(neg), "note": "no example questions yet: threshold unchanged"}
    # The rule's threshold also decides which weak hits an unanswerable reply suggests (actions.compose).
    threshold, margin, rule_balanced = best_rule(pos, neg)
    gate = AnswerGate.fit(pos, neg)
    model = kb.encoder.model_id
    kb.set_meta(f"threshold:{model}", f"{threshold:.4f}")
    kb.set_meta(f"novelty:{model}", f"{margin:.4f}")
    kb.set_meta(f"gate:{model}", gate.to_json())
    accepted = gate.probability(pos) >= 0.5, gate.probability(neg) >= 0.5
    rule = (pos[:, 0] >= threshold) & (pos[:, 1] >= margin), (neg[:, 0] >= threshold) & (neg[:, 1] >= margin)
    recall, rejection = float(accepted[0].mean()), float(1 - accepted[1].mean())
    extra = {"heldout_ranking": heldout_ranking(kb, passes=passes)} if ranking else {}
    return {**extra, "model": model, "threshold": round(threshold, 4), "novelty_margin": round(margin, 4),
            "positives": len(pos), "negatives": len(neg),
            "balanced_accuracy": round((recall + rejection) / 2, 4),
            "positive_recall": round(recall, 4), "negative_rejection": round(rejection, 4),
            "rule": {"balanced_accuracy": round(float(rule_balanced), 4),
                     "positive_recall": round(float(rule[0].mean()), 4),
                     "negative_rejection": round(float(1 - rule[1].mean()), 4)}}
