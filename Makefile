# Build, test and export the analysis of the 政府信息公开工作年度报告.  `make help` lists the targets.
#
# Python: PYTHON=/path/to/python if given; else the active conda env (not base) or virtualenv;
# else .venv here, created with python3 -m venv, filled from requirements.txt and the project installed
# editable (`pip install -e .`, which compiles the PDF reader's C part), again only when requirements.txt,
# pyproject.toml, setup.py or that C source is newer than the stamp.
#
# The build is a chain of file targets, so make itself decides what is stale:
#   $(RAW)/* + the engine  →  $(PROCESSED)/*.csv  →  $(EXECUTED)/NN_*.ipynb (+ $(FIGURES)/*)  →  $(SITE)/index.html
# Every folder can be moved (the benchmark builds a generated corpus elsewhere):
#   make report RAW=/tmp/c/raw PROCESSED=/tmp/c/processed EXECUTED=/tmp/c/executed FIGURES=/tmp/c/figures SITE=/tmp/c/site

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

BOOTSTRAP_PYTHON ?= python3
VENV := $(CURDIR)/.venv
STAMP := $(VENV)/.requirements-installed
PYTEST_ARGS ?=
LAB_ARGS ?=

RAW ?= data/raw
PROCESSED ?= data/processed
EXECUTED ?= build/executed
FIGURES ?= figures
SITE ?= site
# Which reports get a briefing (zh + en HTML and a PDF): auto = every report when the corpus has at most
# publish.briefings.AUTO_ALL reports, else the latest report of the bodies with the most requests; all; none;
# or report ids separated by commas.
BRIEFINGS ?= auto
# Notebooks run side by side (each kernel is one process; the machine has two cores).
JOBS ?= 2

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
# What every build step needs first (order-only: a new venv does not by itself make the tables stale).
ENV_READY := $(if $(OWN_VENV),$(STAMP),check-env)

