# Build, test and export the analysis of the 政府信息公开工作年度报告.  `make help` lists the targets.
#
# Python: PYTHON=/path/to/python if given; else the active conda env (not base) or virtualenv;
# else .venv here, created with python3 -m venv and filled from requirements.txt (again only when
# requirements.txt is newer than .venv/.requirements-installed).

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

BOOTSTRAP_PYTHON ?= python3
VENV := $(CURDIR)/.venv
STAMP := $(VENV)/.requirements-installed
SITE_INDEX := $(CURDIR)/site/index.html
PYTEST_ARGS ?=
LAB_ARGS ?=

ifdef PYTHON
  PY := $(PYTHON)
  ENV_NOTE := PYTHON=$(PYTHON)
else ifneq ($(and $(CONDA_PREFIX),$(filter-out base,$(CONDA_DEFAULT_ENV))),)
  PY := $(CONDA_PREFIX)/bin/python
  ENV_NOTE := the active conda environment '$(CONDA_DEFAULT_ENV)'
else ifneq ($(and $(VIRTUAL_ENV),$(filter-out $(VENV),$(VIRTUAL_ENV))),)
  PY := $(VIRTUAL_ENV)/bin/python
  ENV_NOTE := the active virtualenv $(VIRTUAL_ENV)
else
  PY := $(VENV)/bin/python
  OWN_VENV := 1
endif

# The notebooks' kernels and JupyterLab find helpers.py and nianbao/ from notebooks/.
export PYTHONPATH := $(CURDIR)$(if $(PYTHONPATH),:$(PYTHONPATH))

.PHONY: help venv check-env data notebooks briefing briefings site report test lab bench clean distclean

help:
	@echo "make report    re-extract data/raw, run every notebook and briefing, export site/ (prints where)"
	@echo "make test      run the notebooks and the export if stale, then the whole test suite"
	@echo "make data      only re-extract the tables: data/raw (+ ../shared/corpus) -> data/processed"
	@echo "make notebooks run the numbered notebooks into build/executed/ (figures into figures/)"
	@echo "make briefing BODY=济源市人民政府 YEAR=2021 [BRIEFING_LANG=en]   one briefing -> site/"
	@echo "make briefings one briefing per body-year in data/processed/reports.csv"
	@echo "make site      export build/executed/ to site/ (HTML for readers)"
	@echo "make lab       JupyterLab on notebooks/"
	@echo "make bench     run benchmarks/run.py and benchmarks/ocr.py"
	@echo "make clean     remove build/, site/ and the generated figures (distclean: also .venv)"

ifdef OWN_VENV
venv: $(STAMP)

$(STAMP): requirements.txt
	@if [ ! -x "$(VENV)/bin/python" ]; then \
	  echo "Creating $(VENV) with $$($(BOOTSTRAP_PYTHON) --version 2>&1) …"; \
	  $(BOOTSTRAP_PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	    || { echo "error: Python 3.11 or newer is needed (set BOOTSTRAP_PYTHON=python3.11)"; exit 1; }; \
	  $(BOOTSTRAP_PYTHON) -m venv "$(VENV)" \
	    || { echo "error: python3 -m venv failed (on Debian: apt-get install python3-venv)"; exit 1; }; \
	fi
	@echo "Installing the pinned dependencies from requirements.txt into $(VENV) …"
	"$(VENV)/bin/python" -m pip install --disable-pip-version-check --progress-bar off -r requirements.txt
	@touch "$@"
else
venv: check-env
endif

check-env:
	@echo "Using $(ENV_NOTE)"
	@"$(PY)" -c 'import papermill, nbconvert, pandas, playwright' 2>/dev/null || { \
	  echo "error: $(PY) lacks the project's packages: pip install -r requirements.txt" \
	       "(or conda env create -f environment.yml)"; exit 1; }

data: venv
	"$(PY)" -m nianbao extract data/raw --out data/processed

notebooks: venv
	"$(PY)" scripts/run_notebooks.py --numbered

briefing: venv
	@if [ -z "$(BODY)" ] || [ -z "$(YEAR)" ]; then \
	  echo 'usage: make briefing BODY=济源市人民政府 YEAR=2021 [BRIEFING_LANG=en]'; exit 2; fi
	"$(PY)" scripts/run_notebooks.py --briefing "$(BODY)" "$(YEAR)" $(if $(BRIEFING_LANG),--lang "$(BRIEFING_LANG)")
	"$(PY)" scripts/build_site.py

briefings: venv
	"$(PY)" scripts/run_notebooks.py --all-briefings $(if $(BRIEFING_LANG),--lang "$(BRIEFING_LANG)")

site: venv
	"$(PY)" scripts/build_site.py

report: venv
	@$(MAKE) --no-print-directory data
	"$(PY)" scripts/run_notebooks.py --numbered --all-briefings
	"$(PY)" scripts/build_site.py
	@echo
	@echo "Report ready: $(SITE_INDEX)"

# The build steps may fail: the tests then say which notebook and cell (and the HTML shows it).
test: venv
	-"$(PY)" scripts/run_notebooks.py --numbered --all-briefings --keep-going --if-stale
	-"$(PY)" scripts/build_site.py
	"$(PY)" -m pytest -p no:cacheprovider -ra --durations=5 $(PYTEST_ARGS) tests

lab: venv
	"$(PY)" -m jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

bench: venv
	"$(PY)" benchmarks/run.py
	"$(PY)" benchmarks/ocr.py

clean:
	rm -rf build site
	rm -f figures/*.png figures/*.svg figures/*.json

distclean: clean
	rm -rf "$(VENV)"
