"""A Corrector for a process of our own (a console script, a Ray worker): its thread count set,
and what it loaded exempt from the garbage collector. Never done by the library on its own."""

from __future__ import annotations


def corrector_for_process(threads: int | None = None, **keywords):
    """Corrector(**keywords) with torch on `threads` threads (None: torch's default), then
    everything loaded frozen (freeze_loaded_objects)."""
    from electra_corrector.engine.corrector import Corrector

    if threads:
        import torch

        torch.set_num_threads(threads)
    corrector = Corrector(**keywords)
    freeze_loaded_objects()
    return corrector


def freeze_loaded_objects() -> None:
    """Exempt everything loaded so far (torch, transformers, the models, the word tables) from
    the cyclic garbage collector: otherwise each full collection rescans those millions of
    objects, and correcting, which leaves many small results alive, triggers several; that was
    40% of the time on the default model. Done in our own processes only (the console scripts
    and Ray workers), never by the library behind a host program's back."""
    import gc

    gc.freeze()
