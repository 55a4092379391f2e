# The two set-up commands of README.rst are `make demo` and `make test`.
PYTHON ?= python3
DEVENV = $(PYTHON) tools/devenv.py

.PHONY: test demo stop lint pot bench faults

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

# Fault matrix: each Urssaf operation under each fault, lost/duplicated counts.
faults:
	$(DEVENV) faults $(FAULTS_ARGS)
