"""Performance scripts, run by `make bench` (files named *_bench.py), never by pytest."""
