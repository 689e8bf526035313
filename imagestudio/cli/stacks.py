"""``imagestudio library stack ID…`` (``--cover ID``), ``library unstack ID…`` (``--only``: take just these images
out): the same core as the gallery's Stack selected / Unstack (core/library/stacks.py), one transaction each.
``library list/search`` show each image's stack and take ``--expand-stacks`` (cli/library.py)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from imagestudio.core.library.library import Library
from imagestudio.core.library.organise import LibraryError

EXIT_OK = 0


def add_parser(cmds: Any) -> None:
    st = cmds.add_parser("stack", help="stack images (shown as one tile; stacks they are in merge)")
    st.add_argument("ids", nargs="+", type=int, metavar="ID")
    st.add_argument("--cover", type=int, metavar="ID", help="the image the stack shows (default: pick, stars, first)")
    un = cmds.add_parser("unstack", help="dissolve the stacks these images are in")
    un.add_argument("ids", nargs="+", type=int, metavar="ID")
    un.add_argument("--only", action="store_true", help="take only these images out (the rest stay stacked)")


def stack_label(stack_id: int | None, size: int, cover: bool) -> str:
    """How list/search show an image's stack: `stack 12 (4, cover)`; empty when it is alone."""
    if stack_id is None:
        return ""
    return f"stack {stack_id} ({size}{', cover' if cover else ''})"


def _stack(library: Library, args: argparse.Namespace) -> int:
    if args.cover is not None and args.cover not in args.ids:
        raise LibraryError(f"--cover must be one of the images to stack, not #{args.cover}.")
    change = library.stack(args.ids)
    if args.cover is not None:
        library.set_stack_cover(args.cover)
    image = library.db.get_many([args.ids[0]])[0]
    what = "already stacked" if not change.updated else "stacked"
    print(f"{image.stack_size} image(s) {what} as stack {image.stack_id}; cover #{_cover(library, args.ids[0])}")
    return EXIT_OK


def _cover(library: Library, image_id: int) -> int:
    return library.stack_members(image_id)[0]


def _unstack(library: Library, args: argparse.Namespace) -> int:
    change = library.remove_from_stack(args.ids) if args.only else library.unstack(args.ids)
    if args.only:
        print(f"{len(set(args.ids))} image(s) taken out of their stack")
    else:
        print(f"{len(change.updated)} image(s) unstacked")
    return EXIT_OK


HANDLERS: dict[str, Callable[[Library, argparse.Namespace], int]] = {"stack": _stack, "unstack": _unstack}
