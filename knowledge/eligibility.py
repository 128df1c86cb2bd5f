"""Match a founder's profile against the structured eligibility criteria of programmes."""
from __future__ import annotations

import dataclasses

#: The criteria a profile is checked on, in the order reasons are listed.
CRITERIA = ("founder_status", "stage", "company_age", "korean_company", "sector", "region")


@dataclasses.dataclass(frozen=True)
class Profile:
    """What the eligibility form asks a founder. ``None`` means "not answered"."""

    founder_status: str | None = None   # overseas, student, job_seeker, startup_visa, ... (records.ELIGIBILITY_VOCAB)
    stage: str | None = None            # pre_founding, early, growth, mature
    company_age: float | None = None    # years since incorporation
    sector: str | None = None           # ict, ai, manufacturing, bio, content, green, other
    in_jeonbuk: bool | None = None      # the company is or will be in Jeonbuk


@dataclasses.dataclass
class Match:
    """One programme checked against a profile: the criteria it matched and the ones it missed, and
    caveats a founder must check ("foreign_founders": whether they may apply is not confirmed)."""

    id: str
    matched: list[str]
    missed: list[str]
    caveats: list[str] = dataclasses.field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.missed


def _listed(values) -> list[str] | None:
    values = list(values or [])
    return None if not values or "any" in values else values


def check(record: dict, profile: Profile) -> Match:
    """Compare one record's criteria with ``profile``; unanswered questions count neither way."""
    rules = record.get("eligibility") or {}
    matched, missed = [], []

    def judge(name, ok):
        if ok is None:
            return
        (matched if ok else missed).append(name)

    statuses = _listed(rules.get("founder_status"))
    if statuses and profile.founder_status:
        judge("founder_status", profile.founder_status in statuses)
    stages = _listed(rules.get("stages"))
    if stages and profile.stage:
        judge("stage", profile.stage in stages)
    age = 0.0 if profile.stage == "pre_founding" and profile.company_age is None else profile.company_age
    low, high = rules.get("company_age_min_years"), rules.get("company_age_max_years")
    if age is not None and (low is not None or high is not None):
        judge("company_age", (low is None or age >= low) and (high is None or age <= high))
    if rules.get("requires_korean_company") and profile.stage:
        judge("korean_company", profile.stage != "pre_founding")
    sectors = _listed(rules.get("sectors"))
    if sectors and profile.sector:
        judge("sector", profile.sector in sectors)
    regions = rules.get("regions") or [record.get("region") or "nationwide"]
    if "nationwide" not in regions and profile.in_jeonbuk is not None:
        judge("region", profile.in_jeonbuk)
    caveats = ["foreign_founders"] if rules.get("foreign_founders_unconfirmed") and profile.founder_status != "korean" else []
    return Match(record["id"], matched, missed, caveats)


def match_all(programmes, profile: Profile, near_miss: int = 1) -> list[Match]:
    """Eligible programmes (most specific first), then near misses with at most ``near_miss`` unmet criteria."""
    checked = [check(p.record, profile) for p in programmes]
    eligible = sorted((m for m in checked if m.eligible), key=lambda m: (-len(m.matched), m.id))
    close = sorted((m for m in checked if 0 < len(m.missed) <= near_miss), key=lambda m: (-len(m.matched), m.id))
    return eligible + close
