"""A deeper pair from a trained one, to train on from where it stands: each model's layers are
stacked on themselves (2 layers a, b become a, b, a, b), as progressive stacking grows BERT
(Gong et al., 2019), so a 4-layer model starts from what the 2-layer one learned instead of
from nothing. Embeddings and heads are copied as they are.

    python scripts/grow.py --layers 4 --out runs/grown           # from the shipped model
    python scripts/train.py --init runs/grown --minutes 120 --name long4 --threads 1 ...
"""

from __future__ import annotations

import argparse
import copy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def grown(model, layers: int):
    """`model` (an ELECTRA discriminator or generator) with `layers` layers, its own repeated
    in order; a multiple of its depth."""
    import torch

    blocks = model.electra.encoder.layer
    if layers % len(blocks):
        raise ValueError(f"{layers} layers is no multiple of the model's {len(blocks)}")
    config = copy.deepcopy(model.config)
    config.num_hidden_layers = layers
    deeper = type(model)(config)
    state = model.state_dict()
    for name, value in list(state.items()):
        if name.startswith("electra.encoder.layer."):
            index, rest = name.removeprefix("electra.encoder.layer.").split(".", 1)
            del state[name]
            for copy_of in range(int(index), layers, len(blocks)):
                state[f"electra.encoder.layer.{copy_of}.{rest}"] = value
    missing, unexpected = deeper.load_state_dict(state, strict=False)
    if unexpected or any("position_ids" not in name for name in missing):
        raise ValueError(f"weights do not fit: missing {missing}, unexpected {unexpected}")
    with torch.no_grad():
        return deeper.float()


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--model", type=Path, default=ROOT / "data" / "electra_models")
    p.add_argument("--layers", type=int, default=4, help="layers of each grown model")
    p.add_argument("--out", type=Path, required=True, help="folder for discriminator/ + generator/")
    args = p.parse_args(argv)
    from electra_corrector.training import models

    discriminator, generator = models.pretrained_pair(args.model)
    deeper = [grown(m.float(), args.layers) for m in (discriminator, generator)]
    models.export_pair(*deeper, args.out)
    print(f"{args.out}: {args.layers} layers each, from {args.model}")


if __name__ == "__main__":
    main()
