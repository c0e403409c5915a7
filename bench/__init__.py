"""Benchmarks of the gateway against baselines measured in the same run (issue 7, point 1). See docs/bench.md."""
