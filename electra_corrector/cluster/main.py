"""electra-correct-ray: the command line over the Ray pipeline (distributed.py).

Text input is mirrored as `electra-correct --input-dir ... --output-dir ...` would write it, or
written as Parquet rows; Parquet input keeps its own columns beside the corrected ones.
"""

from __future__ import annotations

import argparse

from electra_corrector import __version__
from electra_corrector.document import settings as repo_settings
from electra_corrector.document.argtypes import format_name
from electra_corrector.document.console import OK, SOME_FAILED, USAGE_ERROR, say
from electra_corrector.document.options import (
    add_model_options,
    add_syntax_option,
    corrector_keywords,
)
from electra_corrector.document.outputs import help_text, offered

PROG = "electra-correct-ray"
INSTALL_HINT = "pip install 'electra-correct[ray]'"

EPILOG = """\
examples:
  electra-correct-ray --input-dir corpus --output-dir fixed --glob '*.txt'
                           a local Ray runtime on this machine; output as electra-correct's
  electra-correct-ray --address auto --device cuda --input-dir s3://bucket/crawl \\
      --output-dir s3://bucket/fixed --format parquet
                           an existing cluster, one GPU per actor; rows of file, line, source,
                           text, edits (and error, for a file that could not be read)
  electra-correct-ray --input-format parquet --text-column body --input-dir docs.parquet \\
      --output-dir fixed --format parquet

files are chosen as electra-correct --input-dir chooses them: hidden paths, --exclude, binary
files and symlinks that lead outside DIR are left out; inside --output-dir nothing is followed.
settings: as electra-correct's ([tool.electra-correct] in pyproject.toml, .electra-correct.toml).

exit status: 0 all files corrected; 1 some could not be read or written (each named on stderr);
2 bad arguments, Ray missing, or no model found"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Correct a corpus of Chinese text on a Ray cluster (Ray Data).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    data = parser.add_argument_group("data (local paths or any filesystem Ray reads: s3://, gs://)")
    data.add_argument("--input-dir", required=True, metavar="DIR", help="the corpus")
    data.add_argument("--output-dir", required=True, metavar="DIR", help="where results go")
    data.add_argument(
        "--input-format",
        choices=("text", "parquet"),
        default="text",
        help="text: files under DIR (default); parquet: a Parquet file or folder",
    )
    data.add_argument(
        "--glob",
        action="append",
        metavar="PATTERN",
        help="file names, in any subfolder (default: *; repeatable), as electra-correct takes it",
    )
    data.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip paths (relative to DIR) or folder names matching GLOB (repeatable)",
    )
    add_syntax_option(data)
    data.add_argument(
        "--text-column", default="text", metavar="COL", help="Parquet column to correct"
    )
    data.add_argument(
        "--format",
        type=format_name,
        choices=offered("ray"),
        default="text",
        metavar="FORMAT",
        help=f"{help_text('ray')} (all but parquet: a mirror of the input tree as "
        "electra-correct writes it)",
    )
    add_model_options(parser)
    cluster = parser.add_argument_group("cluster")
    cluster.add_argument(
        "--address", help="an existing Ray cluster (e.g. auto); default: start one"
    )
    cluster.add_argument(
        "--num-cpus", type=int, metavar="N", help="CPUs of the local Ray runtime (default: all)"
    )
    cluster.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help="corrector actors, each with its own model (and a GPU with --device cuda) "
        "(default: 1 up to one per CPU or GPU, as needed)",
    )
    repo_settings.add_option(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars or summary")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = repo_settings.parse_or_say(parser, argv)
    if args is None:
        return USAGE_ERROR
    if args.input_format == "parquet" and args.format != "parquet":
        parser.error("Parquet input has no files or lines to mirror; use --format parquet")
    if args.address and args.num_cpus:
        parser.error("--num-cpus sizes a local runtime; an existing cluster has its own")
    try:
        import ray  # noqa: F401
    except ImportError:
        _say(f"Ray is not installed: {INSTALL_HINT}")
        return USAGE_ERROR
    from electra_corrector.base.errors import CorrectorError
    from electra_corrector.cluster import distributed

    try:  # before Ray starts, so that a user error costs no start-up
        engine = distributed.Engine(
            args.model, args.device, args.batch_size, args.threads, corrector_keywords(args)
        ).pinned()
    except CorrectorError as e:
        _say(str(e))
        return USAGE_ERROR
    with distributed.runtime(args.address, args.num_cpus, args.quiet):
        try:
            return _run(args, engine)
        except distributed.InputError as e:
            option = f"--{e.parameter.replace('_', '-')} " if e.parameter else ""
            parser.error(option + e.problem)


def _run(args: argparse.Namespace, engine) -> int:
    from electra_corrector.cluster import distributed

    where = (args.input_dir, args.output_dir, engine)
    if args.input_format == "parquet":
        distributed.correct_parquet(
            *where, text_column=args.text_column, concurrency=args.concurrency
        )
        outcome = None
    else:
        # The same files as electra-correct --input-dir reads (textio/discovery.py).
        tree = {
            "glob": args.glob or args.include or ["*"],
            "exclude": args.exclude,
            "syntax": args.syntax,
        }
        if args.format == "parquet":
            outcome = distributed.correct_tree_to_parquet(
                *where, **tree, concurrency=args.concurrency
            )
        else:
            outcome = distributed.correct_tree(
                *where, **tree, output_format=args.format, concurrency=args.concurrency
            )
        for message in [] if args.quiet else outcome.notes:
            _say(message)
        for message in outcome.failed:
            _say(message)
    if not args.quiet:
        tree_written = outcome is not None and args.format != "parquet"
        _say(outcome.summary() if tree_written else f"wrote Parquet to {args.output_dir}")
    return SOME_FAILED if outcome and outcome.failed else OK


def _say(message: str) -> None:
    say(PROG, message)
