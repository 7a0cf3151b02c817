"""Argument types shared by the command-line tools (argparse turns their errors into exit 2)."""

from __future__ import annotations

import argparse


def probability(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be a probability in [0, 1], got {text}")
    return value


def int_at_least(low: int):
    def parse(text: str) -> int:
        value = int(text)
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {text}")
        return value

    return parse


def format_name(text: str) -> str:
    """argparse type for --format: tells users of the old inline `diff` format its new name."""
    if text == "diff":
        raise argparse.ArgumentTypeError(
            "'diff' is now called 'marked' (changes marked inline); --diff prints a unified diff"
        )
    return text
