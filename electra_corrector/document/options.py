"""The options every front end takes (the model, its settings, the user's words, the syntax) and
the Corrector they build. Nothing here imports torch at start-up."""

from __future__ import annotations

import argparse
from pathlib import Path

from electra_corrector.document.argtypes import int_at_least, probability
from electra_corrector.engine.precision import PRECISIONS
from electra_corrector.markup.code import is_lexer
from electra_corrector.markup.syntax import SYNTAXES


def syntax_name(name: str) -> str:
    if name in SYNTAXES or is_lexer(name):
        return name
    raise argparse.ArgumentTypeError(
        f"unknown syntax {name!r}: {', '.join(SYNTAXES)}, or a language Pygments knows "
        "(python, js, go, yaml, ...)"
    )


def add_syntax_option(group) -> None:
    """--syntax, as every front end that reads files takes it."""
    group.add_argument(
        "--syntax",
        type=syntax_name,
        default="auto",
        metavar="SYNTAX",
        help="markdown and rst never edit code, link targets, URLs or HTML tags; html, srt, "
        "vtt, ass, latex, ipynb, docx (Word) and epub edit only prose (docs/documents.md); "
        "code (or a language: python, js, go, yaml, ...) edits only comments and strings "
        "(default auto: by file name: .md, .rst, .html, .srt, .vtt, .ass, .tex, .ipynb, .docx, "
        ".epub, source code; the rest is text)",
    )


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """The model and word options that load_corrector reads."""
    model = parser.add_argument_group("model")
    model.add_argument(
        "--model", metavar="DIR", help="model folder or hub id (default: data/electra_models)"
    )
    model.add_argument("--device", help="torch device: cpu (default), cuda, cuda:1, mps")
    model.add_argument(
        "--precision",
        choices=PRECISIONS,
        default="auto",
        help="auto (default): int8 on a CPU, fp16 on CUDA, else fp32",
    )
    model.add_argument(
        "--threshold",
        type=probability,
        metavar="P",
        help="look at a character when the discriminator's P(replaced) > P (default: the "
        "model's); 1 changes nothing. Not the score shown beside an edit, which is the "
        "generator's probability for the substitute",
    )
    model.add_argument(
        "--batch-size",
        type=int_at_least(1),
        default=32,
        metavar="N",
        help="lines per model call (default: 32)",
    )
    model.add_argument(
        "--threads", type=int_at_least(1), metavar="N", help="CPU threads for torch (default: all)"
    )
    model.add_argument(
        "--max-edits-per-sentence",
        type=int_at_least(0),
        metavar="N",
        help="keep only the N most confident edits per line (0: no limit)",
    )
    words = parser.add_argument_group("your words")
    words.add_argument(
        "--protect",
        type=Path,
        metavar="FILE",
        help="terms never edited wherever they occur (names, product and domain terms), one a line",
    )
    words.add_argument(
        "--confusions",
        type=Path,
        metavar="FILE",
        help="extra confusions to consider, 'wrong right' a line (characters or equal-length "
        "words, e.g. 期代 期待)",
    )
    words.add_argument(
        "--no-word-knowledge",
        action="store_true",
        help="decide on the models' evidence alone, without the shipped word list and "
        "character trigram model",
    )


def settings_parser(prog: str) -> argparse.ArgumentParser:
    """A parser of the options a settings file can hold, for front ends without a command line
    of their own (the language server, the HTTP server): the file's keys are checked and
    converted as the flags of electra-correct would be (settings.apply)."""
    from electra_corrector.document import settings

    parser = argparse.ArgumentParser(prog=prog, add_help=False)
    add_model_options(parser)
    add_syntax_option(parser)
    parser.add_argument("--exclude", action="append", default=[])  # include is converted alike
    settings.add_option(parser)
    return parser


def corrector_keywords(args: argparse.Namespace) -> dict:
    """Corrector keywords the model and word options set, beside model, device and batch size;
    the user's files are read here."""
    from electra_corrector.knowledge.userdict import read_confusions, read_terms

    keywords = {"threshold": args.threshold, "precision": args.precision}
    if args.max_edits_per_sentence is not None:
        keywords["max_edits"] = args.max_edits_per_sentence
    if args.protect is not None:  # a file, or a settings file's list of terms
        protect = args.protect
        keywords["extra_protect"] = read_terms(protect) if isinstance(protect, Path) else protect
    if args.confusions is not None:
        keywords["extra_confusions"] = read_confusions(args.confusions)
    if args.no_word_knowledge:
        keywords["word_knowledge"] = False
    return keywords


def load_corrector(args: argparse.Namespace):
    from electra_corrector.engine.process import corrector_for_process

    return corrector_for_process(
        threads=args.threads,
        model=args.model,
        device=args.device,
        batch_size=args.batch_size,
        **corrector_keywords(args),
    )
