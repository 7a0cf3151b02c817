"""electra-correct: the command line. Parses arguments and picks a mode; pipeline.py does the work.

Nothing here imports torch or transformers at start-up, so --help and --version answer at once.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from electra_corrector import __version__
from electra_corrector.base.errors import describe
from electra_corrector.cli import interactive
from electra_corrector.cli.pipeline import DoneLog, Job, Pipeline, tree_jobs
from electra_corrector.document import settings as repo_settings
from electra_corrector.document.argtypes import format_name
from electra_corrector.document.console import INTERRUPTED, OK, SOME_FAILED, USAGE_ERROR, say
from electra_corrector.document.formats import is_binary
from electra_corrector.document.options import add_model_options, add_syntax_option, load_corrector
from electra_corrector.document.outcome import Outcome
from electra_corrector.document.outputs import (
    DOCUMENT_FORMATS,
    FINDING_FORMATS,
    UTF8_FORMATS,
    help_text,
    offered,
)
from electra_corrector.document.render import rendered, renderer
from electra_corrector.document.reports import Findings, github_output
from electra_corrector.textio.discovery import pattern_problem
from electra_corrector.textio.files import TextEncoding, open_output, private_stdin

PROG = "electra-correct"
BROKEN_PIPE = 141  # what a shell reports for a process ended by SIGPIPE

DESCRIPTION = """\
Correct Chinese spelling errors (wrong characters) with an ELECTRA discriminator and generator.
Only Chinese characters are ever replaced, one for one; everything else passes through byte for
byte, including the encoding (UTF-8, UTF-8 with BOM, UTF-16 with BOM, GB18030/GBK), line endings
and blank lines."""

EPILOG = """\
examples:
  electra-correct essay.txt                     corrected text to stdout
  electra-correct a.txt b.txt -o fixed.txt      several files into one output
  electra-correct --in-place notes/*.txt        rewrite files (atomically)
  tail -f chat.log | electra-correct            a stream: each line answered as it arrives
  electra-correct --format marked essay.txt     show the changes: 我跟我朋[唷→友]打算
  electra-correct --format jsonl essay.txt      one JSON object per line, with the edits
  electra-correct --check docs/*.md             CI: essay.txt:1:5: 唷 -> 友 (0.99); exit 1
  electra-correct --diff essay.txt | patch -p1  review, then apply, a unified diff
  electra-correct --interactive --in-place *.md ask about each edit: y, n, a, d, q (as git add -p)
  electra-correct --format github docs/*.md     CI annotations; also sarif, rdjson, json
  electra-correct --track-changes -i report.docx
                                                Word: corrections as revisions to accept or reject
  electra-correct --input-dir corpus --output-dir fixed --glob '*.txt'
                                                a whole tree, mirrored; add --resume after Ctrl-C

report lines (--check, --format report) are path:line:column: wrong -> right (score), the line
and column counted from 1, the column in characters (Unicode code points, a BOM not counted);
standard input is named '-' (or --stdin-filename). The score is the generator's probability for
the substitute (its level: error from 0.9, warning from 0.5, else note); --threshold compares
the discriminator's P(replaced), jsonl's evidence.probability.

settings: [tool.electra-correct] in the nearest pyproject.toml, or .electra-correct.toml, in this
folder or above: model, device, threshold, batch-size, max-edits-per-sentence, syntax, color,
include, exclude, protect, confusions (e.g. exclude = ["build", "*.min.md"]); flags win.

exit status:
  0    all inputs corrected (--check, github/json/sarif/rdjson: nothing would change)
  1    some inputs could not be read (each named on stderr); the others were corrected;
       --check, github/json/sarif/rdjson: something would change
  2    bad arguments or settings, or the model or its settings could not be loaded
  130  interrupted (Ctrl-C; 143 SIGTERM, 129 SIGHUP); with --input-dir, rerun with --resume"""


def _encoding(name: str) -> TextEncoding:
    try:
        return TextEncoding.named(name)
    except LookupError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "files", nargs="*", metavar="FILE", help="input files; none or '-' reads stdin"
    )
    parser.add_argument(
        "--input-encoding",
        type=_encoding,
        metavar="ENC",
        help="e.g. big5, euc-kr, gbk (default: a BOM, UTF-8, or GB18030 that reads as Chinese)",
    )
    where = parser.add_argument_group("output")
    where.add_argument("-o", "--output", type=Path, metavar="FILE", help="write here, not stdout")
    where.add_argument("-i", "--in-place", action="store_true", help="rewrite each FILE")
    where.add_argument(
        "--format",
        type=format_name,
        choices=offered("cli"),
        metavar="FORMAT",
        help=f"{help_text('cli')} (github, json, sarif and rdjson are for CI: exit 1 on edits, "
        "as --check)",
    )
    where.add_argument(
        "--diff", action="store_true", help="a unified diff for patch -p1 or git apply"
    )
    where.add_argument(
        "--check",
        action="store_true",
        help="change nothing; report what would change (or --diff) and exit 1 if anything would",
    )
    where.add_argument(
        "--interactive",
        action="store_true",
        help="ask on the terminal about each edit (y, n, a, d, q, ?), write only those accepted; "
        "with --in-place, -o or --output-dir",
    )
    where.add_argument(
        "--track-changes",
        action="store_true",
        help="write a Word document's corrections as tracked changes (revisions the author "
        "accepts or rejects in Word, WPS or LibreOffice); other files are corrected as usual",
    )
    where.add_argument(
        "--author",
        default="electra-correct",
        metavar="NAME",
        help="the author of --track-changes' revisions (default: electra-correct)",
    )
    where.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour changes (auto: when stdout is a terminal and NO_COLOR is not set)",
    )
    where.add_argument(
        "--stdin-filename", metavar="NAME", help="stdin's name in reports and diffs (default: -)"
    )
    where.add_argument(
        "--output-encoding",
        type=_encoding,
        metavar="ENC",
        help="e.g. utf-8, utf-8-sig, gb18030 (default: the input's; jsonl: utf-8)",
    )
    tree = parser.add_argument_group("directories")
    tree.add_argument("--input-dir", type=Path, metavar="DIR", help="correct every file in DIR")
    tree.add_argument("--output-dir", type=Path, metavar="DIR", help="mirror of --input-dir")
    tree.add_argument(
        "--glob",
        action="append",
        metavar="PATTERN",
        help="file names, in any subfolder (default: *; repeatable)",
    )
    tree.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip paths (relative to DIR) or folder names matching GLOB (repeatable)",
    )
    tree.add_argument(
        "--resume",
        action="store_true",
        help="skip outputs a run with these settings finished from the inputs as they are now",
    )
    add_model_options(parser)
    text = parser.add_argument_group("what may change")
    add_syntax_option(text)
    text.add_argument(
        "--write-test-strings",
        action="store_true",
        help="also correct the string literals of test files (test_*.py, *_test.go, tests/, "
        "*.spec.ts, ...), which hold typos on purpose: by default --check reports them and a "
        "run that writes leaves them as they are",
    )
    repo_settings.add_option(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return parser


def checks(args: argparse.Namespace) -> bool:
    """Whether the run reports what would change and exits 1 if anything would."""
    return args.check or args.format in FINDING_FORMATS


def _check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Reject combinations that have no meaning (argparse exits with status 2)."""
    if args.check and (args.output or args.in_place or args.output_dir):
        parser.error("--check writes nothing; it takes no -o, --in-place or --output-dir")
    if args.diff and (args.format or args.output_encoding or args.in_place or args.output_dir):
        parser.error("--diff takes no --format, --output-encoding, --in-place or --output-dir")
    if args.format in FINDING_FORMATS and (args.output_dir or args.output_encoding):
        parser.error(
            f"--format {args.format} writes one UTF-8 report; it takes no --output-dir or "
            "--output-encoding"
        )
    if args.input_dir is not None:
        if args.files or args.output or args.in_place:
            parser.error("--input-dir takes no FILE, -o or --in-place; use --output-dir")
        if args.output_dir is None and not (args.check or args.diff or checks(args)):
            parser.error("--input-dir needs --output-dir (or --check, --diff or a CI --format)")
        if args.resume and args.output_dir is None:
            parser.error("--resume goes with --output-dir")
        if not args.input_dir.is_dir():
            parser.error(f"--input-dir {args.input_dir}: not a directory")
        input_dir = args.input_dir.resolve()
        if args.output_dir and args.output_dir.resolve() in (input_dir, *input_dir.parents):
            parser.error("--output-dir must not be or contain --input-dir (outputs would mix in)")
        given = "--glob" if args.glob else "include"  # --glob replaces the settings' include
        for pattern in args.glob or args.include or []:
            if problem := pattern_problem(pattern):
                parser.error(f"{given} {pattern}: {problem}")
    elif args.output_dir is not None or args.resume:
        parser.error("--output-dir and --resume go with --input-dir")
    if args.track_changes and (args.check or args.diff or args.format not in (None, "text")):
        parser.error("--track-changes writes Word documents: no --check, --diff or --format")
    if args.interactive:
        _check_interactive(parser, args)
    if args.in_place:
        if args.output:
            parser.error("--in-place and -o cannot be combined")
        if not args.files or "-" in args.files:
            parser.error("--in-place needs FILEs (not stdin)")
        if args.format not in (None, "text"):
            parser.error("--in-place writes corrected text; --format must be text")
    if args.output is not None:
        if args.output.is_dir():
            parser.error(f"-o {args.output}: is a directory")
        folder = Path(os.path.realpath(args.output)).parent
        if not folder.is_dir():
            parser.error(f"-o {args.output}: no such folder {folder}")
        replaced = args.output.is_file() or not args.output.exists()  # not a FIFO or device
        if replaced and not os.access(folder, os.W_OK | os.X_OK):
            parser.error(f"-o {args.output}: cannot write in {folder}")


def _check_interactive(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """--interactive asks about files and writes what was accepted somewhere it can take back."""
    if args.input_dir is None and (not args.files or "-" in args.files):
        parser.error("--interactive reviews FILEs or --input-dir, not standard input")
    if args.check or args.diff or args.format not in (None, "text"):
        parser.error("--interactive writes corrected text: no --check, --diff or --format")
    if not (args.in_place or args.output or args.output_dir):
        parser.error("--interactive writes files: add --in-place, -o FILE or --output-dir")


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP: stop as Ctrl-C does (temporary files removed), exit 128 + signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _terminate(signum: int, frame) -> None:
    raise Terminated(signum)


STOP_SIGNALS = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = repo_settings.parse_or_say(parser, argv)
    if args is None:
        return USAGE_ERROR
    _check(parser, args)
    previous = {signum: signal.signal(signum, _terminate) for signum in STOP_SIGNALS}
    try:
        return _run(args)
    except Terminated as e:
        _say(f"stopped by {signal.Signals(e.signum).name}")
        return 128 + e.signum
    except KeyboardInterrupt:
        _say("interrupted")
        return INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep the interpreter's final flush
        # of stdout from failing again.
        _quiet_stdout()
        return BROKEN_PIPE
    except OSError as e:  # the one output every input goes to cannot be written (a full disk)
        _say(describe(e, f"cannot write {args.output or 'standard output'}"))
        if args.output is None:
            _quiet_stdout()
        return SOME_FAILED
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _quiet_stdout() -> None:
    if sys.stdout is not None:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _run(args: argparse.Namespace) -> int:
    from electra_corrector.base.errors import CorrectorError

    to_stdout = args.output is None and not args.in_place and args.output_dir is None
    reads_stdin = args.input_dir is None and (not args.files or "-" in args.files)
    for name, needed, stream in (
        ("output", to_stdout, sys.stdout),
        ("input", reads_stdin, sys.stdin),
    ):
        if needed and stream is None:
            _say(f"standard {name} is closed")
            return USAGE_ERROR
    if args.interactive and (problem := interactive.no_terminal()):
        _say(problem)
        return USAGE_ERROR
    try:
        corrector = load_corrector(args)
    except CorrectorError as e:
        _say(str(e))
        return USAGE_ERROR
    done = _done_log(args, corrector)
    jobs, skipped, left_out = _plan(args, done)
    shape = args.format or ("report" if args.check else "text")
    writes_documents = shape == "text" and not args.diff
    if writes_documents and (problem := _binary_to_shared(args, jobs, to_stdout)):
        _say(problem)
        return USAGE_ERROR
    color = args.color == "always" or (
        args.color == "auto" and to_stdout and sys.stdout.isatty() and not os.getenv("NO_COLOR")
    )
    progress = _progress_bar(
        jobs, args.quiet or args.interactive or (to_stdout and sys.stdout.isatty())
    )
    findings = Findings(shape) if shape in DOCUMENT_FORMATS else None
    if args.diff:
        from electra_corrector.cli.unidiff import diff_output

        output = diff_output(color)
    elif findings is not None:
        output = findings.output()
    elif shape == "github":
        output = github_output()
    else:
        output = rendered(renderer(shape, color))

    def report(message: str) -> None:
        if progress is None:
            _say(message)
        else:
            progress.write(f"{PROG}: {message}", file=sys.stderr)

    pipeline = Pipeline(
        corrector,
        output,
        args.batch_size,
        report,
        shared=sys.stdout.buffer if to_stdout else None,
        output_encoding=args.output_encoding,
        utf8_output=not args.diff and shape in UTF8_FORMATS,
        input_encoding=args.input_encoding,
        progress=progress,
        markup=args.syntax,
        test_strings=checks(args) or args.write_test_strings,
        stdin_name=args.stdin_filename,
        done=done.record if done else None,
        temp_tag=done.temp_tag if done else None,
        review=interactive.reviewer(corrector, args.color) if args.interactive else None,
        writes_documents=writes_documents,
        track_changes=args.author if args.track_changes else None,
    )
    for message in left_out:
        report(message)
    pipeline.outcome.skipped = skipped
    pipeline.outcome.failed += left_out
    try:
        outcome = _execute(args, pipeline, jobs, findings.write if findings else None)
    except interactive.Quit as quit:
        _say(interactive.quit_summary(pipeline.outcome, len(jobs), args.output))
        if quit.interrupted:  # Ctrl-C says "interrupted" as it does everywhere else
            return INTERRUPTED
        return SOME_FAILED if pipeline.outcome.failed else OK
    finally:
        if progress is not None:
            progress.close()
        if pipeline.review is not None:
            pipeline.review.close()
    if args.input_dir is not None and not args.quiet:
        _say(outcome.summary(checks(args)))
    return SOME_FAILED if outcome.failed or (checks(args) and outcome.changed) else OK


def _plan(args: argparse.Namespace, done: DoneLog | None) -> tuple[list[Job] | None, int, list]:
    """The inputs as jobs (None for a live stdin stream), how many --resume skipped, and a
    `path: why` line for each input under --input-dir that cannot be read (a failure)."""
    if args.input_dir is not None:
        patterns, exclude = args.glob or args.include or ["*"], args.exclude
        tree = tree_jobs(
            args.input_dir,
            args.output_dir,
            patterns,
            exclude,
            done if args.resume else None,
            args.syntax,
        )
        if not args.quiet:
            for note in tree.found.notes():
                _say(note)
        return tree.jobs, tree.skipped, tree.found.problems
    names = args.files or ["-"]
    if names == ["-"] and args.output is None:
        return None, 0, []
    sources = [None if name == "-" else Path(name) for name in names]
    return [Job(source, output=source if args.in_place else None) for source in sources], 0, []


def _binary_to_shared(args: argparse.Namespace, jobs: list[Job] | None, to_stdout: bool):
    """Why the corrected Word documents or books cannot go to the one output all inputs share (a
    terminal, or beside other inputs), or None when they can."""
    sources = [None] if jobs is None else [job.source for job in jobs if job.output is None]
    named = [args.stdin_filename if s is None else str(s) for s in sources]
    binary = [name or "-" for name in named if is_binary(name, args.syntax)]
    if not binary:
        return None
    if len(sources) > 1:
        return (
            f"{binary[0]}: a Word document or book needs an output of its own: use --in-place or -o"
        )
    if to_stdout and sys.stdout.isatty():
        return (
            f"{binary[0]}: a Word document or book is not written to a terminal: use -o FILE or "
            "--in-place (or --check, --format marked to see the changes)"
        )
    return None


def _done_log(args: argparse.Namespace, corrector) -> DoneLog | None:
    """For a tree run: the record of finished outputs, keyed by everything that shapes them."""
    if args.output_dir is None:
        return None
    run = corrector.fingerprint(
        format=args.format,
        # reviewed outputs are not what a plain run makes, nor the other way round
        interactive=args.interactive,
        input_encoding=str(args.input_encoding),
        output_encoding=str(args.output_encoding),
        syntax=args.syntax,
        track_changes=args.author if args.track_changes else None,
    )
    return DoneLog(args.output_dir, run)


def _execute(
    args: argparse.Namespace, pipeline: Pipeline, jobs: list[Job] | None, end=None
) -> Outcome:
    """Runs the jobs (None: a live stdin stream); `end(stream, outcome)`, if given, writes what
    the whole run makes (a report document) once every input has been read."""
    stdin = sys.stdin.buffer if sys.stdin is not None else None
    if args.output is None:
        if jobs is None:
            outcome = pipeline.run_stream(private_stdin())
        else:
            outcome = pipeline.run_files(jobs, stdin)
        if end is not None:
            end(pipeline.shared, outcome)
        return outcome
    # One output for all inputs: corrected text appears only if every input could be read; a
    # report document always, complete, with the inputs that failed recorded in it (never an
    # older report left in its place looking current).
    sink = open_output(args.output)
    try:
        pipeline.shared = sink.stream
        outcome = pipeline.run_files(jobs, stdin)
        if end is not None:
            end(sink.stream, outcome)
    except BaseException:
        sink.discard()
        raise
    if outcome.failed and end is None:
        sink.discard()
    else:
        sink.commit()
    return outcome


def _progress_bar(jobs: list[Job] | None, unwanted: bool):
    """A tqdm bar on stderr counting input bytes: for files, and only where someone watches."""
    if jobs is None or unwanted or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    sizes = (job.source.stat().st_size for job in jobs if job.source and job.source.is_file())
    return tqdm(total=sum(sizes), unit="B", unit_scale=True, file=sys.stderr, desc=PROG)


def _say(message: str) -> None:
    say(PROG, message)
