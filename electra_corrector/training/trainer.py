"""The training loop: discriminator and generator side by side on the same batches."""

from __future__ import annotations

import json
import time
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from electra_corrector.models.assets import MASK_ID
from electra_corrector.textio.files import AtomicFile
from electra_corrector.training.batches import Batch, BatchSampler, pad_rows
from electra_corrector.training.candidate_loss import PAD, candidate_loss


def _setting(default, help: str, **argparse):
    """A TrainSettings field with what scripts/train.py needs to offer it as an option."""
    return field(default=default, metadata={"help": help, **argparse})


@dataclass
class TrainSettings:
    """The one list of training settings and their defaults; scripts/train.py offers each field
    as an option (--batch-tokens for batch_tokens) with the help given here."""

    run_dir: Path
    seed: int = _setting(0, "random seed (runs bounded by --steps are reproducible)")
    minutes: float | None = _setting(None, "training time budget", type=float)
    steps: int | None = _setting(None, "number of optimizer steps", type=int)
    batch_tokens: int = _setting(4096, "tokens per batch (padding included)")
    lr: float = _setting(5e-4, "peak learning rate (AdamW)")
    warmup: float = _setting(0.05, "share of the run spent warming up the learning rate")
    weight_decay: float = _setting(0.01, "AdamW weight decay")
    mask_fraction: float = _setting(
        0.10,
        "generator input tokens replaced by [MASK]: any (vocab), or unchanged ones only "
        "(candidates, as LEMON masks non-error characters)",
    )
    keep_fraction: float = _setting(
        0.25, "share of unchanged positions scored in the generator loss (1.0: all)"
    )
    pair_fraction: float = _setting(0.30, "share of batch rows that are real error pairs")
    g_objective: str = _setting(
        "candidates",
        "generator loss: the written char or one of its confusables at every CJK position "
        "(candidates, cheap and what decoding compares; candidate_loss.py), or a 21k-way "
        "softmax at sampled positions (vocab)",
        choices=("candidates", "vocab"),
    )
    device: str = _setting("cpu", "cpu or cuda")
    precision: str = _setting(
        "fp32",
        "bf16: autocast the forward passes (weights and optimizer stay fp32): on a GPU, or a "
        "CPU with AVX512-BF16 (1.5x fp32's steps/s on AMD Zen 4, 2 threads: "
        "python -m scripts.benchmark.training)",
        choices=("fp32", "bf16"),
    )
    loader_workers: int = _setting(
        0, "processes that corrupt and batch text ahead of the model (0: in the training loop)"
    )
    threads: int = _setting(2, "CPU threads for torch")
    checkpoint_minutes: float = _setting(10.0, "minutes between checkpoints")
    eval_minutes: float = _setting(5.0, "minutes between dev evaluations")
    progress: bool = True

    def __post_init__(self):
        if self.minutes is None and self.steps is None:
            raise ValueError("give a time budget (minutes) or a number of steps")
        if self.g_objective not in ("candidates", "vocab"):
            raise ValueError(f"g_objective: {self.g_objective!r} is not candidates or vocab")


def cpu_has_bf16() -> bool:
    """Whether this CPU runs bf16 natively (oneDNN's own check; False where torch lacks it)."""
    import torch

    check = getattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", None)
    return bool(check and check())


