"""The Corrector: detection, candidate choice and the safety net, batched over many texts."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict
from itertools import islice

from electra_corrector.base.charset import is_cjk
from electra_corrector.base.errors import CorrectorError
from electra_corrector.engine.alignment import Span, SpanBuilder
from electra_corrector.engine.candidates import CandidatePicker, generator_states
from electra_corrector.engine.confusion import (
    ConfusionTable,
    default_table,
    read_typo_counts,
)
from electra_corrector.engine.detection import ContextFlags, flag, pad, replaced_probabilities
from electra_corrector.engine.invariants import violation
from electra_corrector.engine.options import ACCEPT_RULE_FIELDS, CorrectorOptions
from electra_corrector.engine.precision import convert, float_type, settle
from electra_corrector.engine.protect import address_offsets
from electra_corrector.engine.result import Correction, Proposal
from electra_corrector.knowledge.constructions import matches
from electra_corrector.knowledge.evidence import preload
from electra_corrector.knowledge.userdict import ProtectedTerms
from electra_corrector.models.fingerprint import fingerprint, model_digest
from electra_corrector.models.loading import TYPO_COUNTS_FILE, load_models, resolve

log = logging.getLogger("electra_corrector")


def _torch_device(device: str | None):
    import torch

    name = device or "cpu"
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise CorrectorError(f"device {name!r} was asked for, but CUDA is not available here")
    try:
        found = torch.device(name)
    except RuntimeError as exc:
        raise CorrectorError(f"unknown device {name!r}") from exc
    if found.type == "meta":  # holds shapes, not numbers
        raise CorrectorError("device 'meta' cannot run a model")
    try:
        torch.empty(1, device=found)
    except Exception as exc:  # backends fail in many ways (mps on Linux, a missing xpu, ...)
        raise CorrectorError(f"device {name!r} is not available here") from exc
    return found


class Corrector:
    """Chinese spelling corrector over an ELECTRA discriminator + generator pair.

    model: a folder (any layout loading.py knows) or a hub id; None looks in data/electra_models/
    and the bundled default model. precision: auto, fp32, int8, fp16 or bf16 (see precision.py;
    `self.precision` is what auto chose). Keyword settings override the model's
    corrector_config.json. extra_protect: terms never edited, and extra_confusions: (wrong,
    right) pairs to consider, both added to those the model's settings name (userdict.py).
    """

    def __init__(
        self,
        model: str | None = None,
        device: str | None = None,
        threshold: float | None = None,
        batch_size: int = 32,
        options: CorrectorOptions | None = None,
        discriminator: str | None = None,
        generator: str | None = None,
        confusion: ConfusionTable | None = None,
        precision: str = "auto",
        extra_protect: Iterable[str] = (),
        extra_confusions: Iterable[tuple[str, str]] = (),
        **option_overrides,
    ):
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        unknown = sorted(set(option_overrides) - set(CorrectorOptions.__dataclass_fields__))
        if unknown:  # the dataclass would name CorrectorOptions.__init__, not what was called
            raise TypeError(
                f"Corrector() got unknown settings {unknown}; the settings are the fields "
                "of CorrectorOptions"
            )
        source = resolve(model, discriminator, generator)
        base = options or (
            CorrectorOptions.load(source.root) if source.root else CorrectorOptions()
        )
        self.options = base.updated(threshold=threshold, **option_overrides)
        # The user's words add to the model folder's, never replace them.
        self.options = self.options.updated(
            protect=tuple(dict.fromkeys((*self.options.protect, *extra_protect))),
            confusions=tuple(dict.fromkeys((*self.options.confusions, *extra_confusions))),
        )
        wanted = self.options.word_knowledge or self.options.constructions
        knowledge = preload() if wanted else None
        self.device = _torch_device(device)
        self.precision = settle(precision, self.device)
        self.models = load_models(source, self.device, float_type(self.precision))
        convert(self.models, self.precision)
        self.model_id = source.label
        self.batch_size = batch_size
        tokenizer = self.models.tokenizer
        limit = min(
            self.models.discriminator.config.max_position_embeddings,
            self.models.generator.config.max_position_embeddings,
        )
        max_tokens = min(self.options.max_length or limit, limit)
        self._spans = SpanBuilder(tokenizer, max_tokens)
        typos = source.root / TYPO_COUNTS_FILE if source.root else None
        table = confusion or default_table()
        if self.options.confusions:
            table = table.extended(self.options.confusions)
        self._protected = ProtectedTerms(self.options.protect)
        loaded = knowledge.result() if knowledge else None
        self._knowledge = loaded if self.options.word_knowledge else None
        self._words = loaded.words if self.options.constructions else None
        self._picker = CandidatePicker(
            tokenizer,
            self.options,
            table,
            read_typo_counts(typos) if typos and typos.is_file() else None,
        )
        use_lm = self._knowledge and self.options.lm_flag is not None
        self._context_flags = (
            # an empty lm_flag_kinds tries every kind
            ContextFlags(table, self._knowledge.ngrams, self.options.lm_flag_kinds or None)
            if use_lm
            else None
        )
        self._pad_id = tokenizer.pad_token_id
        self._mask_id = tokenizer.mask_token_id

    def identity(self, proposals_only: bool = False) -> dict:
        """What shapes this corrector's output: the package version, the digest of the model's
        files (models/fingerprint.py), every option and the precision; `proposals_only`: only
        the options that shape propose()'s proposals, not those of the accept rule."""
        from electra_corrector import __version__

        options = asdict(self.options)
        if proposals_only:
            options = {k: v for k, v in options.items() if k not in ACCEPT_RULE_FIELDS}
        weights = model_digest(self.models.source)
        return {
            "electra-correct": __version__,
            "weights": weights,
            **options,
            "confusion": self.confusion.digest(),  # the table the candidates come from
            "precision": self.precision,
        }

    def fingerprint(self, proposals_only: bool = False, **extra) -> str:
        """A short hash of identity() and `extra` (what a front end adds: the output format,
        the input's path, ...): equal only for outputs made the same way."""
        return fingerprint({**self.identity(proposals_only), **extra})

    def correct(self, text: str) -> Correction:
        return self.correct_batch([text])[0]

    def correct_batch(self, texts: Iterable[str]) -> list[Correction]:
        texts = _text_list(texts)
        return self.decide(texts, self.propose(texts))

    def decide(
        self,
        texts: list[str],
        proposals: list[list[Proposal]],
        options: CorrectorOptions | None = None,
    ) -> list[Correction]:
        """apply() to each text and its proposals (propose's), and then the second pass that
        `options` (default: this corrector's) may ask for: correct_batch less the proposing.
        The second pass proposes at this corrector's settings, as propose() does."""
        options = options or self.options
        done = [self.apply(t, found, options) for t, found in zip(texts, proposals, strict=True)]
        again = [k for k, c in enumerate(done) if c.edits] if options.second_pass != "off" else []
        if again:
            found = self.propose([done[k].text for k in again])
            for k, more in zip(again, found, strict=True):
                second = self.apply(done[k].text, more, options)
                merged = merge_passes(done[k], second, options.second_pass, options.max_edits)
                done[k] = self._checked(merged)
        return done

    @property
    def confusion(self) -> ConfusionTable:
        """The confusion table candidates come from (the user's confusions included)."""
        return self._picker.table

    def plausible(self, wrong: str, right: str) -> bool:
        """Whether the candidate filter lets `right` stand for `wrong` (the confusion table with
        the user's confusions, in traditional text through the simplified forms it is read in;
        every character when the filter is off): a correction it rules out can never be
        proposed."""
        if not self.options.use_confusion:
            return True
        table = self._picker.table
        simplified = table.simplified_form
        return table.is_confusable(wrong, right) or table.is_confusable(
            simplified(wrong), simplified(right)
        )

    def spans(self, texts: list[str]) -> list[Span]:
        """The model inputs `texts` are cut into, shortest first, as propose() runs them (public
        so that a benchmark can time bare forward passes on exactly these inputs)."""
        return sorted(self._spans.build(_text_list(texts)), key=lambda s: len(s.input_ids))

    def propose(self, texts: list[str]) -> list[list[Proposal]]:
        """Every substitute the models put forward in each text, before the accept rule.

        Positions are flagged at this corrector's threshold; `apply` then decides. Settings
        tuners run the models once at a low threshold and try many options on the proposals.
        """
        import torch

        texts = _text_list(texts)
        # A traditional text is read as simplified, the script the models and word knowledge
        # learned; its proposals are then written back in its own script.
        views = [self._picker.table.simplified_view(t) for t in texts]
        read = [v or t for v, t in zip(views, texts, strict=True)]
        found: list[dict[int, list[Proposal]]] = [{} for _ in texts]
        if self.options.threshold < 1.0:  # at 1 nothing can be flagged: skip the models entirely
            spans = self.spans(read)
            with torch.inference_mode():
                for i in range(0, len(spans), self.batch_size):
                    self._propose_spans(read, spans[i : i + self.batch_size], found)
        if self._words is not None:
            for text, by_offset in zip(read, found, strict=True):
                self._construct(text, by_offset)
        proposals = [
            sorted(p for at_offset in by_offset.values() for p in at_offset) for by_offset in found
        ]
        if self._knowledge:
            proposals = self._weigh(read, proposals)
        return [
            self._written_back(text, found) if view else found
            for text, view, found in zip(texts, views, proposals, strict=True)
        ]

    def _construct(self, text: str, by_offset: dict[int, list[Proposal]]) -> None:
        """Where a construction names the right character, its substitute replaces the models'
        proposals there (keeping their evidence when they had proposed it too; else with no
        model evidence, and score 1: the construction is sure)."""
        kind = self._picker.table.kind
        for offset, right, rule in matches(text, self._words):
            same = [p for p in by_offset.get(offset, ()) if p.right == right]
            wrong = text[offset]
            by_offset[offset] = [
                same[0]._replace(rule=rule)
                if same
                else Proposal(
                    offset, wrong, right, 0.0, 0.0, 1.0, kind=kind(wrong, right) or "", rule=rule
                )
            ]

    def _written_back(self, text: str, proposals: list[Proposal]) -> list[Proposal]:
        """Proposals made on a traditional text's simplified view, in the text's own script: a
        substitute with several traditional forms (发: 發 or 髮) is left out, and so is one that
        writes back to the character already there or undoes a traditional word's form
        (瞭解 is no typo for 了解 there)."""
        table = self._picker.table
        back = []
        for p in proposals:
            written, right = text[p.offset], table.traditional_form(p.right)
            if right is not None and right != written and not table.is_phrase_form(written, right):
                back.append(p._replace(wrong=written, right=right))
        return back

    def _weigh(self, texts: list[str], proposals: list[list[Proposal]]) -> list[list[Proposal]]:
        """The proposals with their word-knowledge evidence filled in."""
        items = [(texts[i], p.offset, p.right) for i, found in enumerate(proposals) for p in found]
        scores = self._knowledge.score(items)
        weighed, start = [], 0
        for found in proposals:
            mine = scores[start : start + len(found)]
            weighed.append(
                [
                    p._replace(lm=lm, words=words, frequency=frequency)
                    for p, (lm, words, frequency) in zip(found, mine, strict=True)
                ]
            )
            start += len(found)
        return weighed

    def _propose_spans(self, texts: list[str], spans: list[Span], found) -> None:
        import torch

        ids, mask = pad(spans, self._pad_id, self.device)
        probs = replaced_probabilities(self.models.discriminator, ids, mask)
        flags = flag(spans, probs, self.options.threshold)
        if self._context_flags:
            more = self._context_flags.flag(
                spans, texts, probs, self.options.threshold, self.options.lm_flag
            )
            flags = sorted(flags + more)
        if not flags:
            return
        rows = sorted({row for row, _, _ in flags})
        row_of = {row: k for k, row in enumerate(rows)}
        g_ids, g_mask = ids[rows], mask[rows]
        sub_rows = torch.tensor([row_of[r] for r, _, _ in flags])
        cols = torch.tensor([c for _, c, _ in flags])
        if self.options.generator_input == "masked":
            g_ids = g_ids.clone()
            g_ids[sub_rows, cols] = self._mask_id
        generator = self.models.generator
        states = generator_states(generator, g_ids, g_mask, sub_rows, cols)
        originals = [spans[row].input_ids[col] for row, col, _ in flags]
        written = [texts[spans[row].text_index][spans[row].char_at[col]] for row, col, _ in flags]
        candidates = self._picker.best(
            written, originals, states, generator.generator_lm_head, self.options.candidates
        )
        table = self._picker.table
        leans: dict[int, int] = {}  # confusion.script_lean of each text, once
        for (row, col, prob), alternatives in zip(flags, candidates, strict=True):
            span = spans[row]
            offset = span.char_at[col]
            text = texts[span.text_index]
            if span.text_index not in leans:
                leans[span.text_index] = table.script_lean(text)
            lean = leans[span.text_index]
            # a substitute of the other script is no correction (confusion.script_allows)
            alternatives = [
                c for c in alternatives if table.script_allows(text, offset, c.char, lean)
            ]
            if alternatives:  # a later window's view of an offset replaces an earlier one's
                found[span.text_index][offset] = [
                    Proposal(offset, text[offset], c.char, prob, c.gain, c.score, kind=c.kind)
                    for c in alternatives
                ]

    def apply(
        self, source: str, proposals: Iterable[Proposal], options: CorrectorOptions | None = None
    ) -> Correction:
        """`source` with the proposals that `options` (default: this corrector's) accept.

        Only the threshold, lm_flag and the accept rule's settings (options.ACCEPT_RULE_FIELDS)
        act here; second_pass acts in decide(); the rest (top_k, candidates, use_confusion,
        confusions, typo_prior, ...) shaped the proposals.
        Of several accepted substitutes at one position, the one of highest `value` is taken.
        """
        options = options or self.options
        proposals = list(proposals)
        if proposals and not has_context(source, options.min_context):
            proposals = []
        untouchable = self.untouchable(source, options) if proposals else set()
        best: dict[int, tuple[float, Proposal]] = {}
        for p in proposals:
            if p.offset not in untouchable and options.accepts(p.evidence):
                value = options.value(p.evidence)
                if p.offset not in best or value > best[p.offset][0]:
                    best[p.offset] = (value, p)
        # the most confident first, the earlier of equals (max_edits keeps the first ones)
        chosen = sorted((p.edit() for _, p in best.values()), key=lambda e: (-e.score, e.offset))
        if options.max_edits:
            chosen = chosen[: options.max_edits]
        chosen.sort(key=lambda e: e.offset)
        return self._checked(Correction.applied(source, chosen))

    def untouchable(self, source: str, options: CorrectorOptions | None = None) -> set[int]:
        """Offsets of `source` that apply() never edits: URLs and e-mail addresses, and the
        protected terms of `options` (default: this corrector's)."""
        options = options or self.options
        same_terms = options.protect == self.options.protect
        terms = self._protected if same_terms else ProtectedTerms(options.protect)
        return address_offsets(source) | terms.positions(source)

    @staticmethod
    def _checked(result: Correction) -> Correction:
        """`result`, or the source unchanged if the correction fails a safety check."""
        problem = violation(result.source, result.text, result.edits)
        if problem:
            log.warning(
                "kept a sentence unchanged because its correction failed a check: %s", problem
            )
            return Correction(result.source, result.source, ())
        return result


