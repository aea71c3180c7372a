# browserd: `make run` serves on 127.0.0.1:8000 with its data in ./data;
# `make test` runs every test; `make bench` measures browserd beside its peers (never in
# `make test` or CI). Each installs what it needs first.

SHELL := /bin/bash
VENV := .venv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM_PACKAGES := chromium chromium-headless-shell

.PHONY: run test chromium postgresql venv venv-sdk venv-schemathesis html5lib-tests build lint clean bench bench-pure bench-cluster bench-sessions node cdp-clients soak

run: chromium
	cargo build --release
	./target/release/browserd serve

# Every target but the criterion benches: they measure, `make bench-pure` runs them, and the
# extraction one reads ../shared/bench, which a fresh clone need not have beside it.
test: chromium postgresql venv venv-sdk venv-schemathesis html5lib-tests cdp-clients
	cargo test --lib --bins --tests --examples

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings

# Debian's Chromium (and the lighter headless shell) from apt, when missing.
chromium:
	@if [ ! -x /usr/lib/chromium/chromium ] || [ ! -x /usr/lib/chromium/chromium-headless-shell ]; then \
		echo "installing $(CHROMIUM_PACKAGES) with apt-get"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(CHROMIUM_PACKAGES) >/dev/null; \
	fi

# Debian's PostgreSQL server binaries, when missing: the store's tests and the cluster test
# start a throwaway server of their own from them (tests/support/postgres.rs); the
# package's own cluster service is not used.
postgresql:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "installing postgresql with apt-get"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql >/dev/null; \
	fi

# The published Notte client the tests drive the server with, the MCP SDK's client and the
# OpenAPI validator.
venv: $(VENV)/.installed

$(VENV)/.installed: tests/notte/requirements.txt tests/mcp/requirements.txt tests/openapi/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check --no-deps notte==1.2.1
	$(VENV)/bin/pip install -q --disable-pip-version-check -r tests/notte/requirements.txt -r tests/mcp/requirements.txt -r tests/openapi/requirements.txt
	touch $@

# The current Notte SDK (notte-sdk 1.10.0, with its own dependencies) in a venv of its
# own: it needs a newer pydantic world than the 1.2.1 client above.
VENV_SDK := .venv-sdk
venv-sdk: $(VENV_SDK)/.installed

$(VENV_SDK)/.installed: tests/notte/sdk_requirements.txt
	python3 -m venv $(VENV_SDK)
	$(VENV_SDK)/bin/pip install -q --disable-pip-version-check -r tests/notte/sdk_requirements.txt
	touch $@

# Schemathesis, the property-based API tester the contract test drives the OpenAPI
# document with (tests/api/schemathesis.rs), in a venv of its own.
VENV_SCHEMATHESIS := .venv-schemathesis
venv-schemathesis: $(VENV_SCHEMATHESIS)/.installed

$(VENV_SCHEMATHESIS)/.installed: tests/openapi/schemathesis_requirements.txt
	python3 -m venv $(VENV_SCHEMATHESIS)
	$(VENV_SCHEMATHESIS)/bin/pip install -q --disable-pip-version-check -r tests/openapi/schemathesis_requirements.txt
	touch $@

# The html5lib test suite's inputs (tree construction and tokenizer), a corpus of malformed
# HTML for the parser's robustness test (src/scrape/robustness_tests.rs): html5lib 1.1's
# source distribution ships them. pip builds its metadata, hence setuptools in a throwaway
# venv; only the test data is kept, under target/.
HTML5LIB_TESTS := target/html5lib-tests
html5lib-tests: $(HTML5LIB_TESTS)/.installed

$(HTML5LIB_TESTS)/.installed:
	rm -rf $(HTML5LIB_TESTS) target/html5lib-download
	python3 -m venv target/html5lib-download/venv
	target/html5lib-download/venv/bin/pip install -q --disable-pip-version-check setuptools wheel
	target/html5lib-download/venv/bin/pip download -q --disable-pip-version-check --no-deps --no-binary :all: html5lib==1.1 -d target/html5lib-download
	mkdir -p $(HTML5LIB_TESTS)
	tar -xzf target/html5lib-download/html5lib-1.1.tar.gz -C $(HTML5LIB_TESTS) --strip-components=4 \
		html5lib-1.1/html5lib/tests/testdata/tree-construction html5lib-1.1/html5lib/tests/testdata/tokenizer html5lib-1.1/html5lib/tests/testdata/LICENSE
	rm -rf target/html5lib-download
	touch $@

# Playwright and Puppeteer from npm (on our Chromium: they download no browser), the
# clients the tests drive a session's CDP endpoint with.
cdp-clients: node tests/cdp/node_modules/.installed

tests/cdp/node_modules/.installed: tests/cdp/package-lock.json
	cd tests/cdp && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund
	touch $@

# browserd beside Playwright (playwright-core from npm, on the same Chromium) and Python
# trafilatura, in one run: one table, raw figures in bench/results/ (bench/README.md); then
# a session's CDP endpoint beside a direct connection to the same Chromium (bench/cdp.mjs);
# what a live viewer costs a session's steps, a replay picture's size on disk, and the
# viewer's frames during a scroll (bench/live.mjs).
# BENCH_QUICK=1 for a short run while developing.
bench: chromium node bench/node_modules/.installed bench/.venv/.installed
	cargo build --release --bin browserd --example scrape_bench
	node bench/run.mjs
	node bench/cdp.mjs
	node bench/live.mjs

# Three nodes sharing a throwaway PostgreSQL beside one node: the added latency of a
# forwarded observe, sessions and requests per second (bench/cluster.mjs; BENCH_QUICK=1
# for a short run). Never part of `make test`.
bench-cluster: chromium postgresql node bench/node_modules/.installed
	cargo build --release --bin browserd
	node bench/cluster.mjs

# Memory against idle sessions up to a thousand, with a new and an old session probed at
# each step (bench/sessions.mjs; ~15 minutes, ~13 GiB; SESSIONS_MAX=N for fewer).
bench-sessions: chromium node bench/node_modules/.installed
	cargo build --release --bin browserd
	node bench/sessions.mjs

# The soak (bench/soak.mjs, bench/README.md): sessions cycling for SOAK_MINUTES (an hour by
# default; `make soak SOAK_MINUTES=3` is the short mode CI can afford) with the browser and
# its renderers killed now and then; memory, descriptors, leftovers, errors and lost
# records, written to bench/results/soak-<time>.json. Never part of `make test`.
SOAK_MINUTES ?= 60
soak: chromium node bench/node_modules/.installed
	cargo build --release --bin browserd
	SOAK_MINUTES=$(SOAK_MINUTES) node bench/soak.mjs

# Criterion benchmarks of perception and extraction alone, without a browser.
bench-pure:
	cargo bench --bench perception --bench extraction

node:
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
		echo "installing nodejs and npm with apt-get"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm >/dev/null; \
	fi

bench/node_modules/.installed: bench/package-lock.json
	cd bench && npm ci --no-audit --no-fund
	touch $@

bench/.venv/.installed: bench/requirements.txt
	python3 -m venv bench/.venv
	bench/.venv/bin/pip install -q --disable-pip-version-check -r bench/requirements.txt
	touch $@

clean:
	rm -rf target $(VENV) $(VENV_SDK) $(VENV_SCHEMATHESIS) bench/.venv bench/node_modules tests/cdp/node_modules