class Trainer:
    def __init__(
        self,
        settings: TrainSettings,
        discriminator,
        generator,
        sampler: BatchSampler,
        candidates: np.ndarray | None = None,
    ):
        import torch

        if settings.g_objective == "candidates" and candidates is None:
            raise ValueError("the candidates objective needs the candidate table")
        self.s = settings
        torch.set_num_threads(settings.threads)
        self.device = torch.device(settings.device)
        if settings.precision == "bf16" and self.device.type == "cpu" and not cpu_has_bf16():
            warnings.warn(
                "bf16 was asked for on a CPU without AVX512-BF16: there it is emulated, about "
                "10x slower than fp32; train with --precision fp32",
                stacklevel=2,
            )
        self.d = discriminator.to(self.device).train()
        self.g = generator.to(self.device).train()
        self.d_opt = _adamw(self.d, settings)
        self.g_opt = _adamw(self.g, settings)
        self.sampler = sampler
        self.candidates = (
            None if candidates is None else torch.from_numpy(candidates).to(self.device)
        )
        self.step = 0
        self.elapsed = 0.0  # training seconds so far, carried across resumes
        self._batches = None  # iterator over prefetched batches, from self.step on
        self.run_dir = Path(settings.run_dir)
        self.run_dir.mkdir(parents=True, exist_ok=True)

    # -- schedule -------------------------------------------------------------------------

    def progress(self) -> float:
        """Fraction of the run done: by steps, by the clock, whichever is further."""
        done = 0.0
        if self.s.steps:
            done = self.step / self.s.steps
        if self.s.minutes:
            done = max(done, self.elapsed / (self.s.minutes * 60))
        return done

    def learning_rate(self) -> float:
        p, w = self.progress(), self.s.warmup
        return self.s.lr * max(0.0, min(p / w if w else 1.0, (1 - p) / (1 - w)))

    # -- one step -------------------------------------------------------------------------

    def losses(self, batch: Batch, rng: np.random.Generator, train: bool = True):
        """(discriminator loss, generator loss) on a batch, as tensors."""
        import torch
        import torch.nn.functional as F

        dev = self.device
        inputs = torch.from_numpy(batch.inputs).to(dev)
        targets = torch.from_numpy(batch.targets).to(dev)
        attention = torch.from_numpy(batch.attention).to(dev)
        content = torch.from_numpy(batch.content).to(dev)
        replaced = (inputs != targets) & content

        d_logits = self.d(input_ids=inputs, attention_mask=attention).logits
        d_loss = F.binary_cross_entropy_with_logits(d_logits[content], replaced[content].float())

        if self.s.g_objective == "candidates":
            # Every CJK position counts in training (the head costs a few dozen dot products,
            # not 21k); evaluation scores the wrong characters only, as below.
            scored = content & (self.candidates[inputs, 1] != PAD)
            g_inputs = inputs
            if train:
                # Most written chars are right: without thinning them out the generator only
                # learns to copy (measured: 0.5% accuracy on wrong chars after 8 minutes).
                kept = torch.from_numpy(rng.random(batch.inputs.shape) < self.s.keep_fraction)
                # Masking right characters (LEMON) makes the generator read the context, not
                # the error model alone; their candidates stay those of the written char.
                masked = torch.from_numpy(rng.random(batch.inputs.shape) < self.s.mask_fraction)
                masked = masked.to(dev) & content & ~replaced
                g_inputs = inputs.masked_fill(masked, MASK_ID)
                scored = scored & (replaced | kept.to(dev) | masked)
            else:
                scored = scored & replaced
            hidden = self.g.electra(input_ids=g_inputs, attention_mask=attention).last_hidden_state
            g_loss, predicted, kept = candidate_loss(
                self.g, hidden[scored], inputs[scored], targets[scored], self.candidates
            )
            scored = scored.clone()
            scored[scored.clone()] = kept
            return d_loss, g_loss, d_logits, predicted, scored, replaced
        g_inputs = inputs
        if train:
            # Random [MASK]s teach the generator to fill gaps from context alone.
            masked = torch.from_numpy(rng.random(batch.inputs.shape) < self.s.mask_fraction)
            masked = masked.to(dev) & content
            g_inputs = inputs.masked_fill(masked, MASK_ID)
            kept = torch.from_numpy(rng.random(batch.inputs.shape) < self.s.keep_fraction)
            # Only a sample of unchanged positions: the 21k-way output layer is the costly part.
            scored = replaced | masked | (kept.to(dev) & content)
        else:
            scored = replaced  # evaluation only scores the wrong characters
        hidden = self.g.electra(input_ids=g_inputs, attention_mask=attention).last_hidden_state
        logits = self.g.generator_lm_head(self.g.generator_predictions(hidden[scored]))
        g_loss = F.cross_entropy(logits, targets[scored]) if len(logits) else logits.sum()
        return d_loss, g_loss, d_logits, logits.argmax(-1), scored, replaced

    def train_step(self) -> tuple[float, float, int]:
        import torch

        batch = self._next_batch()
        rng = np.random.default_rng([self.s.seed, self.step, 1])
        with torch.autocast(self.device.type, torch.bfloat16, self.s.precision == "bf16"):
            d_loss, g_loss, *_ = self.losses(batch, rng)
        lr = self.learning_rate()
        for model, opt, loss in ((self.d, self.d_opt, d_loss), (self.g, self.g_opt, g_loss)):
            for group in opt.param_groups:
                group["lr"] = lr
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        self.step += 1
        return d_loss.item(), g_loss.item(), batch.tokens

    def _next_batch(self) -> Batch:
        """The batch for self.step: built here, or by loader workers ahead of time.

        Workers build the same batches (they depend on (seed, step) only), so a run is the same
        with or without them.
        """
        if not self.s.loader_workers:
            return self.sampler.batch(self.step)
        if self._batches is None:
            from itertools import count

            from torch.utils.data import DataLoader

            loader = DataLoader(
                _StepBatches(self.sampler),
                batch_size=None,
                sampler=count(self.step),
                num_workers=self.s.loader_workers,
                collate_fn=_as_is,
                prefetch_factor=4,
                persistent_workers=True,
            )
            self._batches = iter(loader)
        return next(self._batches)

    # -- evaluation -----------------------------------------------------------------------

    def evaluate(
        self, dev: list[tuple[np.ndarray, np.ndarray]], rows: int = 64, limit: int = 800
    ) -> dict:
        """Discriminator loss and F1 at 0.5, generator accuracy on the wrong characters.

        An even sample of at most `limit` dev rows keeps evaluation from eating training time.
        """
        import torch

        dev = dev[:: max(1, len(dev) // limit)]

        self.d.eval()
        self.g.eval()
        d_loss = g_right = g_total = tp = fp = fn = 0.0
        with torch.no_grad():
            for start in range(0, len(dev), rows):
                batch = pad_rows(dev[start : start + rows])
                loss, _, d_logits, predicted, scored, replaced = self.losses(
                    batch, None, train=False
                )
                d_loss += float(loss) * len(batch.inputs)
                content = torch.from_numpy(batch.content)
                flagged = d_logits.cpu() > 0
                truth = replaced.cpu()
                tp += float((flagged & truth & content).sum())
                fp += float((flagged & ~truth & content).sum())
                fn += float((~flagged & truth & content).sum())
                targets = torch.from_numpy(batch.targets).to(self.device)[scored]
                g_right += float((predicted == targets).sum())
                g_total += len(targets)
        self.d.train()
        self.g.train()
        return {
            "step": self.step,
            "d_loss": round(d_loss / max(len(dev), 1), 4),
            "d_f1": round(2 * tp / max(2 * tp + fp + fn, 1), 4),
            "g_acc_wrong": round(g_right / max(g_total, 1), 4),
        }

    # -- checkpoints ----------------------------------------------------------------------

    def checkpoint_path(self) -> Path:
        return self.run_dir / "ckpt" / "last.pt"

    def save_checkpoint(self) -> Path:
        import torch

        path = self.checkpoint_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        state = {
            "d": self.d.state_dict(),
            "g": self.g.state_dict(),
            "d_config": self.d.config.to_dict(),
            "g_config": self.g.config.to_dict(),
            "d_opt": self.d_opt.state_dict(),
            "g_opt": self.g_opt.state_dict(),
            "step": self.step,
            "elapsed": self.elapsed,
            "torch_rng": torch.get_rng_state(),
        }
        with AtomicFile(path) as out:  # a crash mid-save never leaves a broken checkpoint
            torch.save(state, out.stream)
        return path

    def load_checkpoint(self, path: Path) -> None:
        import torch

        state = torch.load(path, map_location=self.device, weights_only=False)
        self.d.load_state_dict(state["d"])
        self.g.load_state_dict(state["g"])
        self.d_opt.load_state_dict(state["d_opt"])
        self.g_opt.load_state_dict(state["g_opt"])
        self.step = state["step"]
        self.elapsed = state["elapsed"]
        torch.set_rng_state(state["torch_rng"])

    # -- the loop -------------------------------------------------------------------------

    def run(self, dev: list[tuple[np.ndarray, np.ndarray]]) -> dict:
        from tqdm import tqdm

        log = (self.run_dir / "train_log.jsonl").open("a", encoding="utf-8")
        bar = tqdm(total=self.s.steps, disable=not self.s.progress, initial=self.step)
        last_checkpoint = last_eval = self.elapsed
        tokens = 0
        d_avg = g_avg = None
        result = {}
        while self.progress() < 1.0:
            started = time.perf_counter()
            d_loss, g_loss, n = self.train_step()
            self.elapsed += time.perf_counter() - started
            tokens += n
            d_avg = d_loss if d_avg is None else 0.98 * d_avg + 0.02 * d_loss
            g_avg = g_loss if g_avg is None else 0.98 * g_avg + 0.02 * g_loss
            speed = n / max(time.perf_counter() - started, 1e-9)
            bar.update(1)
            bar.set_postfix(d=f"{d_avg:.4f}", g=f"{g_avg:.3f}", tok_s=f"{speed:.0f}")
            if self.elapsed - last_eval >= self.s.eval_minutes * 60:
                last_eval = self.elapsed
                result = self._log(log, dev, d_avg, g_avg, tokens)
            if self.elapsed - last_checkpoint >= self.s.checkpoint_minutes * 60:
                last_checkpoint = self.elapsed
                self.save_checkpoint()
        bar.close()
        result = self._log(log, dev, d_avg, g_avg, tokens)
        self.save_checkpoint()
        log.close()
        return result

    def _log(self, log, dev, d_avg, g_avg, tokens) -> dict:
        entry = {
            **self.evaluate(dev),
            "train_d_loss": round(d_avg or 0.0, 4),
            "train_g_loss": round(g_avg or 0.0, 4),
            "tokens": tokens,
            "minutes": round(self.elapsed / 60, 2),
            "lr": self.learning_rate(),
        }
        log.write(json.dumps(entry) + "\n")
        log.flush()
        return entry


class _StepBatches:
    """Map-style dataset for DataLoader: item `step` is the sampler's batch for that step."""

    def __init__(self, sampler: BatchSampler):
        self.sampler = sampler

    def __getitem__(self, step: int) -> Batch:
        return self.sampler.batch(step)


def _as_is(batch: Batch) -> Batch:
    return batch


def _adamw(model, settings: TrainSettings):
    import torch

    decay = [p for n, p in model.named_parameters() if p.ndim >= 2 and "embeddings" not in n]
    no_decay = [
        p for n, p in model.named_parameters() if not (p.ndim >= 2 and "embeddings" not in n)
    ]
    return torch.optim.AdamW(
        [
            {"params": decay, "weight_decay": settings.weight_decay},
            {"params": no_decay, "weight_decay": 0.0},
        ],
        lr=settings.lr,
    )


def settings_dict(settings: TrainSettings) -> dict:
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(settings).items()}
