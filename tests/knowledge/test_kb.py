import datetime as dt

import pytest

from knowledge import KnowledgeBase, get_settings
from knowledge import search as ranking
from knowledge.errors import DatabaseMissing, InvalidQuery, InvalidRecord, NotFound
from knowledge.programme import window_state


def test_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(DatabaseMissing, match="kb init"):
        KnowledgeBase.open(get_settings(kb_path=tmp_path / "nope.db"))


def test_exact_ranking_with_fake_encoder(small_kb):
    result = small_kb.search("loan without collateral", lang="en")
    assert [h.id for h in result.hits] == ["loan-b", "visa-a", "office-c"]
    # mean of its chunks: the identical example question (1.0) and its title+summary passage
    enc = small_kb.encoder
    q, head = enc.encode_queries(["loan without collateral", "Guarantee loan. Bank loan without collateral"])
    assert result.hits[0].dense == pytest.approx((1.0 + float(q @ head)) / 2, abs=1e-6)
    assert result.answerable


def test_drafts_are_never_found(small_kb):
    ids = [h.id for h in small_kb.search("free office space draft", lang="en").hits]
    assert "draft-d" not in ids and ids[0] == "office-c"


def test_publish_makes_searchable_without_restart(small_kb):
    small_kb.set_status("draft-d", "published")
    assert "draft-d" in [h.id for h in small_kb.search("hidden draft", lang="en").hits]
    small_kb.set_status("draft-d", "archived")
    assert "draft-d" not in [h.id for h in small_kb.search("hidden draft", lang="en").hits]


def test_edit_seen_by_another_open_handle(small_kb):
    other = KnowledgeBase.open(small_kb.settings, encoder=small_kb.encoder)
    assert other.search("bank loan", lang="en").hits[0].id == "loan-b"
    small_kb.patch("office-c", {"text": {"en": {"questions": ["bank loan for my office"]}}})
    assert other.search("bank loan for my office", lang="en").hits[0].id == "office-c"
    other.close()


def test_only_changed_texts_are_reembedded(small_kb):
    small_kb.patch("loan-b", {"text": {"en": {"summary": "Bank loan without any collateral"}}})
    stats = small_kb.last_index_stats
    # the title+summary passage changed (no body, so head and doc are one text); the question did not
    assert (stats.chunks, stats.embedded, stats.reused) == (2, 1, 1)
    small_kb.patch("loan-b", {"agency": "KIBO"})
    assert (small_kb.last_index_stats.embedded, small_kb.last_index_stats.reused) == (0, 2)


def test_code_hits_rank_first(fake_kb, make_record):
    fake_kb.import_records([
        make_record("visa-d84", "Technology startup visa (D-8-4)", "For founders", category="visa"),
        make_record("visa-d102", "Job-seeking visa (D-10-2)", "Prepare a startup; later D-8-4", category="visa"),
    ])
    result = fake_kb.search("D-8-4?", lang="en")
    assert result.hits[0].id == "visa-d84" and result.answerable
    assert result.hits[1].code > 0  # mentioned in the summary only


def test_common_names_rank_their_programme_up(fake_kb, make_record):
    """A name from the record's ``names`` in the question adds search.NAME_BONUS, whatever its spacing
    or inflection; a name that more than two programmes list says nothing and is ignored."""
    fake_kb.import_records([
        make_record("visa-d84", "기술창업 비자 (D-8-4)", "기술 창업자의 체류", lang="ko", names=["창업비자"]),
        make_record("hire-e7", "외국인 직원 고용", "취업비자 후원", lang="ko"),
        *[make_record(f"gen-{i}", f"지원 {i}", "일반 지원", lang="ko", names=["지원사업"]) for i in range(3)],
    ])
    for question in ("창업비자는 어떻게 받나요?", "창업 비자를 받으려면?"):
        hits = {h.id: h for h in fake_kb.search(question, lang="ko", k=10).hits}
        assert hits["visa-d84"].code == pytest.approx(ranking.NAME_BONUS)
        assert hits["hire-e7"].code == 0
    hits = fake_kb.search("지원사업 목록", lang="ko", k=10).hits
    assert all(h.code == 0 for h in hits)
    exported = {r["id"]: r for r in fake_kb.export()}
    assert exported["visa-d84"]["text"]["ko"]["names"] == ["창업비자"]


