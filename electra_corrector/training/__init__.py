"""Training the default discriminator + generator pair (see scripts/train.py)."""