def merge_passes(
    first: Correction, second: Correction, mode: str, max_edits: int = 0
) -> Correction:
    """The edits of two passes over one source (`second` corrects `first.text`), as `mode`
    (CorrectorOptions.second_pass) combines them, each edit relative to the source."""
    source = first.source
    redone = {e.offset: e for e in second.edits}
    if mode == "agree":
        edits = [e for e in first.edits if e.offset not in redone]
    else:  # "take": where the second pass edited, its edit stands (an undo leaves no edit)
        kept = {e.offset: e for e in first.edits}
        kept.update((o, e._replace(wrong=source[o])) for o, e in redone.items())
        edits = [e for o, e in sorted(kept.items()) if e.right != source[o]]
    if max_edits and len(edits) > max_edits:  # the most confident, as apply() keeps them
        edits = sorted(sorted(edits, key=lambda e: -e.score)[:max_edits], key=lambda e: e.offset)
    return Correction.applied(source, edits)


def has_context(text: str, needed: int) -> bool:
    """Whether `text` holds at least `needed` CJK characters besides one being edited; counting
    stops there, so a 50 MB line costs no more than a short one."""
    return next(islice(filter(is_cjk, text), needed, None), None) is not None


def _text_list(texts: Iterable[str]) -> list[str]:
    """The texts as a list; TypeError for one bare str (it would be corrected char by char)."""
    if isinstance(texts, str):
        raise TypeError("correct_batch and propose take a list of texts; use correct() for one")
    texts = list(texts)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"text {i} is a {type(text).__name__}, not a str")
    return texts
