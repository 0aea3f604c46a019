"""The factor model: which codes an incident has, with planted structure to recover.

Each non-activity factor is present independently with its base rate. On top of that, each
*planted pair* has a trigger probability: when it fires, both codes are present, so the pair
co-occurs far beyond chance. The *emerging pair* fires rarely until the last month and often in
it. Activities are one primary ACT code (15 % get a second), drawn independently of factors.
With ``independent=True`` there are no triggers at all: every factor is an independent
Bernoulli draw with its marginal rate (the null model for the network's false discovery rate).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from nearmiss_lab.synth.phrases_factors import FACTORS

#: Base rates (per incident) of the 47 non-ACT codes: a few % up to ~25 %.
BASE_RATES: dict[str, float] = {
    "HF.SITUATIONAL_AWARENESS": 0.22, "HF.DECISION_MAKING": 0.12, "HF.COMMUNICATION": 0.08,
    "HF.FATIGUE": 0.06, "HF.DISTRACTION": 0.07, "HF.WORKLOAD": 0.05, "HF.TRAINING": 0.06,
    "HF.COMPLACENCY": 0.12, "HF.RISK_ASSESSMENT": 0.09, "HF.SUPERVISION": 0.03,
    "EQ.RADIO": 0.05, "EQ.FIREARM": 0.03, "EQ.LESS_LETHAL": 0.05, "EQ.VEHICLE": 0.03,
    "EQ.PPE": 0.04, "EQ.LIGHTING": 0.04, "EQ.RESTRAINTS": 0.04, "ENV.WEATHER": 0.08,
    "ENV.DARKNESS": 0.14, "ENV.TERRAIN": 0.05, "ENV.TRAFFIC": 0.06, "ENV.CROWD": 0.04,
    "ENV.ANIMAL": 0.03, "ENV.HAZMAT": 0.02, "PROC.NOT_FOLLOWED": 0.06, "PROC.POLICY_GAP": 0.03,
    "PROC.DISPATCH_INFO": 0.05, "THREAT.FIREARM": 0.08, "THREAT.EDGED_WEAPON": 0.06,
    "THREAT.CONCEALED_WEAPON": 0.05, "THREAT.AMBUSH": 0.02, "THREAT.FEIGNED_COMPLIANCE": 0.05,
    "THREAT.VEHICLE_AS_WEAPON": 0.04, "THREAT.RESISTANCE": 0.18, "THREAT.FLIGHT": 0.1,
    "THREAT.MULTIPLE_SUBJECTS": 0.06, "THREAT.EXPOSURE": 0.03, "TAC.NO_BACKUP": 0.16,
    "TAC.POSITIONING": 0.07, "TAC.NO_COVER": 0.05, "TAC.APPROACH": 0.06, "TAC.CROSSFIRE": 0.02,
    "TAC.RUSHED_ENTRY": 0.03, "ROAD.STRUCK_BY": 0.04, "ROAD.SECONDARY_CRASH": 0.02,
    "ROAD.HIGH_SPEED": 0.04, "ROAD.INTERSECTION": 0.03,
}
ACTIVITY_RATES: dict[str, float] = {
    "ACT.TRAFFIC_STOP": 0.2, "ACT.DOMESTIC_CALL": 0.12, "ACT.ROADSIDE_SCENE": 0.08,
    "ACT.MENTAL_HEALTH_CALL": 0.08, "ACT.WARRANT_SERVICE": 0.06, "ACT.ARREST": 0.08,
    "ACT.FOOT_PURSUIT": 0.07, "ACT.VEHICLE_PURSUIT": 0.05, "ACT.PRISONER_TRANSPORT": 0.05,
    "ACT.BUILDING_SEARCH": 0.07, "ACT.CROWD_EVENT": 0.04, "ACT.TRAINING": 0.04,
    "ACT.OFF_DUTY": 0.06,
}
#: Candidate pairs with disjoint codes; the seed picks the planted ones and the emerging one.
PAIR_POOL: tuple[tuple[str, str], ...] = (
    ("EQ.RADIO", "HF.COMMUNICATION"),
    ("ENV.DARKNESS", "EQ.LIGHTING"),
    ("THREAT.FEIGNED_COMPLIANCE", "THREAT.CONCEALED_WEAPON"),
    ("TAC.NO_BACKUP", "HF.RISK_ASSESSMENT"),
    ("ROAD.STRUCK_BY", "ENV.TRAFFIC"),
    ("PROC.DISPATCH_INFO", "THREAT.AMBUSH"),
    ("HF.FATIGUE", "HF.COMPLACENCY"),
    ("THREAT.EXPOSURE", "EQ.PPE"),
    ("TAC.RUSHED_ENTRY", "TAC.CROSSFIRE"),
    ("THREAT.VEHICLE_AS_WEAPON", "TAC.POSITIONING"),
)
PLANTED_COUNT = 5
EMERGING_BEFORE, EMERGING_LAST = 0.002, 0.12
SECOND_ACTIVITY = 0.15
assert set(BASE_RATES) == set(FACTORS)


@dataclass(frozen=True)
class FactorModel:
    """The planted structure of one corpus."""

    independent: bool
    planted: tuple[tuple[str, str, float], ...]  # (code, code, trigger probability)
    emerging: tuple[str, str] | None

    @classmethod
    def choose(cls, rng: random.Random, independent: bool) -> FactorModel:
        """Pick planted pairs (trigger 4-7 %) and the emerging pair from :data:`PAIR_POOL`."""
        pool = list(PAIR_POOL)
        rng.shuffle(pool)
        if independent:
            return cls(True, (), None)
        # Pairs are written in code order so that consumers can compare them as sorted tuples.
        pairs = sorted(tuple(sorted(pair)) for pair in pool[:PLANTED_COUNT])
        planted = tuple((a, b, round(rng.uniform(0.04, 0.07), 3)) for a, b in pairs)
        emerging = tuple(sorted(pool[PLANTED_COUNT]))
        return cls(False, planted, (emerging[0], emerging[1]))

    def marginal_rates(self) -> dict[str, float]:
        """Expected share of incidents with each code outside the emerging month."""
        rates = dict(BASE_RATES)
        for a, b, p in self.planted:
            for code in (a, b):
                rates[code] = rates[code] + p - rates[code] * p
        if self.emerging:
            for code in self.emerging:
                rates[code] = rates[code] + EMERGING_BEFORE - rates[code] * EMERGING_BEFORE
        return {k: round(v, 4) for k, v in sorted(rates.items())}

    def draw(self, rng: random.Random, last_month: bool) -> tuple[list[str], list[str]]:
        """Return ``(activities, factors)`` for one incident, each sorted."""
        present = {code for code, rate in BASE_RATES.items() if rng.random() < rate}
        for a, b, p in self.planted:
            if rng.random() < p:
                present.update((a, b))
        if self.emerging and rng.random() < (EMERGING_LAST if last_month else EMERGING_BEFORE):
            present.update(self.emerging)
        codes = list(ACTIVITY_RATES)
        weights = list(ACTIVITY_RATES.values())
        activities = {rng.choices(codes, weights)[0]}
        if rng.random() < SECOND_ACTIVITY:
            activities.add(rng.choices(codes, weights)[0])
        return sorted(activities), sorted(present)
