"""Golden files (tests/data/golden) and the stores of earlier schemas (tests/data/stores):
how they are made, the tests that compare today's code with them, and `python -m tests.golden`
to regenerate them on purpose."""
