"""Read and validate ``recognizers.yaml``, the declaration of which recognizers run.

A missing or malformed file raises :class:`RecognizerConfigError`: a de-identifier that falls
back to defaults silently drops the agency's recognizers (see STYLE.md).
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import yaml

DEFAULT_RECOGNIZERS_FILE = Path(__file__).with_name("recognizers.yaml")
TYPE_NAME = re.compile(r"^[A-Z][A-Z_]{0,31}$")
MODULE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_TOP_KEYS = {"version", "score_threshold", "ner_labels", "presidio", "project"}


class RecognizerConfigError(ValueError):
    """The recognizer declaration file is missing or invalid."""


@dataclass(frozen=True)
class RecognizerConfig:
    """The validated content of ``recognizers.yaml``."""

    score_threshold: float
    ner_labels: dict[str, str]
    presidio: tuple[tuple[str, dict[str, str]], ...]
    project: tuple[tuple[str, str], ...]
    source: str

    def entity_types(self) -> dict[str, str]:
        """Map every Presidio entity name the engine can report to its placeholder type."""
        mapping = {label: label for label in set(self.ner_labels.values())}
        for _, entities in self.presidio:
            mapping.update(entities)
        return mapping


def _fail(path: Path, message: str) -> RecognizerConfigError:
    return RecognizerConfigError(f"{path}: {message}")


def _check_types(path: Path, where: str, mapping: Any) -> dict[str, str]:
    if not isinstance(mapping, dict) or not mapping:
        raise _fail(path, f"{where} must be a non-empty mapping")
    for key, value in mapping.items():
        if not isinstance(key, str) or not isinstance(value, str) or not TYPE_NAME.match(value):
            raise _fail(path, f"{where}: {key!r} must map to an upper-case type name")
    return dict(mapping)


def load_recognizer_config(path: str | Path | None = None) -> RecognizerConfig:
    """Read and validate a recognizer declaration file.

    Parameters
    ----------
    path : str or Path, optional
        The YAML file; the package's ``recognizers.yaml`` when omitted.

    Returns
    -------
    RecognizerConfig

    Raises
    ------
    RecognizerConfigError
        The file is missing, is not YAML, or breaks the declaration format.
    """
    path = Path(path) if path is not None else DEFAULT_RECOGNIZERS_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise _fail(path, f"cannot read recognizer declarations ({type(exc).__name__})") from exc
    if not isinstance(data, dict):
        raise _fail(path, "top level must be a mapping")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise _fail(path, f"unknown keys {sorted(unknown)}")
    if data.get("version") != 1:
        raise _fail(path, "version must be 1")
    threshold = data.get("score_threshold")
    if not isinstance(threshold, int | float) or not 0 <= threshold <= 1:
        raise _fail(path, "score_threshold must be a number in [0, 1]")
    ner_labels = _check_types(path, "ner_labels", data.get("ner_labels"))

    presidio: list[tuple[str, dict[str, str]]] = []
    for i, item in enumerate(data.get("presidio") or []):
        if not isinstance(item, dict) or set(item) != {"class", "entities"}:
            raise _fail(path, f"presidio[{i}] needs exactly 'class' and 'entities'")
        presidio.append(
            (str(item["class"]), _check_types(path, f"presidio[{i}]", item["entities"]))
        )

    project: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, item in enumerate(data.get("project") or []):
        if (
            not isinstance(item, dict)
            or set(item) - {"module", "class", "enabled"}
            or not {
                "module",
                "class",
            }
            <= set(item)
        ):
            raise _fail(path, f"project[{i}] needs 'module' and 'class' (and optional 'enabled')")
        if not MODULE_NAME.match(str(item["module"])) or item["module"] in seen:
            raise _fail(path, f"project[{i}]: bad or repeated module name")
        seen.add(item["module"])
        if item.get("enabled", True) is not False:
            project.append((str(item["module"]), str(item["class"])))
    if not project:
        raise _fail(path, "no project recognizers declared")
    return RecognizerConfig(
        score_threshold=float(threshold),
        ner_labels=ner_labels,
        presidio=tuple(presidio),
        project=tuple(project),
        source=str(path),
    )


def instantiate_recognizers(config: RecognizerConfig) -> list[Any]:
    """Create one instance of every declared Presidio and project recognizer.

    Raises
    ------
    RecognizerConfigError
        A declared class does not exist or is not a Presidio ``EntityRecognizer``.
    """
    from presidio_analyzer import EntityRecognizer, predefined_recognizers

    path = Path(config.source)
    recognizers = []
    for class_name, _ in config.presidio:
        cls = getattr(predefined_recognizers, class_name, None)
        if not (isinstance(cls, type) and issubclass(cls, EntityRecognizer)):
            raise _fail(path, f"presidio recognizer {class_name!r} does not exist")
        recognizers.append(cast(Any, cls)(supported_language="en"))
    for module_name, class_name in config.project:
        try:
            module = importlib.import_module(f"nearmiss_lab.deid.recognizers.{module_name}")
        except ModuleNotFoundError as exc:
            raise _fail(path, f"recognizer module {module_name!r} does not exist") from exc
        cls = getattr(module, class_name, None)
        if not (isinstance(cls, type) and issubclass(cls, EntityRecognizer)):
            raise _fail(path, f"{module_name}.{class_name} is not an EntityRecognizer")
        recognizers.append(cast(Any, cls)())
    return recognizers
