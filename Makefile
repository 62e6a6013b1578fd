# Two commands: `make run` serves the platform on the embedded default; `make test` checks it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint translations bench soak clean fuzz-api

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/flask --app game_server db upgrade
	$(BIN)/flask --app game_server seed-demo
	@echo "Loopbaan Quest on http://127.0.0.1:$(PORT)"
	PORT=$(PORT) $(BIN)/gunicorn -k gevent -w 1 --worker-connections 4000 -b 127.0.0.1:$(PORT) \
		--access-logfile - game_server.wsgi:app

lint: install
	$(BIN)/ruff check game_server tests bench

test: lint
	$(BIN)/pytest

# The API fuzzer in full: every phase, many examples per operation, as each role (~30+ min).
FUZZ_EXAMPLES ?= 100
FUZZ_DATABASE ?= sqlite
fuzz-api: install
	GAME_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) GAME_FUZZ_DATABASE=$(FUZZ_DATABASE) GAME_FUZZ_PHASES=examples,coverage,fuzzing,stateful \
		$(BIN)/pytest tests/fuzz --timeout=0 -q

translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -o game_server/translations/messages.pot .
	$(BIN)/pybabel update -i game_server/translations/messages.pot -d game_server/translations
	$(BIN)/pybabel compile -d game_server/translations

bench: install
	$(BIN)/python bench/run_all.py

# 500 phones, 10 live sessions, 5 minutes on one process and PostgreSQL (about 10 minutes in
# all, with the bare python-socketio baseline); writes its section of docs/benchmarks.md.
soak: install
	$(BIN)/python bench/soak.py --write

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
