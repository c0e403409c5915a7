"""The benchmark harness's pure parts on made-up numbers: no server, no timing (bench/stats.py, bench/link.py)."""

import pytest

from bench import link, signin, stats
from bench.stats import Row


def test_median_of_odd_and_even_counts():
    assert stats.median([3, 1, 2]) == 2
    assert stats.median([4, 1, 3, 2]) == 2.5
    with pytest.raises(ValueError):
        stats.median([])


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))  # 1..100
    assert stats.percentile(values, 50) == 50
    assert stats.percentile(values, 99) == 99
    assert stats.percentile(values, 100) == 100
    assert stats.percentile([7.0], 95) == 7.0


def test_ratio_against_a_baseline_and_a_zero_baseline():
    assert stats.ratio(80, 100) == pytest.approx(0.8)
    assert stats.ratio(5, 0) is None


def test_interleaving_alternates_sides_and_rotates_who_goes_first():
    order = stats.interleave(["floor", "gateway"], 3)
    assert order == [(0, "floor"), (0, "gateway"), (1, "gateway"), (1, "floor"), (2, "floor"), (2, "gateway")]
    three = [side for _, side in stats.interleave(["a", "b", "c"], 3)]
    assert three == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]
    assert [side for _, side in stats.interleave(["a", "b"], 4)].count("a") == 4


def test_table_shows_value_baseline_ratio_target_and_verdict_per_section():
    rows = [
        Row("link to IdP", "gateway visits/s", 2400.0, "/s", "floor", 0.8, "≥ 0.8x floor", True),
        Row("sync", "wall", 18.754, "s", "lower bound", 1.5004, "≤ 1.5x", False),
        Row("sync", "queries / tenant", 8),
    ]
    table = stats.render_table(rows).splitlines()
    assert table[0].split() == ["figure", "value", "baseline", "ratio", "target", "met"]
    assert table[2] == "[link to IdP]" and table[4] == "[sync]"
    assert "2,400 /s" in table[3] and "0.80x" in table[3] and table[3].endswith("yes")
    assert "18.8 s" in table[5] and "1.50x" in table[5] and table[5].endswith("NO")
    assert table[6].split() == ["queries", "/", "tenant", "8", "-"]
    widths = {len(line) for line in table[:2]}
    assert len(widths) == 1  # header and rule line up


def test_wrk_summary_line_becomes_visits_per_second_and_latency():
    output = (
        "Running 10s test @ http://127.0.0.1:8000/bench/portal/1/\n"
        "  32 threads and 32 connections\n"
        'BENCH_JSON {"duration_us": 10000000, "requests": 3000, "chains": 1000, "hops": 3000, "bad": 2, '
        '"socket_errors": 1, "p50_us": 12500, "p99_us": 80000}\n'
    )
    result = link.wrk_parse(output, side="gateway-link", round_no=1)
    assert result.visits_per_s == 100 and result.requests_per_s == 300
    assert result.hops_per_visit == 3 and result.p50_ms == 12.5 and result.p99_ms == 80
    assert (result.bad, result.socket_errors, result.side, result.round) == (2, 1, "gateway-link", 1)


def test_sign_ins_are_split_evenly_over_processes_and_threads():
    assert signin.split(10, 4) == [3, 3, 2, 2]
    assert sum(signin.split(10000, 7)) == 10000
    assert signin.split(2, 4) == [1, 1, 0, 0]