@pytest.mark.parametrize("question, name, found", [
    ("외국인 창업자가 창업 비자를 받으려면", "창업비자", True),
    ("취업비자 스폰서", "창업비자", False),
    ("Как получить стартап-визу?", "стартап-виз", True),
    ("How do I get a Startup Visa?", "startup visa", True),
    ("visa for my startup", "startup visa", False),
    ("multitips for founders", "tips", False),
    ("Comment obtenir un visa d'investisseur ?", "visa d'invest", True),
])
def test_mentions_name(question, name, found):
    assert ranking.mentions_name(ranking.name_tokens(question), ranking.name_tokens(name)) is found


@pytest.mark.parametrize("text", ["", "   ", "x" * 100_000])
def test_bad_queries(small_kb, text):
    with pytest.raises(InvalidQuery):
        small_kb.search(text, lang="en")


def test_versions_history_and_restore(small_kb):
    small_kb.patch("loan-b", {"agency": "KIBO"})
    history = small_kb.history("loan-b")
    assert [h["version"] for h in history] == [1, 2]
    assert [h["action"] for h in history] == ["import-create", "update"]
    restored = small_kb.restore("loan-b", 1)
    assert restored.agency == "" and restored.version == 3


def test_unknown_id_and_invalid_import_change_nothing(small_kb, make_record):
    with pytest.raises(NotFound):
        small_kb.get("nope")
    before = small_kb.export()
    with pytest.raises(InvalidRecord):
        small_kb.import_records([make_record("new-one", "T", "S"), {"id": "bad", "category": "x"}])
    assert small_kb.export() == before


def test_delete_keeps_history(small_kb):
    small_kb.delete("office-c")
    with pytest.raises(NotFound):
        small_kb.get("office-c")
    assert "office-c" not in [h.id for h in small_kb.search("free office", lang="en").hits]
    assert small_kb.db.execute("SELECT action FROM versions WHERE program_id='office-c' ORDER BY id DESC").fetchone()[0] == "delete"


def test_window_states():
    today = dt.date(2026, 11, 26)
    assert window_state("rolling", today)["state"] == "rolling"
    assert window_state({"opens": "2026-11-01", "closes": "2026-12-01"}, today) == {
        "opens": "2026-11-01", "closes": "2026-12-01", "note": None, "state": "open", "days": 5}
    assert window_state({"opens": "2026-01-01", "closes": "2026-02-01"}, today)["state"] == "closed"
    assert window_state({"opens": "2027-01-10", "closes": None}, today)["days"] == 45
    assert window_state({"note": "each spring"}, today)["state"] == "periodic"


def test_calibration_rejects_small_talk_and_keeps_questions(small_kb):
    from knowledge.evaluate import calibrate
    report = calibrate(small_kb)
    assert report["positives"] == 3 and report["negatives"] > 100
    assert small_kb.meta(f"novelty:{small_kb.encoder.model_id}") is not None
    assert small_kb.answer_gate() is not None
    found = small_kb.search("loan without collateral", lang="en")
    assert found.answerable and 0.5 <= found.confidence < 1.0  # the gate's probability, not a yes/no
    # an exact known non-question is nearer to the negatives than to any programme
    assert not small_kb.search("tell me a joke", lang="en").answerable


def test_answer_gate_learns_a_line_through_the_scores():
    import numpy as np
    from knowledge.search import AnswerGate
    rng = np.random.default_rng(0)
    # answerable: high top score and novelty; not: low; the classifier's score adds a little
    positives = np.c_[rng.normal(0.9, 0.02, 200), rng.normal(0.08, 0.03, 200), rng.normal(0.3, 0.1, 200)]
    negatives = np.c_[rng.normal(0.85, 0.02, 40), rng.normal(-0.03, 0.03, 40), rng.normal(0.1, 0.1, 40)]
    gate = AnswerGate.fit(positives, negatives)
    assert (gate.probability(positives) >= 0.5).mean() > 0.95 and (gate.probability(negatives) < 0.5).mean() > 0.95
    # more novelty never lowers the probability
    assert gate.probability([0.88, 0.10, 0.2]) > gate.probability([0.88, 0.0, 0.2])
    again = AnswerGate.from_json(gate.to_json())
    assert np.allclose(again.probability(positives), gate.probability(positives))


