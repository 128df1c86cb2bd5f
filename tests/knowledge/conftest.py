import pytest

from knowledge import KnowledgeBase, get_settings
from knowledge.encoders import FakeEncoder


def make_record(pid, title, summary, *, status="published", category="funding", questions=(), lang="en",
                names=(), **extra):
    return {"id": pid, "category": category, "status": status,
            "text": {lang: {"title": title, "summary": summary, "questions": list(questions), "names": list(names)}},
            **extra}


@pytest.fixture(name="make_record")
def make_record_fixture():
    return make_record


@pytest.fixture
def fake_kb(tmp_path):
    """A fresh knowledge base on a real SQLite file, with the deterministic fake encoder."""
    settings = get_settings(kb_path=tmp_path / "kb.db", encoder="fake")
    kb = KnowledgeBase.open(settings, create=True, encoder=FakeEncoder())
    yield kb
    kb.close()


@pytest.fixture
def small_kb(fake_kb):
    fake_kb.import_records([
        make_record("visa-a", "Startup visa", "A visa for technology founders",
                    category="visa", questions=["how do I get a founder visa"]),
        make_record("loan-b", "Guarantee loan", "Bank loan without collateral",
                    questions=["loan without collateral"]),
        make_record("office-c", "Free office", "Free office space for teams", category="infrastructure",
                    questions=["is there free office space"]),
        make_record("draft-d", "Hidden draft", "Free office space draft", status="draft"),
    ])
    return fake_kb
