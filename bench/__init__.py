"""Benchmarks of the directory at 100,000 and 1,000,000 listings (issue 5); see bench/README.md.

Not part of `make test`: `make bench SIZE=…` and `make bench-throughput SIZE=…` run them.
"""