def test_a_threshold_override_uses_the_plain_rule(small_kb):
    from knowledge.evaluate import calibrate
    calibrate(small_kb)
    import dataclasses
    small_kb.settings = dataclasses.replace(small_kb.settings, answer_threshold=-1.0)  # every top score reaches it
    found = small_kb.search("loan without collateral", lang="en")
    assert found.answerable and found.confidence == 1.0


def test_negative_groups_tie_each_line_to_its_translations_and_copies(tmp_path, monkeypatch):
    from knowledge import evaluate
    own, translated = tmp_path / "negatives.yaml", tmp_path / "negatives_translated.yaml"
    own.write_text("ko:\n- 안녕\n- 날씨 어때?\n", encoding="utf-8")
    translated.write_text("en:\n- hello\n- tell me a joke\nko:\n- 안녕\n- 농담해 줘\n", encoding="utf-8")
    monkeypatch.setattr(evaluate, "NEGATIVES", own)
    monkeypatch.setattr(evaluate, "NEGATIVES_TRANSLATED", translated)
    lines = evaluate.negative_groups()
    group = {text: g for text, g in lines}
    assert [t for t, _ in lines] == ["안녕", "날씨 어때?", "hello", "tell me a joke", "안녕", "농담해 줘"]
    assert group["hello"] == group["안녕"]  # a translation, and the copy of a Korean line of its own
    assert group["tell me a joke"] == group["농담해 줘"] != group["hello"]
    assert len({group["날씨 어때?"], group["hello"], group["농담해 줘"]}) == 3


def test_classifier_separates_programmes_on_their_own_directions():
    import numpy as np
    from knowledge.search import fit_classifier
    # programme 0 lives on axis 0, programme 1 on axis 1; both share axis 2 (a word every programme uses)
    rows = np.array([[1, 0, 1], [0.9, 0, 1.1], [0, 1, 1], [0, 1.1, 0.9], [0, 1, 1.2]], dtype=np.float32)
    weights = fit_classifier(rows, np.array([0, 2]))
    assert weights.shape == (3, 2)
    assert (np.argmax(rows @ weights, axis=1) == [0, 0, 1, 1, 1]).all()
    assert np.argmax(np.array([1, 0, 0.2]) @ weights) == 0 and np.argmax(np.array([0, 1, 0.2]) @ weights) == 1
    assert fit_classifier(np.zeros((0, 3), dtype=np.float32), np.array([], dtype=np.int64)).shape == (3, 0)


def test_classifier_gives_texts_and_questions_equal_total_weight():
    import numpy as np
    from knowledge.search import fit_classifier
    rng = np.random.default_rng(3)
    rows = rng.normal(size=(8, 4)).astype(np.float32)
    # programme 0: rows 0-3, programme 1: rows 4-7; rows 0 and 4 are texts, the other six questions
    passages = np.array([True, False, False, False, True, False, False, False])
    weighted = fit_classifier(rows, np.array([0, 4]), passages)
    # the same as repeating each text three times (six questions for two texts)
    repeated = np.concatenate([rows[[0, 0, 0]], rows[1:4], rows[[4, 4, 4]], rows[5:]])
    assert np.allclose(weighted, fit_classifier(repeated, np.array([0, 6])), atol=1e-5)
    assert not np.allclose(weighted, fit_classifier(rows, np.array([0, 4])), atol=1e-3)


def test_heldout_ranking_counts_every_question_once_per_language(fake_kb, make_record):
    from knowledge.evaluate import heldout_ranking
    fake_kb.import_records([
        make_record(f"p{i}", f"Programme {word}", f"All about {word}",
                    questions=[word, f"{word}?", f"{word} {word}"])
        for i, word in enumerate(["visa", "loan", "office", "hiring", "export"])])
    report = heldout_ranking(fake_kb, folds=3)
    assert report["all"]["questions"] == 15 and report["en"]["questions"] == 15
    # a held-out question still shares its programme's word with the title and summary
    assert report["all"] == {"questions": 15, "dense_p_at_1": 1.0, "fused_p_at_1": 1.0}


def test_term_overlap_terms_survive_korean_spacing_and_unsegmented_text():
    from knowledge.search import overlap_terms
    assert {"창업", "비자"} <= overlap_terms("창업비자를 받으려면") & overlap_terms("창업 비자")
    assert {"海外", "进出", "海外进"} <= overlap_terms("海外进出口")
    assert {"văn phòng", "miễn phí"} <= overlap_terms("Có văn phòng miễn phí không?")
    assert overlap_terms("a b") == {"a b"}  # one-letter words only count in pairs