find_files = $(shell find $(1) -type f $(2) -not -path '*/__pycache__/*' -not -name '*.pyc' 2>/dev/null | LC_ALL=C sort)
TABLES := $(addprefix $(PROCESSED)/,reports.csv values.csv checks.csv codebook.csv)
# (the engine's sources: its compiled part is rebuilt from its .c by `make venv`, and rebuilding it changes nothing)
ENGINE := $(call find_files,nianbao,-not -name '*.so')
RAW_FILES := $(call find_files,$(RAW))
HELPERS := $(wildcard helpers.py) $(call find_files,helpers,-name '*.py')
LABELS := $(wildcard data/*.csv)
# Every numbered notebook; NOTEBOOKS="notebooks/01_….ipynb …" (argument or environment) builds a subset.
NOTEBOOKS ?= $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
EXECUTED_NOTEBOOKS := $(patsubst notebooks/%,$(EXECUTED)/%,$(NOTEBOOKS))
PUBLISH := $(call find_files,publish)
# BRIEFINGS as a file, rewritten (when make reads this Makefile) only when it changes, so that a new selection
# rebuilds the site and `make -q` still answers.
SELECTION := $(EXECUTED)/.briefings
$(shell mkdir -p $(EXECUTED) && { echo "$(BRIEFINGS)" | cmp -s - $(SELECTION) || echo "$(BRIEFINGS)" > $(SELECTION); })
INDEX := $(SITE)/index.html

.PHONY: help venv check-env data notebooks site report test lab bench clean distclean

help:
	@echo "make report    extract what changed in data/raw, run the stale notebooks, build site/ (prints where)"
	@echo "make test      the same build as far as it gets, then the whole test suite"
	@echo "make data      only the tables: data/raw (+ ../shared/corpus) -> data/processed"
	@echo "make notebooks run the stale numbered notebooks into build/executed/ (charts into figures/)"
	@echo "make site      build site/: index, definitions, notebook pages, briefings (BRIEFINGS=auto|all|none|ID,ID)"
	@echo "make lab       JupyterLab on notebooks/"
	@echo "make bench     the benchmarks: engine (run.py, instructions.py), PDF reader (pdf.py), helpers load (load.py),"
	@echo "               OCR (ocr.py), report build (report.py)"
	@echo "make clean     remove build/, site/ and the generated figures (distclean: also .venv)"

ifdef OWN_VENV
venv: $(STAMP)

$(STAMP): requirements.txt $(wildcard pyproject.toml setup.py nianbao/readers/*.c)
	@if [ ! -x "$(VENV)/bin/python" ]; then \
	  echo "Creating $(VENV) with $$($(BOOTSTRAP_PYTHON) --version 2>&1) …"; \
	  $(BOOTSTRAP_PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	    || { echo "error: Python 3.11 or newer is needed (set BOOTSTRAP_PYTHON=python3.11)"; exit 1; }; \
	  $(BOOTSTRAP_PYTHON) -m venv "$(VENV)" \
	    || { echo "error: python3 -m venv failed (on Debian: apt-get install python3-venv)"; exit 1; }; \
	fi
	@echo "Installing the pinned dependencies from requirements.txt into $(VENV) …"
	"$(VENV)/bin/python" -m pip install --disable-pip-version-check --progress-bar off -r requirements.txt
	@if [ -f pyproject.toml ]; then \
	  "$(VENV)/bin/python" -m pip install --disable-pip-version-check --progress-bar off --no-deps -e .; fi
	@"$(VENV)/bin/python" -c 'import nianbao.readers._pdfium_bulk' 2>/dev/null \
	  || echo "note: the PDF reader's C part was not built (no C compiler?): PDFs read the same rows, more slowly"
	@touch "$@"
else
venv: check-env
endif

check-env:
	@echo "Using $(ENV_NOTE)"
	@"$(PY)" -c 'import papermill, nbconvert, pandas, playwright, jinja2, itables' 2>/dev/null || { \
	  echo "error: $(PY) lacks the project's packages: pip install -r requirements.txt && pip install -e ." \
	       "(or conda env create -f environment.yml)"; exit 1; }

# One extraction writes all the tables. Exit status 1 means some files failed and the tables were written (their
# status is in reports.csv): the build goes on; any other failure stops it.
$(TABLES) &: $(RAW_FILES) $(ENGINE) | $(ENV_READY)
	"$(PY)" -m nianbao extract $(RAW) --out $(PROCESSED) || [ $$? -eq 1 ]

data: $(TABLES)

$(EXECUTED)/%.ipynb: notebooks/%.ipynb $(TABLES) $(HELPERS) $(LABELS) publish/notebooks.py | $(ENV_READY)
	"$(PY)" -m publish.notebooks $< $@ --processed $(PROCESSED) --figures $(FIGURES)

notebooks: $(EXECUTED_NOTEBOOKS)

$(INDEX): $(EXECUTED_NOTEBOOKS) $(TABLES) $(HELPERS) $(LABELS) $(PUBLISH) $(SELECTION) | $(ENV_READY)
	"$(PY)" -m publish.site --notebooks $(EXECUTED_NOTEBOOKS) --processed $(PROCESSED) --figures $(FIGURES) \
	  --out $(SITE) --briefings "$(BRIEFINGS)"

site: $(INDEX)

report: | $(ENV_READY)
	@$(MAKE) --no-print-directory -j$(JOBS) --output-sync=target site
	@echo
	@echo "Report ready: $(abspath $(INDEX))"

# Build as far as it gets (-k: the other notebooks still run when one fails); a failed notebook leaves no
# executed copy, so the site is not rebuilt from it and the tests say which notebook failed and why.
test: | $(ENV_READY)
	-@$(MAKE) --no-print-directory -k -j$(JOBS) --output-sync=target site
	"$(PY)" -m pytest -p no:cacheprovider -ra --durations=5 $(PYTEST_ARGS) tests

lab: | $(ENV_READY)
	"$(PY)" -m jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

bench: | $(ENV_READY)
	"$(PY)" benchmarks/run.py
	"$(PY)" benchmarks/instructions.py
	"$(PY)" benchmarks/pdf.py
	"$(PY)" benchmarks/load.py
	"$(PY)" benchmarks/ocr.py
	"$(PY)" benchmarks/report.py

clean:
	rm -rf build site
	rm -f figures/*.png figures/*.svg figures/*.json figures/*.csv

distclean: clean
	rm -rf "$(VENV)"
