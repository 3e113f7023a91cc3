# Two commands on a fresh machine with Python 3.11:  make run  |  make test
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python

AXE := .cache/npm/node_modules/axe-core/axe.min.js

.PHONY: run test install ingest eval bench browser axe clean

run: $(VENV)/.installed  ## install, build the index if needed, serve on http://127.0.0.1:7860
	$(PY) app.py

# Tests: two workers with one torch thread each keep both cores busy without torch's threads
# spinning against each other (the suite: 135 s in one process, 78 s so, here).
test: $(VENV)/.installed browser axe  ## install, lint and run the tests
	$(PY) -m ruff check .
	HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 $(PY) -m pytest -q -n 2 --dist loadfile

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q torch==2.13.0   # the CPU build, before anything can ask for a CUDA one
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

browser:  ## Debian's Chromium for the browser test (never a test tool's own download)
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
		|| echo "chromium missing and not root: the browser test will be skipped (sudo apt-get install chromium)"; }

axe: $(AXE)  ## axe-core (npm) for the accessibility check in the browser tests

$(AXE):
	npm install --silent --no-audit --no-fund --prefix .cache/npm axe-core@4.14.1 \
		|| echo "npm could not install axe-core: the accessibility test will be skipped"

ingest: $(VENV)/.installed
	$(PY) -m ingest

eval: $(VENV)/.installed  ## dev-set metrics of both question sets
	HF_HUB_OFFLINE=1 $(PY) -m ask.evaluate ../shared/eval/dev/seed_notes.jsonl --notes notes
	HF_HUB_OFFLINE=1 $(PY) -m ask.evaluate ../shared/eval/dev/system_design_primer.jsonl --notes ../shared/corpora/system-design-primer

bench: $(VENV)/.installed  ## peers side by side (installs bench/requirements.txt)
	$(VENV)/bin/pip install -q -r bench/requirements.txt torch==2.13.0
	HF_HUB_OFFLINE=1 $(PY) -m bench.quality

clean:
	rm -rf $(VENV) index/manifest.json index/passages-* index/vectors-* index/units-*
