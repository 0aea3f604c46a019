"""Generate a whole synthetic corpus: exports, mappings, gold and truth."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from nearmiss_lab import __version__
from nearmiss_lab.synth import shapes
from nearmiss_lab.synth.agencies import make_agencies
from nearmiss_lab.synth.incident import Incident, make_incident
from nearmiss_lab.synth.lexicon import NameBank
from nearmiss_lab.synth.mappings import mapping_document
from nearmiss_lab.synth.model import FactorModel
from nearmiss_lab.synth.scene import AgencyProfile, Scene

#: Used when no end month is given, so a seed alone fixes every byte of the output.
DEFAULT_END_MONTH = "2026-06"
GENERATOR = f"nearmiss-lab {__version__} synth/1"
# Hours of the day weighted toward evenings and nights, when most close calls are reported.
_HOUR_WEIGHTS = (5, 5, 4, 3, 2, 2, 2, 3, 4, 4, 4, 4, 4, 5, 5, 5, 6, 6, 7, 7, 7, 7, 6, 6)


class SynthRandom(random.Random):
    """``random.Random`` with choice / randrange / randint computed from one ``random()`` draw.

    The stock versions draw bits in a loop through several Python calls each; these are ~3x
    faster, which matters at 100 k incidents, and stay fully determined by the seed.
    """

    def choice(self, seq):  # type: ignore[no-untyped-def,override]
        return seq[int(self.random() * len(seq))]

    def randrange(self, start, stop=None, step=1):  # type: ignore[no-untyped-def,override]
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))

    def randint(self, a, b):  # type: ignore[no-untyped-def,override]
        return a + int(self.random() * (b - a + 1))


class SynthError(ValueError):
    """Parameters that cannot make a corpus (non-positive counts, a malformed end month)."""


@dataclass
class AgencyInfo:
    """One agency of a corpus: pseudonym, files (relative to the corpus folder), shape."""

    agency: str
    export: str
    mapping: str
    shape: str
    encoding: str
    incidents: int


@dataclass
class CorpusInfo:
    """What :func:`generate_corpus` wrote."""

    out: Path
    seed: int
    incidents: int
    months: int
    start_month: str
    end_month: str
    independent: bool
    agencies: list[AgencyInfo]
    planted_pairs: list[list[str]]
    emerging_pair: list[str] | None
    emerging_month: str | None
    files: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["out"] = str(self.out)
        return data


def month_range(end_month: str, months: int) -> list[tuple[int, int]]:
    """The ``months`` calendar months ending with ``end_month`` (``YYYY-MM``), oldest first."""
    try:
        year, month = (int(x) for x in end_month.split("-"))
        dt.date(year, month, 1)
    except ValueError:
        raise SynthError("end month must be YYYY-MM") from None
    out = []
    for _ in range(months):
        out.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """Unequal shares of ``total`` (at least one each when possible)."""
    weights = [rng.uniform(0.5, 2.0) for _ in range(parts)]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    i = 0
    while sum(counts) < total:
        counts[i % parts] += 1
        i += 1
    for j in range(parts):  # nobody empty when total allows it
        if counts[j] == 0 and total >= parts:
            donor = max(range(parts), key=lambda k: counts[k])
            counts[donor] -= 1
            counts[j] += 1
    return counts


def _when(rng: random.Random, year: int, month: int) -> dt.datetime:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    days = (nxt - dt.date(year, month, 1)).days
    hour = rng.choices(range(24), _HOUR_WEIGHTS)[0]
    return dt.datetime(year, month, rng.randint(1, days), hour, rng.randrange(60))


def _gold_line(gid: str, text: str, spans: list[tuple[int, int, str]],
               optional: list[tuple[int, int, str]]) -> str:
    return json.dumps({
        "id": gid, "source": "nearmiss-synth", "text": text,
        "spans": [{"start": s, "end": e, "type": t} for s, e, t in spans],
        "optional": [{"start": s, "end": e, "type": t} for s, e, t in optional],
    }, ensure_ascii=False) + "\n"


def _agency_incidents(rng: random.Random, bank: NameBank, profile: AgencyProfile, count: int,
                      months: list[tuple[int, int]], model: FactorModel) -> list[Incident]:
    last = months[-1]
    drawn = []
    for _ in range(count):
        ym = months[rng.randrange(len(months))]
        drawn.append(_when(rng, *ym))
    drawn.sort()
    serial = rng.randint(100, 5000)
    incidents = []
    for when in drawn:
        activities, factors = model.draw(rng, (when.year, when.month) == last)
        scene = Scene(rng=rng, bank=bank, agency=profile, when=when, style="formal")
        serial += rng.randint(1, 40)
        from nearmiss_lab.synth.idgen import case_number

        scene.cache["case"] = case_number(serial, profile.case_style, when.year)
        incidents.append(make_incident(rng, scene, activities, factors))
    return incidents


def _part(root: Path, agency: str, kind: str) -> Path:
    return root / "gold" / f".{kind}-{agency}.part"


def _build_agency(job: tuple[Path, int, AgencyProfile, int, list[tuple[int, int]], FactorModel],
                  progress: Callable[[int], None] | None = None) -> int:
    """Write one agency's export and mapping, and its share of the gold as part files.

    Each agency draws from its own RNG, so agencies can be built in parallel processes; the
    files are written by the worker, so only a count travels back.
    """
    root, seed, profile, count, span, model = job
    arng = SynthRandom(f"{seed}:{profile.id}")
    generated = _agency_incidents(arng, NameBank(), profile, count, span, model)
    rows, deid_lines, factor_lines = [], [], []
    for seq, inc in enumerate(generated, 1):
        inc.narrative.text = shapes.restyle_text(profile.shape, inc.narrative.text)
        inc.lessons.text = shapes.restyle_text(profile.shape, inc.lessons.text)
        sid = shapes.source_id(profile, inc, seq, arng)
        rows.append(shapes.row(profile, inc, sid, arng))
        base = f"{profile.id}:{shapes.record_id(profile, sid)}"
        deid_lines.append(_gold_line(f"{base}:narrative", inc.narrative.text,
                                     inc.narrative.spans, inc.narrative.optional))
        if inc.lessons.text:
            deid_lines.append(_gold_line(f"{base}:lessons_learned", inc.lessons.text,
                                         inc.lessons.spans, inc.lessons.optional))
        factor_lines.append(json.dumps({
            "id": base, "source": "nearmiss-synth", "text": inc.narrative.text,
            "labels": sorted(inc.activities + inc.factors)}, ensure_ascii=False) + "\n")
        if progress and seq % 1000 == 0:
            progress(1000)
    if progress:
        progress(len(generated) % 1000)
    (root / export_path(profile)).write_bytes(shapes.export_bytes(profile.shape, rows))
    (root / mapping_path(profile)).write_text(
        json.dumps(mapping_document(profile), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8")
    _part(root, profile.id, "deid").write_text("".join(deid_lines), encoding="utf-8")
    _part(root, profile.id, "factors").write_text("".join(factor_lines), encoding="utf-8")
    return len(generated)


def export_path(profile: AgencyProfile) -> str:
    return f"exports/{profile.id}.{shapes.EXTENSIONS[profile.shape]}"


def mapping_path(profile: AgencyProfile) -> str:
    return f"mappings/{profile.id}.mapping.json"


def _each_with_progress(results: Iterator[int],
                        progress: Callable[[int], None] | None) -> Iterator[int]:
    for count in results:
        if progress:
            progress(count)
        yield count


def _remove_stale(root: Path, keep: set[str]) -> None:
    """Delete exports and mappings an earlier run left for agencies this run does not have,
    so that ``exports/`` always matches ``agencies.json`` (only our own file names)."""
    for sub, pattern in (("exports", "AG-*.*"), ("mappings", "AG-*.mapping.json")):
        for path in (root / sub).glob(pattern):
            if f"{sub}/{path.name}" not in keep and path.is_file():
                path.unlink()


def _concatenate(parts: list[Path], target: Path) -> None:
    with target.open("wb") as out:
        for part in parts:
            with part.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    out.write(chunk)
            part.unlink()


def generate_corpus(out: Path | str, *, agencies: int, incidents: int, months: int, seed: int,
                    end_month: str | None = None, independent: bool = False,
                    progress: Callable[[int], None] | None = None,
                    workers: int | None = None) -> CorpusInfo:
    """Write a synthetic multi-agency corpus of near-miss exports with its gold and truth.

    Parameters
    ----------
    out : Path or str
        Output folder (created; files of a previous run are overwritten).
    agencies : int
        Number of agencies (export shapes cycle through five kinds).
    incidents : int
        Total incidents across agencies.
    months : int
        Months covered, ending with ``end_month``.
    seed : int
        Seed of the one RNG everything is drawn from: same arguments, byte-identical files.
    end_month : str, optional
        Last month ``YYYY-MM`` (default :data:`DEFAULT_END_MONTH`); the emerging pair rises in it.
    independent : bool
        Draw every factor independently (no planted or emerging pairs).
    progress : callable, optional
        Called with the number of incidents generated since the last call.
    workers : int, optional
        Processes building agencies in parallel (default 1: on the shared 2-core reference
        machine two processes were slower than one). The output is the same for any count.

    Returns
    -------
    CorpusInfo
        Paths and the planted structure (also in ``truth.json``).

    Raises
    ------
    SynthError
        Non-positive counts or a malformed end month.
    """
    if agencies < 1 or incidents < 1 or months < 1:
        raise SynthError("agencies, incidents and months must each be at least 1")
    end = end_month or DEFAULT_END_MONTH
    span = month_range(end, months)
    root = Path(out)
    for sub in ("exports", "mappings", "gold"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    rng = SynthRandom(seed)
    model = FactorModel.choose(rng, independent)
    profiles = make_agencies(rng, agencies)
    counts = _split(rng, incidents, agencies)
    if workers is not None and workers < 1:
        raise SynthError("workers must be at least 1")
    jobs = [(root, seed, profile, count, span, model)
            for profile, count in zip(profiles, counts, strict=True)]
    workers = min(workers or 1, agencies)
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            built = list(_each_with_progress(pool.map(_build_agency, jobs), progress))
    else:
        built = [_build_agency(job, progress) for job in jobs]
    _remove_stale(root, {export_path(p) for p in profiles} | {mapping_path(p) for p in profiles})
    infos = [AgencyInfo(p.id, export_path(p), mapping_path(p), p.shape,
                        shapes.ENCODINGS.get(p.shape, "utf-8"), n)
             for p, n in zip(profiles, built, strict=True)]
    for kind, name in (("deid", "deid.jsonl"), ("factors", "factors.jsonl")):
        _concatenate([_part(root, p.id, kind) for p in profiles], root / "gold" / name)
    (root / "agencies.json").write_text(json.dumps(
        [{"agency": a.agency, "export": a.export, "mapping": a.mapping} for a in infos],
        indent=2) + "\n", encoding="utf-8")
    last = f"{span[-1][0]:04d}-{span[-1][1]:02d}"
    info = CorpusInfo(
        out=root, seed=seed, incidents=sum(a.incidents for a in infos), months=months,
        start_month=f"{span[0][0]:04d}-{span[0][1]:02d}", end_month=last,
        independent=independent, agencies=infos,
        planted_pairs=[[a, b] for a, b, _ in model.planted],
        emerging_pair=list(model.emerging) if model.emerging else None,
        emerging_month=last if model.emerging else None,
        files={"agencies": "agencies.json", "truth": "truth.json",
               "gold_deid": "gold/deid.jsonl", "gold_factors": "gold/factors.jsonl"},
    )
    truth = {
        "generator": GENERATOR, "seed": seed,
        "parameters": {"agencies": agencies, "incidents": incidents, "months": months,
                       "end_month": last, "independent": independent},
        "start_month": info.start_month, "end_month": last,
        "planted_pairs": info.planted_pairs,
        "planted_trigger_rates": {f"{a}+{b}": p for a, b, p in model.planted},
        "emerging_pair": info.emerging_pair, "emerging_month": info.emerging_month,
        "marginal_rates": model.marginal_rates(),
        "model": "Each non-ACT factor is present independently with its base rate; each planted "
                 "pair's trigger adds both codes at its trigger rate; the emerging pair's trigger "
                 "is rare before emerging_month and frequent in it; one primary ACT code per "
                 "incident (15% a second), independent of factors. independent=true: no triggers.",
        "agencies": [{"agency": a.agency, "shape": a.shape, "incidents": a.incidents}
                     for a in infos],
    }
    (root / "truth.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return info
