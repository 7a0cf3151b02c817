"""The signature line printed with every score: what two people must share to compare numbers.

Like sacrebleu's, it names everything that changes a score and nothing local: the package
version, the model's name and a short hash of its files (models/fingerprint.py), every decoding
setting, a short hash of the confusion table, the precision, the device, the torch and
transformers versions, and the data file's name, format and hash. No absolute paths, so a
signature can be pasted into a paper or an issue.
"""

from __future__ import annotations

from electra_corrector.evaluation.datasets import Dataset


def device_name(device) -> str:
    """ "cpu", or "cuda:" and the GPU's name (fp16 results differ between GPU generations)."""
    import torch

    if device.type == "cuda":
        return f"cuda:{torch.cuda.get_device_name(device)}"
    return device.type


def signature(corrector, dataset: Dataset, size: int, t2s: bool) -> str:
    import torch
    import transformers

    made_by = corrector.identity()  # the version, the model's digest, the options, precision
    fields = {
        "electra-correct": made_by.pop("electra-correct"),
        "model": corrector.models.source.name,
        **made_by,
        "device": device_name(corrector.device),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "data": dataset.name,
        "format": dataset.format,
        "t2s": "yes" if t2s else "no",
        "n": size,
        "sha1": dataset.sha1,
    }
    return "|".join(f"{key}:{value}" for key, value in fields.items())
