"""Scoring a corrector on SIGHAN-style test sets: data readers, metrics, and a CLI."""

from electra_corrector.evaluation.datasets import Dataset, DatasetError, load_dataset
from electra_corrector.evaluation.metrics import Metrics, Scores, compute_metrics, format_table
from electra_corrector.evaluation.runner import evaluate

__all__ = [
    "Dataset",
    "DatasetError",
    "Metrics",
    "Scores",
    "compute_metrics",
    "evaluate",
    "format_table",
    "load_dataset",
]
