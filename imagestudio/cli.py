"""Command-line interface. Shares the core with the GUI; never imports Qt.

Exit codes: 0 success; 2 invalid arguments or an option the model does not support (checked before any
request); 3 provider or network error (one human line on stderr).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from typing import TextIO

from imagestudio import __version__
from imagestudio.core import errors, logsetup
from imagestudio.core import settings as settings_io
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.library.library import Library
from imagestudio.core.paths import AppPaths
from imagestudio.core.providers.factory import key_profile, make_provider
from imagestudio.core.secrets import KeySource, KeyStore
from imagestudio.core.types import GenerationRequest

EXIT_OK, EXIT_USAGE, EXIT_PROVIDER = 0, 2, 3
SUBCOMMANDS = ("generate", "key")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="imagestudio", description="Make and keep images with the OpenAI API.")
    parser.add_argument("--version", action="version", version=f"imagestudio {__version__}")
    sub = parser.add_subparsers(dest="command")

    gen = sub.add_parser("generate", help="generate images and save them into the library")
    gen.add_argument("prompt", help="what to draw (any language)")
    gen.add_argument("--model", help="image model id (default from settings)")
    gen.add_argument("--size", help="WIDTHxHEIGHT or auto")
    gen.add_argument("--quality", help="auto, low, medium, high (xhigh, max on 2.5+ models)")
    gen.add_argument("--n", type=int, help="number of images (1-10)")
    gen.add_argument("--format", dest="output_format", choices=("png", "jpeg", "webp"))
    gen.add_argument("--provider", choices=("openai", "demo"), help="default: settings, or demo with no key")
    gen.add_argument("--base-url", help="an OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1")
    gen.add_argument("--json", action="store_true", help="print the result as JSON")

    key = sub.add_parser("key", help="manage the API key in the system keyring")
    key.add_argument("action", choices=("set", "status", "delete"))
    key.add_argument("--provider", choices=("openai", "custom"), default="openai")
    return parser


def run(argv: list[str], *, stdin: TextIO | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse exits 2 on bad arguments, 0 for --help/--version
        return int(e.code or 0)
    paths = AppPaths.from_environment().ensure()
    keys = KeyStore()
    logsetup.configure(paths.logs, keys.redactor)
    if args.command == "generate":
        return _generate(args, paths, keys)
    if args.command == "key":
        return _key(args, keys, stdin or sys.stdin)
    parser.print_help()
    return EXIT_USAGE


def _fail(message: str, code: int) -> int:
    print(f"imagestudio: {message}", file=sys.stderr)
    return code


def _generate(args: argparse.Namespace, paths: AppPaths, keys: KeyStore) -> int:
    loaded = settings_io.load(paths.settings_file)
    s = loaded.settings
    if args.base_url:
        if not args.base_url.startswith(("http://", "https://")):
            return _fail(f"--base-url must start with http:// or https://, not {args.base_url!r}", EXIT_USAGE)
        s = s.with_changes(provider="custom", base_url=args.base_url)
    elif args.provider:
        s = s.with_changes(provider=args.provider)
    elif s.provider != "demo" and keys.get(key_profile(s.provider))[0] is None:
        s = s.with_changes(provider="demo")
    try:
        caps = Capabilities.load()
        request = GenerationRequest(
            prompt=args.prompt,
            model=args.model or s.model,
            size=args.size or s.size,
            quality=args.quality or s.quality,
            n=args.n if args.n is not None else s.n,
            output_format=args.output_format or s.output_format,
        )
        caps.validate(request)
    except (errors.InvalidRequest, errors.ConfigError) as e:
        return _fail(e.message, EXIT_USAGE)
    try:
        provider = make_provider(s, keys)
    except (errors.NoApiKey, errors.ConfigError) as e:
        return _fail(e.message, EXIT_PROVIDER)

    async def call() -> list[dict[str, object]]:
        try:
            result = await provider.generate(request)
        finally:
            await provider.aclose()
        library = Library(paths)
        try:
            # file + thumbnail work off the loop is pointless here: nothing else runs in the CLI
            return [image.to_json() for image in library.ingest(request, result)]
        finally:
            library.close()

    try:
        images = asyncio.run(call())
    except errors.ImageDecodeError as e:
        return _fail(f"The server sent an unusable image: {e.message}", EXIT_PROVIDER)
    except errors.ImageStudioError as e:
        return _fail(e.message, EXIT_PROVIDER)
    if args.json:
        print(json.dumps({"images": images, "provider": provider.name, "model": request.model}, ensure_ascii=False))
    else:
        for image in images:
            print(f"{image['path']}  {image['width']}x{image['height']}  #{image['id']}")
    return EXIT_OK


def _key(args: argparse.Namespace, keys: KeyStore, stdin: TextIO) -> int:
    profile = key_profile(args.provider)
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
