"""Shared fixtures: every test gets its own temp directory for every Founder Desk path."""
import pytest


@pytest.fixture(autouse=True)
def isolated_paths(tmp_path, monkeypatch):
    """Point every FOUNDERDESK_* path at the test's temp dir, so no test touches var/."""
    monkeypatch.setenv("FOUNDERDESK_KB_PATH", str(tmp_path / "knowledge.db"))
    monkeypatch.setenv("FOUNDERDESK_WEB_DB", str(tmp_path / "web.db"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    return tmp_path


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The real action server, Rasa server and web app on free ports (web.testing.Stack)."""
    yield from running_stack(tmp_path_factory.mktemp("stack"))


@pytest.fixture
def own_stack(tmp_path):
    """A stack of its own, for tests that stop and restart its processes."""
    yield from running_stack(tmp_path)


def running_stack(workdir):
    """Start the real stack in ``workdir`` for a fixture; a missing model or KB fails the test clearly."""
    from web.testing import Stack
    try:
        with Stack.running(workdir) as stack:
            yield stack
    except FileNotFoundError as exc:
        pytest.fail(str(exc))
