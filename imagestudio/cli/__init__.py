"""Command-line interface. Shares the core with the GUI; imports Qt only to draw the thumbnail of an SVG.

Everything printed goes through ``core.outside.PrintableStream``: control characters in file names, prompts and
server texts are shown as ``\\u001b`` (the JSON spelling), never obeyed by the terminal.

Exit codes: 0 success; 1 ``library`` found problems (check, import); 2 invalid arguments, an unknown command or an
option the model does not support (checked before any request); 3 provider, network or budget error, or a job that
failed (one human line on stderr); 4 ``batch FILE`` while another process runs the same file; 130 Ctrl+C
(a ``generate``/``edit`` job is cancelled and says so) or the job was cancelled from elsewhere; 141 the reader of
the output went away (``| head``), quietly (what the command did is kept).

``generate`` and ``edit`` are jobs of the persistent queue like the app's (cli/session.py): written before
anything is sent, retried by the queue's policy (a 429 or 5xx is retried, not exit 3), and after a crash
``imagestudio queue resume`` finishes them.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import getpass
import os
import sys
from typing import TextIO

from imagestudio import __version__
from imagestudio.cli import batch, estimate, images, library, queue, refine
from imagestudio.cli.messages import fail as _fail
from imagestudio.core import errors, logsetup
from imagestudio.core.files.outside import PrintableStream
from imagestudio.core.paths import AppPaths
from imagestudio.core.providers.factory import key_profile
from imagestudio.core.secrets import KeySource, KeyStore

EXIT_OK, EXIT_USAGE, EXIT_PROVIDER, EXIT_INTERRUPTED = 0, 2, 3, 130
EXIT_BROKEN_PIPE = 141  # as if SIGPIPE had ended the process, like other Unix tools in a pipeline
SUBCOMMANDS = ("generate", "key", "edit", "refine", "ledger", "library", "batch", "queue")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="imagestudio", description="Make and keep images with the OpenAI API.")
    parser.add_argument("--version", action="version", version=f"imagestudio {__version__}")
    sub = parser.add_subparsers(dest="command")

    gen = sub.add_parser("generate", help="generate images and save them into the library")
    gen.add_argument("prompt", help="what to draw (any language)")
    images.add_image_options(gen)  # every image option, shared with `edit`
    gen.add_argument("--repeat", type=int, default=1, help="queue N jobs of this request (run like a batch)")
    batch.add_commands(sub)  # batch
    queue.add_commands(sub)  # queue list/resume/cancel/clear
    images.add_commands(sub)  # edit, ledger
    refine.add_commands(sub)  # refine ID [--from-step N] "INSTRUCTION"
    library.add_parser(sub)  # library list/search/similar/import/check/trash/…

    key = sub.add_parser("key", help="manage the API key in the system keyring")
    key.add_argument("action", choices=("set", "status", "delete"))
    key.add_argument("--provider", choices=("openai", "custom"), default="openai")
    key.add_argument("--profile", help="the key of a named provider profile")
    return parser


def run(argv: list[str], *, stdin: TextIO | None = None) -> int:
    out, err = sys.stdout, sys.stderr
    # file names, prompts and server texts reach the terminal inert: escape sequences are printed, not obeyed
    sys.stdout, sys.stderr = PrintableStream(out), PrintableStream(err)  # type: ignore[assignment]
    try:
        return _run(argv, stdin)
    except KeyboardInterrupt:  # Ctrl+C outside a job (a running job is cancelled and reported by its command)
        print("imagestudio: interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (`… --json | head`): what was done is kept, nothing to say
        with contextlib.suppress(OSError):  # no traceback at exit when Python flushes stdout once more
            os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
        return EXIT_BROKEN_PIPE
    finally:
        sys.stdout, sys.stderr = out, err


def unknown_command(word: str) -> str | None:
    """The message for a first argument that is no command (a typo such as ``genrate``), else None."""
    if word.startswith("-") or word in SUBCOMMANDS:
        return None
    close = difflib.get_close_matches(word.lower(), SUBCOMMANDS, n=1, cutoff=0.6)
    hint = f" Did you mean “{close[0]}”?" if close else ""
    return (
        f"unknown command {word!r}.{hint} Commands: {', '.join(SUBCOMMANDS)} (imagestudio --help); "
        "run imagestudio with no arguments to open the window."
    )


def _run(argv: list[str], stdin: TextIO | None) -> int:
    if argv and (problem := unknown_command(argv[0])) is not None:
        return _fail(problem, EXIT_USAGE)
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        if extra and getattr(args, "command", None) == "edit" and not any(x.startswith("-") for x in extra):
            args.items += extra  # `edit IMAGE --mask M "PROMPT"`: positionals after options
        elif extra:
            parser.parse_args(argv)  # reports the unknown arguments and exits 2
    except SystemExit as e:  # argparse exits 2 on bad arguments, 0 for --help/--version
        return int(e.code or 0)
    paths = AppPaths.from_environment().ensure()
    keys = KeyStore()
    logsetup.configure(paths.logs, keys.redactor)
    if args.command in ("generate", "edit") and args.estimate:
        return estimate.run_estimate(args, paths, keys, kind=args.command)
    if args.command == "generate" and args.repeat != 1:
        return batch.run_repeat(args, paths, keys)
    if args.command == "batch":
        return batch.run_batch(args, paths, keys)
    if args.command == "queue":
        return queue.run_queue(args, paths, keys)
    if args.command in ("generate", "edit"):
        return images.run_images(args, paths, keys, kind=args.command)
    if args.command == "refine":
        return refine.run_refine(args, paths, keys)
    if args.command == "library":
        return library.run(args, paths)
    if args.command == "ledger":
        return images.run_ledger(args, paths)
    if args.command == "key":
        return _key(args, keys, stdin or sys.stdin)
    parser.print_help()
    return EXIT_USAGE


def _key(args: argparse.Namespace, keys: KeyStore, stdin: TextIO) -> int:
    profile = f"profile:{args.profile}" if args.profile else key_profile(args.provider)
    if args.action == "status":
        status = keys.status(profile)
        where = {
            KeySource.NONE: "no key set",
            KeySource.ENVIRONMENT: f"{status.masked} from the OPENAI_API_KEY environment variable",
            KeySource.KEYRING: f"{status.masked} in the system keyring",
            KeySource.SESSION: f"{status.masked} for this session only",
        }[status.source]
        store = status.keyring_name if status.keyring_available else "none (keys cannot be saved)"
        print(f"{args.provider}: {status.problem or where}\nsecure store: {store}")
        return EXIT_OK
    if args.action == "delete":
        try:
            removed = keys.delete(profile)
        except errors.SecretStoreUnavailable as e:
            return _fail(e.message, EXIT_PROVIDER)
        print("Key deleted." if removed else "No stored key to delete.")
        return EXIT_OK
    # set: from stdin when piped, else a prompt without echo
    key = stdin.readline().strip() if not stdin.isatty() else getpass.getpass("API key (input hidden): ").strip()
    if not key:
        return _fail("no key given", EXIT_USAGE)
    try:
        keys.set(profile, key)
    except errors.SecretStoreUnavailable as e:
        return _fail(e.message, EXIT_PROVIDER)
    print(f"Key saved in the system keyring ({keys.status(profile, use_environment=False).masked}).")
    return EXIT_OK
