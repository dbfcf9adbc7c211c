"""From a VADER compound score to probabilities of negative, neutral and positive."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CompoundCalibration:
    """P(polar) rises with |compound| around ``threshold``; P(negative | polar) falls with the compound.

    Hand-set, not fitted: the shared evaluation data may not be used to build a shipped model. The evaluation
    reports how calibrated the result is (Brier score and expected calibration error).
    """

    threshold: float = 0.2  # |compound| where a mention is as likely polar as neutral
    polar_slope: float = 7.0
    direction_slope: float = 8.0
    no_evidence_neutral: float = 0.8  # P(neutral) of a mention with no sentiment-bearing item at all

    def probabilities(self, compound: float, hits: int) -> tuple[float, float, float]:
        """(P(negative), P(neutral), P(positive)), summing to 1."""
        if hits == 0:
            rest = (1.0 - self.no_evidence_neutral) / 2
            return rest, self.no_evidence_neutral, rest
        # Two logistic functions, written out: this runs once per mention.
        polar = 1.0 / (1.0 + math.exp(-(self.polar_slope * (abs(compound) - self.threshold))))
        negative_share = 1.0 / (1.0 + math.exp(-(-self.direction_slope * compound)))
        return polar * negative_share, 1.0 - polar, polar * (1.0 - negative_share)

