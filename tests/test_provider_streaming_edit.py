"""OpenAIProvider streaming, edits, preview formats and url results through the real SDK and the simulator."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from imagestudio.core import errors
from imagestudio.core.masks import mask_from_coverage
from imagestudio.core.providers.demo import DemoProvider
from imagestudio.core.providers.openai_provider import OpenAIProvider
from imagestudio.core.types import EditRequest, GenerationRequest
from tests.aio import run, run_closing
from tests.simulator import OpenAISimulator

_run = run_closing


def _provider(sim: OpenAISimulator) -> OpenAIProvider:
    return OpenAIProvider(api_key=sim.api_key, base_url=sim.base_url, name="custom", timeout=10)


def _png(path: Path, size: tuple[int, int] = (1024, 1024), mode: str = "RGB") -> str:
    Image.new(mode, size, (200, 40, 40) if mode == "RGB" else (200, 40, 40, 255)).save(path, "PNG")
    return str(path)


def test_streaming_generation_reports_each_partial_and_returns_only_finals(simulator: OpenAISimulator) -> None:
    provider = _provider(simulator)
    partials: list[tuple[int, bytes]] = []
    request = GenerationRequest("a kite", "gpt-image-2", "1024x1024", "low", 2, "png", partial_images=2)
    result = _run(provider, provider.generate(request, on_partial=lambda i, data: partials.append((i, data))))
    assert [i for i, _ in partials] == [0, 1, 0, 1]  # two partials for each of the two images
    assert all(Image.open(io.BytesIO(d)).size == (1024, 1024) for _, d in partials)
    assert len(result.images) == 2 and all(im.data[:8] == b"\x89PNG\r\n\x1a\n" for im in result.images)
    assert result.usage.output_tokens > 0
    body = simulator.requests[-1].json
    assert body is not None and body["stream"] is True and body["partial_images"] == 2


def test_cut_stream_is_a_retryable_error_not_a_partial_result(simulator: OpenAISimulator) -> None:
    provider = _provider(simulator)
    simulator.cut_stream_after_partials(1)
    with pytest.raises(errors.ProviderError) as info:
        _run(provider, provider.generate(GenerationRequest("x", "gpt-image-2", partial_images=2)))
    assert info.value.retryable


def test_new_parameters_reach_the_server_and_unset_ones_are_omitted(simulator: OpenAISimulator) -> None:
    provider = _provider(simulator)
    request = GenerationRequest(
        "a glass", "gpt-image-2.5-sunburst", "1536x1024", "max", 1, "webp",
        background="transparent", output_compression=80, moderation="low", complexity="high",
        safety_identifier="a" * 64,
    )  # fmt: skip
    result = _run(provider, provider.generate(request))
    body = simulator.requests[-1].json
    assert body is not None
    assert {k: body[k] for k in ("background", "output_compression", "moderation", "complexity")} == {
        "background": "transparent", "output_compression": 80, "moderation": "low", "complexity": "high"
    }  # fmt: skip
    assert "stream" not in body and "partial_images" not in body and "frame_count" not in body
    assert result.response_meta["background"] == "transparent"
    with Image.open(io.BytesIO(result.images[0].data)) as im:
        assert im.mode == "RGBA"


@pytest.mark.parametrize("fmt", ["gif", "svg"])
def test_preview_formats_without_access_give_a_clear_message(simulator: OpenAISimulator, fmt: str) -> None:
    provider = _provider(simulator)
    with pytest.raises(errors.PermissionDenied) as info:
        _run(provider, provider.generate(GenerationRequest("x", "gpt-image-2.5-sunburst", output_format=fmt)))
    assert f"no access to {fmt.upper()} output" in str(info.value)
    assert "PNG" in str(info.value)


def test_edit_with_several_images_and_mask_streams(simulator: OpenAISimulator, tmp_path: Path) -> None:
    first = _png(tmp_path / "a.png", (1536, 1024))
    second = _png(tmp_path / "b.png", (1024, 1024))
    coverage = Image.new("L", (1536, 1024), 0)
    coverage.paste(255, (100, 100, 400, 400))
    (tmp_path / "mask.png").write_bytes(mask_from_coverage(coverage, (1536, 1024)))
    request = EditRequest(
        "add a moon", "gpt-image-2", (first, second), mask=str(tmp_path / "mask.png"),
        moderation="low", partial_images=1, parent_ids=(7,),
    )  # fmt: skip
    provider = _provider(simulator)
    partials: list[int] = []
    result = _run(provider, provider.edit(request, on_partial=lambda i, _d: partials.append(i)))
    assert partials == [0]
    assert len(result.images) == 1
    with Image.open(io.BytesIO(result.images[0].data)) as im:
        assert im.size == (1536, 1024)  # auto size follows the first image's shape
    sent = simulator.requests[-1]
    assert sent.path == "/v1/images/edits" and sent.files is not None and sent.form is not None
    images = sent.files.get("image[]", []) + sent.files.get("image", [])
    assert [(name, mime) for name, mime, _ in images] == [("a.png", "image/png"), ("b.png", "image/png")]
    assert sent.files["mask"][0][1] == "image/png"
    assert sent.form["moderation"] == ["low"]  # sent through extra_body as a form field


def test_edit_markup_on_a_2_5_model(simulator: OpenAISimulator, tmp_path: Path) -> None:
    first = _png(tmp_path / "a.png")
    markup = _png(tmp_path / "markup.png", mode="RGBA")
    provider = _provider(simulator)
    request = EditRequest("make the arrowed cup blue", "gpt-image-2.5-flare", (first,), markup=markup)
    result = _run(provider, provider.edit(request))
    assert len(result.images) == 1
    assert simulator.requests[-1].files is not None and "markup" in simulator.requests[-1].files


@pytest.mark.parametrize(
    ("mask_size", "mask_mode", "message"),
    [((512, 512), "RGBA", "same size"), ((1024, 1024), "RGB", "transparency")],
)
def test_bad_masks_are_refused_before_upload(
    simulator: OpenAISimulator, tmp_path: Path, mask_size: tuple[int, int], mask_mode: str, message: str
) -> None:
    first = _png(tmp_path / "a.png")
    mask = _png(tmp_path / "m.png", mask_size, mask_mode)
    provider = _provider(simulator)
    with pytest.raises(errors.InvalidRequest, match=message):
        _run(provider, provider.edit(EditRequest("x", "gpt-image-2", (first,), mask=mask)))
    assert not [r for r in simulator.requests if r.path == "/v1/images/edits"]


def test_missing_input_file_is_a_clear_message(simulator: OpenAISimulator, tmp_path: Path) -> None:
    provider = _provider(simulator)
    with pytest.raises(errors.InvalidRequest, match="could not be read"):
        _run(provider, provider.edit(EditRequest("x", "gpt-image-2", (str(tmp_path / "gone.png"),))))


def test_list_models_and_text_completion(simulator: OpenAISimulator) -> None:
    provider = _provider(simulator)

    async def go() -> tuple[list[str], Any]:
        try:
            return await provider.list_models(), await provider.complete_text(
                model="gpt-6-luna", instructions="Expand.", text="a fox"
            )
        finally:
            await provider.aclose()

    ids, answer = run(go())
    assert "gpt-image-2" in ids and "gpt-6-luna" in ids
    assert answer.text and answer.input_tokens > 0 and answer.output_tokens > 0


def test_demo_provider_streams_partials_and_edits(tmp_path: Path) -> None:
    demo = DemoProvider(latency=0)
    partials: list[int] = []
    result = run(
        demo.generate(
            GenerationRequest("x", "gpt-image-2", partial_images=3), on_partial=lambda i, _: partials.append(i)
        )
    )
    assert partials == [0, 1, 2] and len(result.images) == 1
    first = _png(tmp_path / "a.png", (1536, 1024))
    edited = run(demo.edit(EditRequest("x", "gpt-image-2", (first,), n=2)))
    assert len(edited.images) == 2
    with Image.open(io.BytesIO(edited.images[0].data)) as im:
        assert im.size == (1536, 1024)
