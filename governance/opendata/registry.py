"""Datasets other apps add to the open data (the core never imports decisions/)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Dataset:
    name: str  # the file name without extension, e.g. "decisions"
    title: str
    description: str
    columns: list[str]
    rows: Callable[[], list[dict]]  # public rows only, each a dict of ``columns``


_DATASETS: dict[str, Dataset] = {}


def register(dataset: Dataset) -> None:
    _DATASETS[dataset.name] = dataset


def datasets() -> dict[str, Dataset]:
    return dict(_DATASETS)
