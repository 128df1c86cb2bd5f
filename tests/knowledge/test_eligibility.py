from knowledge.eligibility import Profile, check, match_all
from knowledge.programme import Programme


def rec(pid, **rules):
    return {"id": pid, "region": "nationwide", "eligibility": rules}


def test_matched_and_missed_criteria():
    r = rec("early", stages=["early"], company_age_max_years=3, requires_korean_company=True, regions=["jeonbuk"])
    m = check(r, Profile(stage="early", company_age=2, in_jeonbuk=False))
    assert m.matched == ["stage", "company_age", "korean_company"]
    assert m.missed == ["region"]
    assert not m.eligible


def test_unanswered_questions_count_neither_way():
    m = check(rec("x", founder_status=["student"], sectors=["ai"]), Profile())
    assert m.matched == [] and m.missed == []


def test_pre_founding_has_age_zero_and_no_company():
    m = check(rec("x", company_age_max_years=7, requires_korean_company=True), Profile(stage="pre_founding"))
    assert m.matched == ["company_age"] and m.missed == ["korean_company"]


def test_match_all_orders_eligible_then_near_misses():
    programmes = [Programme(r) for r in (
        rec("any"), rec("specific", stages=["growth"], sectors=["ai"]),
        rec("near", stages=["early"]), rec("far", stages=["early"], sectors=["bio"]))]
    out = match_all(programmes, Profile(stage="growth", sector="ai"))
    assert [m.id for m in out] == ["specific", "any", "near"]
    assert out[-1].missed == ["stage"]


def test_unconfirmed_foreign_eligibility_is_a_caveat_not_a_miss():
    r = rec("loan", stages=["early"], foreign_founders_unconfirmed=True)
    m = check(r, Profile(founder_status="student", stage="early"))
    assert m.eligible and m.matched == ["stage"] and m.caveats == ["foreign_founders"]
    assert check(r, Profile(founder_status="korean", stage="early")).caveats == []
    assert check(rec("visa", stages=["early"]), Profile(stage="early")).caveats == []
