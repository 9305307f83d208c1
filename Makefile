# docs-snippet harness. `make setup` once on a fresh machine, then `make test`; `make run` does the job.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
RUNNERS := runners
BASE    ?= auto

.PHONY: setup deps contract runners system engine images test test-fast run bench catalog lint clean screenshot fuzz

setup: deps contract runners system engine images

# Debian packages the tests use (chromium renders the HTML report); installed only when missing.
system:
	scripts/system-deps.sh

deps: $(BIN)/harness

$(BIN)/harness: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# Cloudflare's REST API contract (OpenAPI 3.1 + index), generated from the pinned `cloudflare` SDK (gitignored).
# `$(BIN)/python scripts/build_contract.py --openapi FILE` indexes a published OpenAPI document instead.
CONTRACT := .harness-cache/cloudflare-contract/index.json

contract: $(CONTRACT)

$(CONTRACT): $(BIN)/harness scripts/build_contract.py
	$(BIN)/python scripts/build_contract.py

runners: $(RUNNERS)/python/.venv/bin/python $(RUNNERS)/node/node_modules/.ok $(RUNNERS)/worker/node_modules/.ok \
         $(RUNNERS)/wrangler/node_modules/.ok
	if [ -x $(BIN)/harness ]; then $(BIN)/harness packages install; fi  # the project config's packages, if any

$(RUNNERS)/python/.venv/bin/python: $(RUNNERS)/python/requirements.txt
	$(PY) -m venv $(RUNNERS)/python/.venv
	$(RUNNERS)/python/.venv/bin/pip install -q -r $<
	touch $@

$(RUNNERS)/%/node_modules/.ok: $(RUNNERS)/%/package.json $(RUNNERS)/%/package-lock.json
	cd $(RUNNERS)/$* && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The Docker engine (installed from Debian and started when none answers) and the runner images.
engine:
	scripts/docker-engine.sh

images: deps engine
	$(BIN)/harness images build --base $(BASE)

test: deps
	$(BIN)/pytest -q

test-fast: deps
	$(BIN)/pytest -q -m "not docker"

run: deps
	$(BIN)/harness run fixtures/pages

# The README's picture of the HTML report: a fixture run, rendered in headless chromium.
screenshot: deps
	$(BIN)/python scripts/report_screenshot.py fixtures/pages docs/report.png

# The mock fuzzed against its contracts, long round (the suite runs a short one): every catalog model and
# every Cloudflare API operation (FUZZ_EXAMPLES cases a model, FUZZ_CLOUDFLARE_EXAMPLES an operation).
# FUZZ_OPENAPI=path fuzzes another OpenAPI document instead of the Workers AI routes.
FUZZ_EXAMPLES ?= 300
FUZZ_CLOUDFLARE_EXAMPLES ?= 25
fuzz: deps
	HARNESS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) HARNESS_FUZZ_OPENAPI=$(FUZZ_OPENAPI) HARNESS_FUZZ_CLOUDFLARE_EVERY=1 \
		HARNESS_FUZZ_CLOUDFLARE_EXAMPLES=$(FUZZ_CLOUDFLARE_EXAMPLES) \
		$(BIN)/pytest -q -p no:cacheprovider tests/fuzz

# SCALE=1: only the docs-scale run (a Cloudflare-sized tree run whole; long).
bench: deps
	$(BIN)/python scripts/bench.py $(if $(SCALE),--scale)

# The Workers AI model catalog (harness/mock/data/catalog.json), regenerated from the pinned packages
# of scripts/gen_catalog/package.json; bump their versions there to take newer models.
catalog: deps
	$(BIN)/python scripts/gen_catalog.py

lint: deps
	$(BIN)/ruff check harness tests scripts
	$(BIN)/mypy harness

clean:
	rm -rf $(VENV) $(RUNNERS)/python/.venv $(RUNNERS)/*/node_modules .pytest_cache
