"""Benchmark harness: wrk against the upstream directly (D), via nginx (N), via Atrium (G).

`make bench` (or `python -m bench.run`) runs everything on 127.0.0.1 and writes
`bench/results/<timestamp>.json` plus `bench/results/latest.json`.
"""
