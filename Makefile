# The two set-up commands of README.rst are `make demo` and `make test`.
PYTHON ?= python3
DEVENV = $(PYTHON) tools/devenv.py

.PHONY: test demo stop lint pot bench bench-send faults

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

# Refresh N payment requests against the simulator (BENCH_ARGS="--n 1000").
bench:
	$(DEVENV) bench $(BENCH_ARGS)

# Send N posted invoices to the simulator (BENCH_SEND_ARGS="--n 10000 --reuse-db").
bench-send:
	$(DEVENV) bench-send $(BENCH_SEND_ARGS)

# Fault matrix: each Urssaf operation under each fault, lost/duplicated counts.
faults:
	$(DEVENV) faults $(FAULTS_ARGS)
