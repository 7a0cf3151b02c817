"""A trained pair as the model folder the corrector loads: weights (fp16), the decoding settings
that fit how it was trained, and the typo counts of its real training pairs."""

from __future__ import annotations

from pathlib import Path

from electra_corrector.engine.confusion import count_typos, write_typo_counts
from electra_corrector.engine.options import MODEL_SETTINGS_FILE, CorrectorOptions
from electra_corrector.models.loading import TYPO_COUNTS_FILE
from electra_corrector.textio.files import AtomicFile
from electra_corrector.training import models
from electra_corrector.training.dataset import MAX_TOKENS


def export_model(
    discriminator, generator, out: Path, trained: dict, train_pairs, objective: str
) -> None:
    """The model pair, its decoding settings and the typo counts of its real training pairs."""
    models.export_pair(discriminator, generator, out)
    # The generator was trained on sentences as written, so it decodes them that way too;
    # positions past the training length never learned anything, so inputs stay within it.
    # A generator trained on candidates only has no meaningful rank over the whole vocabulary.
    top_k = models.VOCAB_SIZE if objective == "candidates" else CorrectorOptions.top_k
    options = CorrectorOptions(generator_input="as_written", max_length=MAX_TOKENS, top_k=top_k)
    with AtomicFile(Path(out) / MODEL_SETTINGS_FILE) as settings:  # never half a config
        text = options.to_json(model="electra-correct default", trained=trained)
        settings.stream.write(text.encode("utf-8"))
    write_typo_counts(Path(out) / TYPO_COUNTS_FILE, count_typos(train_pairs))