def test_term_overlap_weighs_rare_terms_by_programme():
    import numpy as np
    from knowledge.search import term_overlap
    # "gunsan" is in one programme of five, "visa" in two, "korea" in four (common: ignored)
    postings = {"visa": [1, 2], "gunsan": [2], "korea": [0, 1, 2, 3], "unused": [4]}
    scores = term_overlap(["visa", "gunsan", "korea", "typo"], postings, 5)
    assert np.argmax(scores) == 2 and scores[2] == pytest.approx(1.0)
    assert 0 < scores[1] < 0.5 and scores[0] == scores[3] == scores[4] == 0
    assert not term_overlap(["typo", "korea"], postings, 5).any()


def test_rare_shared_word_decides_between_similar_programmes(fake_kb, make_record):
    # Identical wording except one rare word each: the fake encoder's vectors hash 64 buckets, so the
    # dense scores barely differ; term overlap ranks the programme that names the founder's city.
    fake_kb.import_records([
        make_record("desk-jeonju", "Free desks for founders", "Free desks for founders in Jeonju"),
        make_record("desk-busan", "Free desks for founders", "Free desks for founders in Busan"),
    ])
    for city, expected in [("Jeonju", "desk-jeonju"), ("Busan", "desk-busan")]:
        hits = fake_kb.search(f"free desks in {city}?", lang="en").hits
        assert hits[0].id == expected and hits[0].overlap > hits[1].overlap


def test_term_index_follows_edits_status_and_deletes(small_kb):
    def overlap_of(pid, text):
        return {h.id: h.overlap for h in small_kb.search(text, lang="en", k=10).hits}.get(pid, 0.0)

    assert overlap_of("office-c", "zanzibar") == 0.0  # no programme says it: ignored, not penalised
    assert overlap_of("office-c", "zanzibar office") == pytest.approx(1.0)
    small_kb.patch("office-c", {"text": {"en": {"questions": ["office near zanzibar"]}}})
    assert overlap_of("office-c", "zanzibar") == pytest.approx(1.0)
    small_kb.set_status("draft-d", "published")
    assert overlap_of("draft-d", "hidden draft") == pytest.approx(1.0)  # the only programme saying so
    small_kb.delete("office-c")
    rows = small_kb.db.execute("SELECT count(*) FROM program_terms").fetchone()[0]
    assert rows == small_kb.db.execute("SELECT count(*) FROM programs").fetchone()[0] == 3


def test_term_index_is_rebuilt_when_the_term_rules_change(small_kb):
    from knowledge import search as ranking
    assert small_kb.meta("terms_version") == ranking.TERMS_VERSION  # a new KB starts current
    small_kb.db.execute("DELETE FROM program_terms")
    small_kb.set_meta("terms_version", "0")  # as if built by older rules
    other = KnowledgeBase.open(small_kb.settings, encoder=small_kb.encoder)
    assert other.search("collateral", lang="en").hits[0].overlap == pytest.approx(1.0)
    assert other.meta("terms_version") == ranking.TERMS_VERSION
    assert other.db.execute("SELECT count(*) FROM program_terms").fetchone()[0] == 4  # drafts too
    other.close()


def test_hindi_words_keep_their_vowel_signs():
    from knowledge.search import overlap_terms
    assert overlap_terms("एक्सपोर्ट वाउचर") == {"एक्सपोर्ट", "वाउचर", "एक्सपोर्ट वाउचर", "एक्सपो…"}


def test_long_words_also_give_their_stem():
    """Inflected forms of one word share its first search.STEM_CHARS characters."""
    from knowledge.search import overlap_terms
    assert "оруула…" in overlap_terms("хөрөнгө оруулалтын") & overlap_terms("хөрөнгө оруулах")
    assert "visa…" not in overlap_terms("visa")  # short words are terms as they are


def test_apostrophe_spellings_give_the_same_terms():
    from knowledge.search import overlap_terms
    assert overlap_terms("oʻzbek jamgʻarmasi") == overlap_terms("o'zbek jamg’armasi")
    assert "étranger" in overlap_terms("à l'étranger")
