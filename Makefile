# The two set-up commands of README.rst are `make demo` and `make test`.
PYTHON ?= python3
DEVENV = $(PYTHON) tools/devenv.py

.PHONY: test demo stop lint pot bench bench-refresh bench-send bench-scale bench-indexes faults

test:
	$(DEVENV) test

demo:
	$(DEVENV) demo

stop:
	$(DEVENV) stop

lint:
	$(DEVENV) lint

# Regenerate i18n/l10n_fr_urssaf_avance_immediate.pot (then complete i18n/fr.po).
pot:
	$(DEVENV) pot

# Every benchmark, each figure against its target (BENCH_ARGS="--reuse-db"
# keeps the databases of the last run).
bench:
	$(DEVENV) bench $(BENCH_ARGS)

# Refresh N payment requests against the simulator (BENCH_ARGS="--n 1000").
bench-refresh:
	$(DEVENV) bench-refresh $(BENCH_ARGS)

# k Odoo servers sharing the refresh (BENCH_ARGS="--servers 1,2").
bench-scale:
	$(DEVENV) bench-scale $(BENCH_ARGS)

# The screens' filters on 1,000,000 invoices and payment requests, under
# EXPLAIN (BENCH_INDEXES_ARGS="--reuse-db" keeps the rows of the last run).
bench-indexes:
	$(DEVENV) bench-indexes $(BENCH_INDEXES_ARGS)

# Send N posted invoices to the simulator (BENCH_SEND_ARGS="--n 10000 --reuse-db").
bench-send:
	$(DEVENV) bench-send $(BENCH_SEND_ARGS)

# Fault matrix: each Urssaf operation under each fault, lost/duplicated counts.
faults:
	$(DEVENV) faults $(FAULTS_ARGS)
