"""Term clusters: the emerging terms grouped by the posts they share (streams/detection/clusters.py)."""

from __future__ import annotations

import random

from streams.detection import SnowballDetector
from streams.detection.clusters import TermCluster, term_clusters
from streams.models import AlertKind
from tests.detection.helpers import HOUR, MIN, T0, background, cm, run


def _posts():
    cancelled = [["cancelled", "rebook", "flight"]] * 6 + [["cancelled", "weather"]] * 2
    hold = [["hold", "phone", "hours"]] * 4 + [["hold", "disconnected"]]
    other = [["seat"], ["seat", "legroom"], ["meal"]]
    return cancelled + hold + other


def test_terms_that_share_posts_form_one_cluster_with_the_share_of_posts_it_covers():
    clusters = term_clusters(["cancelled", "hold", "rebook", "phone", "weather", "disconnected", "seat"], _posts())
    assert clusters[0] == TermCluster(("cancelled", "rebook"), round(8 / 16, 3), 8)
    assert clusters[1].terms == ("hold", "phone") and clusters[1].posts == 5
    # "weather" and "disconnected" (2 posts each) and "seat" (2) are too rare to stand for anything.
    assert all(len(c.terms) < 3 for c in clusters) and len(clusters) == 2


def test_clusters_do_not_depend_on_the_posts_order_nor_on_their_terms_order():
    candidates = ["cancelled", "hold", "rebook", "phone", "seat"]
    expected = term_clusters(candidates, _posts())
    rng = random.Random(3)
    for _ in range(20):
        posts = [rng.sample(p, len(p)) for p in _posts()]
        rng.shuffle(posts)
        assert term_clusters(candidates, posts) == expected


def test_bounds_and_empty_inputs():
    assert term_clusters([], _posts()) == [] and term_clusters(["cancelled"], []) == []
    many = [[f"t{i}", "common"] for i in range(4) for _ in range(5)]
    clusters = term_clusters([f"t{i}" for i in range(4)], many, max_clusters=2)
    assert len(clusters) == 2  # the others could start no cluster
    wide = term_clusters(["common", *(f"t{i}" for i in range(4))], many, max_terms=3)
    assert wide[0].terms == ("common", "t0", "t1") and wide[0].share == 1.0


def test_a_snowball_alert_says_what_the_wave_is_about():
    """Two complaints rise together: the alert groups their words into two clusters, the larger first, and
    names the larger in its summary."""
    det = SnowballDetector()
    state, _ = run(det, background(30))
    wave = []
    for i in range(90):
        for j in range(1 + i // 20):
            if (i + j) % 3:
                text = f"my flight got cancelled and nobody will rebook me {i} {j}"
            else:
                text = f"on hold with the phone line for hours {i} {j}"
            wave.append(cm(f"w{i}-{j}", T0 + 30 * HOUR + i * MIN + j, author=f"v{i}-{j}", text=text))
    state, alerts = run(det, wave, state)
    snow = [a for a in alerts if a.kind is AlertKind.SNOWBALL]
    assert snow
    last = snow[-1]
    assert last.term_clusters and {"cancelled", "rebook"} <= set(last.term_clusters[0]["terms"])
    assert {"hold", "phone"} <= set(last.term_clusters[1]["terms"])
    assert last.term_clusters[0]["share"] > last.term_clusters[1]["share"] > 0.2
    assert "about cancelled" in last.summary or "about rebook" in last.summary
    about = [r for r in last.reasons if r.startswith("about: ")]
    assert about and "%" in about[0]
    assert last.signals["term_cluster_share"] == last.term_clusters[0]["share"]
    # The sample of post terms is bounded per bucket.
    assert all(len(d.posts) <= det.config.cluster_posts_per_bucket for d in state.details.values())
