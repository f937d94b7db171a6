# labsim: `make lab` opens JupyterLab at START_HERE.ipynb, `make test` runs every test. Both build .venv first:
# `make lab`, `make dashboard` and `make workshop` install what a workshop needs (about 670 MB);
# `make test` and the other targets add the test and research tools (about 1.1 GB in all).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VERSION := $(shell cksum pyproject.toml | cut -d' ' -f1)
STAMP := $(VENV)/.installed-test-$(VERSION)
WORKSHOP := $(VENV)/.installed-workshop-$(VERSION)

.PHONY: lab test test-fast bench bench-room lint clean dashboard workshop robustness-result translations

# setuptools' note on editable installs is for developers; PYTHONWARNINGS keeps it off a
# participant's screen.
define install
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet -e ".[$(1)]"
	rm -f $(VENV)/.installed-$(1)-*
	touch $@
endef

$(WORKSHOP): pyproject.toml
	$(call install,workshop)

$(STAMP): pyproject.toml
	$(call install,test)

# Root (containers, CI) must say --allow-root; JupyterLab refuses to start otherwise.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

# JupyterLab as configured in jupyter/config (labsim/workshop/serve.py): it asks for nothing from the
# internet (no news question, no update check, no PyPI).
lab: $(WORKSHOP)
	$(BIN)/python -m labsim.workshop.serve lab $(ROOT_FLAG)

# The main dashboard as a web page (no code showing) on http://127.0.0.1:8866/, offline
# (Voila template jupyter/data/voila/templates/labsim). One server for the room: every visit's
# kernel uses the server's simulation workers and result cache (labsim/workshop/serve.py).
dashboard: $(WORKSHOP)
	$(BIN)/python -m labsim.workshop.serve

# The same on the laptop's address on the room's network, with a room code: prints the
# address, its QR code and a warning; the facilitator page is on http://127.0.0.1:8867/.
workshop: $(WORKSHOP)
	$(BIN)/python -m labsim.workshop.serve --room

test: $(STAMP)
	$(BIN)/ruff check labsim tests benchmarks
	$(BIN)/python -m pytest --nbval --nbval-sanitize-with notebooks/nbval_sanitize.cfg tests notebooks exercises facilitator

# Unit tests only (no theory, browser, notebooks or test of a second or more): about 35 s
# on 2 cores, for while you work.
test-fast: $(STAMP)
	$(BIN)/ruff check labsim tests benchmarks
	$(BIN)/python -m pytest -m "not slow" tests

# The dashboard's "How sure are we?" result for its default settings (about 4 minutes on 2 cores); a test
# fails when the code that computes results has changed since it was made.
robustness-result: $(STAMP)
	$(BIN)/labsim robustness prevention_first resolution_first \
		--save datasets/robustness/prevention_vs_resolution \
		--map datasets/robustness/prevention_vs_resolution/verdict_map.csv

# The Khmer catalogue (labsim/locale/km/LC_MESSAGES/labsim.po): extract every message the
# package, its templates and the scenario files' assumptions hold (babel.cfg), add the new ones
# to labsim.po (a changed one keeps its old translation marked fuzzy: a test counts it as
# missing), compile labsim.mo (babel's own compile refuses "95% confidence" as a %-format).
# Then translate the entries tests/test_translations.py names, and run it again.
LOCALE := labsim/locale
translations: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k N_ -k ngettext:1,2 --no-location \
		--sort-output --project labsim --copyright-holder "labsim developers" \
		-o $(LOCALE)/labsim.pot .
	sed -i -e 's/, python-format//' -e '/^#, python-format$$/d' $(LOCALE)/labsim.pot
	$(BIN)/pybabel -q update -i $(LOCALE)/labsim.pot -d $(LOCALE) -D labsim -l km \
		--ignore-obsolete
	$(BIN)/python -c "from babel.messages import pofile, mofile; \
		po = pofile.read_po(open('$(LOCALE)/km/LC_MESSAGES/labsim.po', 'rb')); \
		mofile.write_mo(open('$(LOCALE)/km/LC_MESSAGES/labsim.mo', 'wb'), po); \
		done = sum(bool(m.id) and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string]) for m in po); \
		print(f'labsim.mo: {done} of {len(po)} messages translated (fuzzy ones left out)')"

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_experiments.py
	$(BIN)/python benchmarks/bench_memory.py
	$(BIN)/python benchmarks/bench_robustness.py

# A room of 1, 5, 10 and 25 participants in Chromium on 127.0.0.1 (about 20 minutes; README,
# "Serving the room"): first views, updates, failures, memory, kernels left after closing.
bench-room: $(STAMP)
	$(BIN)/python benchmarks/bench_room.py

lint: $(STAMP)
	$(BIN)/ruff check labsim tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
