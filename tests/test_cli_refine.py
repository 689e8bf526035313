"""``imagestudio refine ID "INSTRUCTION"`` and ``--from-step N``: the real CLI process, the real SDK over HTTP to
the simulator's ``/v1/responses`` with the image tool."""

from __future__ import annotations

import json
from pathlib import Path

from imagestudio.core import lineage
from imagestudio.core.library.library import Library
from imagestudio.core.paths import AppPaths
from tests.simulator import OpenAISimulator
from tests.test_cli import cli


def _params(home: Path, image_id: int) -> dict[str, object]:
    import os

    old = os.environ.get("IMAGESTUDIO_HOME")
    os.environ["IMAGESTUDIO_HOME"] = str(home)
    try:
        library = Library(AppPaths.from_environment())
        try:
            image = library.db.get(image_id)
            assert image is not None
            return image.params
        finally:
            library.close()
    finally:
        if old is None:
            del os.environ["IMAGESTUDIO_HOME"]
        else:
            os.environ["IMAGESTUDIO_HOME"] = old


def test_refine_turns_and_a_branch_from_an_earlier_step(tmp_path: Path, simulator: OpenAISimulator) -> None:
    url = simulator.base_url
    gen = cli("generate", "a red fox", "--size", "1024x1024", "--quality", "low", "--base-url", url, "--json",
              home=tmp_path, key=simulator.api_key)  # fmt: skip
    assert gen.returncode == 0, gen.stderr
    root = json.loads(gen.stdout)["images"][0]["id"]
    common = ("--size", "1024x1024", "--quality", "low", "--base-url", url, "--json")
    one = cli("refine", str(root), "now make it dusk, keep the fox", *common, home=tmp_path, key=simulator.api_key)
    assert one.returncode == 0, one.stderr
    first = json.loads(one.stdout)
    assert first["parent_id"] == root and first["instruction"] == "now make it dusk, keep the fox"
    assert first["response_id"] == simulator.image_tool.turns[0].response_id
    one_id = first["images"][0]["id"]
    two = cli("refine", str(one_id), "加上飘雪", *common, "--partial-images", "1", home=tmp_path, key=simulator.api_key)
    assert two.returncode == 0, two.stderr
    two_id = json.loads(two.stdout)["images"][0]["id"]
    # a branch from step 2 of two's chain (root → one → two): from `one`
    branch = cli("refine", str(two_id), "--from-step", "2", "add rain", *common, home=tmp_path, key=simulator.api_key)
    assert branch.returncode == 0, branch.stderr
    branch_body = json.loads(branch.stdout)
    assert branch_body["parent_id"] == one_id
    turns = simulator.image_tool.turns
    assert [t.image_sent for t in turns] == [True, False, False]  # the generated root had no response: sent
    assert turns[1].previous_response_id == turns[0].response_id == turns[2].previous_response_id
    assert lineage.parents_of(_params(tmp_path, two_id)) == (one_id,)
    assert _params(tmp_path, branch_body["images"][0]["id"])["instruction"] == "add rain"
    assert Path(branch_body["images"][0]["path"]).read_bytes() == turns[2].image
    ledger = cli("ledger", "--json", home=tmp_path)
    kinds = [e["kind"] for e in json.loads(ledger.stdout)["recent"]]
    assert kinds == ["generate", "refine", "refine", "refine"]


def test_refine_usage_errors_and_estimate(tmp_path: Path, simulator: OpenAISimulator) -> None:
    missing = cli("refine", "99", "make it dusk", "--base-url", simulator.base_url, home=tmp_path, key="sk-x")
    assert missing.returncode == 2 and "no image #99" in missing.stderr
    gen = cli("generate", "a fox", "--provider", "demo", "--json", home=tmp_path)
    root = json.loads(gen.stdout)["images"][0]["id"]
    step = cli("refine", str(root), "--from-step", "3", "x", "--provider", "demo", home=tmp_path)
    assert step.returncode == 2 and "1-1" in step.stderr
    model = cli("refine", str(root), "x", "--text-model", "gpt-9-none", "--provider", "demo", home=tmp_path)
    assert model.returncode == 2 and "image tool" in model.stderr
    estimate = cli("refine", str(root), "x", "--estimate", "--json", "--provider", "demo", home=tmp_path)
    body = json.loads(estimate.stdout)
    assert estimate.returncode == 0 and 0 < body["low_usd"] < body["high_usd"] and not body["continues"]
    assert not simulator.requests


def test_refine_with_the_demo_provider(tmp_path: Path) -> None:
    gen = cli("generate", "a fox", "--provider", "demo", "--json", home=tmp_path)
    root = json.loads(gen.stdout)["images"][0]["id"]
    out = cli("refine", str(root), "make it dusk", "--provider", "demo", home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert f"(child of #{root})" in out.stdout
    again = cli("refine", str(root + 1), "add snow", "--provider", "demo", "--json", home=tmp_path)
    body = json.loads(again.stdout)
    assert body["response_id"].startswith("resp_demo_") and body["parent_id"] == root + 1
    assert _params(tmp_path, body["images"][0]["id"])["previous_response_id"].startswith("resp_demo_")
