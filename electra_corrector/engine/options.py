"""Decoding settings: defaults, and the values a trained model ships in corrector_config.json."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from electra_corrector.base.errors import SettingsError
from electra_corrector.base.small_files import UnusableFile, read_text
from electra_corrector.engine.confusion import KINDS, USER_KIND
from electra_corrector.engine.result import Evidence

MODEL_SETTINGS_FILE = "corrector_config.json"
SECOND_PASSES = ("off", "take", "agree")


# The fields only the accept rule reads (Corrector.apply); the others shape the proposals.
ACCEPT_RULE_FIELDS = frozenset(
    {
        "min_gain",
        "detection_weight",
        "lm_weight",
        "word_weight",
        "frequency_weight",
        "max_lm_loss",
        "protect",
        "max_edits",
        "min_context",
        "kind_cost",
    }
)


@dataclass(frozen=True)
class CorrectorOptions:
    # A position is flagged when the discriminator's replaced-token probability exceeds this.
    threshold: float = 0.5
    # Candidates are taken from the generator's top_k tokens at a flagged position.
    top_k: int = 20
    # A candidate must beat the original character's log-probability by this margin...
    min_gain: float = 0.0
    # ...less this weight times the discriminator's log-odds that the original was replaced:
    # a sure flag needs less generator evidence, a doubtful one more (0: the gain alone decides).
    detection_weight: float = 0.0
    # "as_written": the generator reads the sentence unchanged; "masked": flagged chars are [MASK].
    generator_input: str = "as_written"
    # Restrict candidates to the shipped confusion table (same/similar pinyin or shape).
    use_confusion: bool = True
    # Noisy-channel prior: a substitution seen n times in the model's training pairs
    # (typo_counts.tsv beside the model) needs typo_prior * log(1 + n) less gain.
    typo_prior: float = 0.0
    # At most this many edits per sentence, the most confident kept (0: no limit).
    max_edits: int = 0
    # How many substitutes per flagged position are weighed (the best by `value` is taken).
    candidates: int = 3
    # Word knowledge (charlm.py, words.py): how the character trigram log-probability and the
    # best covering word's log-frequency change count in `value`; off: none is computed.
    # The weights are about the language more than a model, so those tuned (with min_gain 8 and
    # detection_weight 0.75) for the stage-2 default model are the defaults for any model, HFL's
    # included, that does not set its own; the shipped model's settings file sets its own.
    word_knowledge: bool = True
    lm_weight: float = 1.0
    word_weight: float = 0.15
    # The trigram model favours frequent characters anywhere; this much of the substitute's
    # log-frequency advantage is taken off again, so only a better fit to the context counts.
    frequency_weight: float = 1.5
    # A substitute that lowers the trigram log-probability by more than this is never taken
    # (None: no veto). It stops a frequent character from breaking a real word.
    max_lm_loss: float | None = None
    # Detection by the language model (with word knowledge): a position the discriminator
    # leaves under the threshold is flagged anyway when a confusable substitute raises the
    # trigram log-probability, less its frequency advantage (`lm - frequency`), by more than
    # this, and such a substitute may pass the threshold so (None: off). The rest of the
    # accept rule still decides.
    lm_flag: float | None = None
    # The kinds of confusion lm_flag tries (empty: every kind); a substitute of another kind
    # is never flagged so. The default holds the substitutions writers were seen to make (and
    # variant forms, and the user's own): a few per character. Measured on dev with the shipped
    # model, adding the old table's pairs (`listed`, about 30 a character) lowered pooled F1
    # (34.6 -> 33.5) at three times the trigram lookups; every kind (about 86) cost more again.
    lm_flag_kinds: tuple[str, ...] = ("variant", "seen", USER_KIND)
    # A second pass for sentences with several errors, whose contexts hold each other's
    # errors: a text the accept rule edited is proposed again as corrected. "off"; "take": the
    # second pass's result (it may add edits, or change or undo the first's); "agree": only the
    # first pass's edits that the second leaves alone.
    second_pass: str = "off"
    # Grammar constructions (knowledge/constructions.py): where one names the right character
    # (在 before a verb and 一次 is 再), that substitute is proposed, and taken, whatever the
    # models say there. Off here, for any model; the shipped model's settings file turns it on.
    constructions: bool = False
    # Terms never edited wherever they occur (names, product and domain terms).
    protect: tuple[str, ...] = ()
    # Extra (wrong, right) confusions, characters or equal-length words, beside the shipped table.
    confusions: tuple[tuple[str, str], ...] = ()
    # Tokens per model input, [CLS] and [SEP] included (0: the model's max_position_embeddings).
    # A model trained on short sequences sets it, since its later positions never learned anything.
    max_length: int = 0
    # A text with fewer Chinese characters than this beside the one edited is left alone: there
    # is too little context to judge ("（完）" closing a document is no typo of "（九）"). 0 here,
    # for any model; the shipped model's settings file sets its own.
    min_context: int = 0
    # How much less each kind of confusion is trusted: its cost is taken off `value`, e.g.
    # (("near", 2.0),): a near-pinyin substitute needs 2 more. Kinds not named cost 0, so a
    # table without kinds decides as before. In corrector_config.json: {"near": 2.0}.
    kind_cost: tuple[tuple[str, float], ...] = ()

    def __post_init__(self):
        for f in fields(self):  # types first: a string, null, bool or NaN slips past comparisons
            _check_type(f.name, getattr(self, f.name), f.type)
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold must be a probability in [0, 1], got {self.threshold}")
        if self.top_k < 1:
            raise ValueError(f"top_k must be at least 1, got {self.top_k}")
        if self.max_edits < 0 or self.typo_prior < 0:
            raise ValueError("max_edits and typo_prior must not be negative")
        if self.max_length and self.max_length < 8:
            raise ValueError(
                f"max_length must be 0 (the model's limit) or at least 8, got {self.max_length}"
            )
        if self.min_context < 0:
            raise ValueError(f"min_context must not be negative, got {self.min_context}")
        if self.lm_flag is not None and self.lm_flag < 0:
            raise ValueError(f"lm_flag must be None or at least 0, got {self.lm_flag}")
        if self.candidates < 1:
            raise ValueError(f"candidates must be at least 1, got {self.candidates}")
        for name, named in (
            ("kind_cost", {kind for kind, _ in self.kind_cost}),
            ("lm_flag_kinds", set(self.lm_flag_kinds)),
        ):
            unknown = named - {*KINDS, USER_KIND}
            if unknown:
                known = (*KINDS, USER_KIND)
                raise ValueError(f"{name} names unknown kinds {sorted(unknown)}; known: {known}")
        object.__setattr__(self, "_cost", dict(self.kind_cost))  # value() reads it per proposal
        if self.second_pass not in SECOND_PASSES:
            raise ValueError(
                f"second_pass must be one of {', '.join(SECOND_PASSES)}, got {self.second_pass!r}"
            )
        if self.generator_input not in ("as_written", "masked"):
            raise ValueError(
                f"generator_input must be 'as_written' or 'masked', got {self.generator_input!r}"
            )

    def value(self, evidence: Evidence) -> float:
        """The weighed evidence for a substitute: generator gain, the discriminator's log-odds
        that the original was replaced, and how the local word structure changes."""
        p = min(max(evidence.probability, 1e-6), 1 - 1e-6)
        return (
            evidence.gain
            + self.detection_weight * math.log(p / (1 - p))
            + self.lm_weight * evidence.lm
            + self.word_weight * evidence.words
            - self.frequency_weight * evidence.frequency
            - self._cost.get(evidence.kind, 0.0)
        )

    def accepts(self, evidence: Evidence) -> bool:
        """Whether a substitute is taken: its position was flagged (by the discriminator, or
        the language model for this substitute), no veto applies, and its value clears
        min_gain. A construction's substitute is always taken."""
        if evidence.rule:
            return True
        if evidence.probability <= self.threshold and not self.context_flags(evidence):
            return False
        if self.max_lm_loss is not None and evidence.lm < -self.max_lm_loss:
            return False
        return self.value(evidence) > self.min_gain

    def context_flags(self, evidence: Evidence) -> bool:
        """Whether the language model flags a substitute by itself (see lm_flag)."""
        return (
            self.lm_flag is not None
            and self.word_knowledge
            and self.lm_flag_tries(evidence.kind)
            and evidence.lm - evidence.frequency > self.lm_flag
        )

    def lm_flag_tries(self, kind: str) -> bool:
        """Whether lm_flag tries substitutes of this kind of confusion (see lm_flag_kinds)."""
        return not self.lm_flag_kinds or kind in self.lm_flag_kinds

    def updated(self, **changes) -> CorrectorOptions:
        """A copy with the given fields changed; None means keep the current value."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def load(cls, folder: Path) -> CorrectorOptions:
        """Defaults overlaid with the model's corrector_config.json, when it has one; a file
        that is not valid JSON or holds a bad value raises SettingsError naming it."""
        path = Path(folder) / MODEL_SETTINGS_FILE
        if not path.is_file():
            return cls()
        known = {f.name for f in fields(cls)}
        try:
            data = json.loads(read_text(path), parse_constant=_no_constant)
            if not isinstance(data, dict):
                raise ValueError("expected a JSON object of settings")
            settings = {k: v for k, v in data.items() if k in known}
            # JSON has no tuples; lists become tuples here, anything else is left to the checks.
            for name in ("protect", "lm_flag_kinds"):
                if isinstance(settings.get(name), list):
                    settings[name] = tuple(settings[name])
            if isinstance(settings.get("kind_cost"), dict):
                settings["kind_cost"] = tuple(settings["kind_cost"].items())
            elif isinstance(settings.get("kind_cost"), list):
                settings["kind_cost"] = tuple(
                    tuple(pair) if isinstance(pair, list) else pair
                    for pair in settings["kind_cost"]
                )
            if isinstance(settings.get("confusions"), list):
                settings["confusions"] = tuple(
                    tuple(pair) if isinstance(pair, list) else pair
                    for pair in settings["confusions"]
                )
            return cls(**settings)
        except UnusableFile as e:
            raise SettingsError(str(e)) from None
        except (OSError, ValueError, TypeError) as e:
            raise SettingsError(f"{path}: {e}") from None

    def to_json(self, **extra) -> str:
        """The text of MODEL_SETTINGS_FILE (what load reads back); writing it is the caller's
        job, so that the engine holds no file I/O."""
        data = {**asdict(self), "kind_cost": dict(self.kind_cost), **extra}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


_TYPES = {"float": (int, float), "int": (int,), "bool": (bool,), "str": (str,)}


def _check_type(name: str, value, annotation: str) -> None:
    """TypeError unless `value` is of the field's type (a bool is no number here) and finite;
    a bad item of a list is named by itself, not with the whole list."""
    if annotation == "float | None":
        if value is not None:
            _check_type(name, value, "float")
        return
    if annotation in _ITEMS:
        item_ok, what = _ITEMS[annotation]
        if not isinstance(value, tuple):
            raise TypeError(f"{name} must be a list of {what}, got {value!r}")
        for item in value:
            if not item_ok(item):
                raise TypeError(f"{name} must be a list of {what}, got the item {item!r}")
        return
    if not isinstance(value, _TYPES[annotation]) or (annotation == "bool") != isinstance(
        value, bool
    ):
        raise TypeError(f"{name} must be {annotation}, got {value!r}")
    if annotation == "float" and not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")


def _is_term(item) -> bool:
    return isinstance(item, str) and bool(item)


def _is_cost(item) -> bool:
    return (
        isinstance(item, tuple)
        and len(item) == 2
        and isinstance(item[0], str)
        and isinstance(item[1], int | float)
        and not isinstance(item[1], bool)
        and math.isfinite(item[1])
    )


def _is_confusion(item) -> bool:
    return (
        isinstance(item, tuple)
        and len(item) == 2
        and all(map(_is_term, item))
        and len(item[0]) == len(item[1])
    )


_ITEMS = {
    "tuple[str, ...]": (_is_term, "non-empty strings"),
    "tuple[tuple[str, str], ...]": (_is_confusion, "[wrong, right] pairs of equal length"),
    "tuple[tuple[str, float], ...]": (_is_cost, "[kind, number] pairs"),
}


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")
