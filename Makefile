# The two commands of README.md. Both do all set-up themselves, idempotently.
.PHONY: run test lint bench

run:   ## demo database + Odoo on http://localhost:8069
	bash scripts/run.sh

test:  ## the whole suite (extra pytest args: make test ARGS="tests/test_install.py -k menu")
	bash scripts/test.sh $(ARGS)

lint:  ## ruff + pylint-odoo (OCA mandatory checks)
	bash scripts/lint.sh

bench: ## benchmarks (one script: make bench ARGS="bench/bench_payment.py --payments 100")
	bash scripts/bench.sh $(ARGS)
