"""Project scripts, run from the checkout's root: `python scripts/train.py`, or as a
package, `python -m scripts.benchmark`."""
