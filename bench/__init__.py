"""Benchmarks that put our retrieval QA next to the usual off-the-shelf chunk-and-embed setups.

Run `HF_HUB_OFFLINE=1 .venv/bin/python -m bench.quality` (see bench/quality.py); the peers need
bench/requirements.txt installed on top of the app's requirements.
"""
