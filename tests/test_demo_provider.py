"""The offline demo provider and the provider factory. No Qt, no network, no ``openai`` import."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from imagestudio.core.errors import ConfigError, NoApiKey
from imagestudio.core.files.imageio import inspect
from imagestudio.core.providers.demo import DemoProvider, render
from imagestudio.core.providers.factory import key_profile, make_provider
from imagestudio.core.secrets import SERVICE, KeyStore
from imagestudio.core.settings import Settings
from imagestudio.core.types import GenerationRequest, GenerationResult
from tests.aio import run
from tests.memory_keyring import MemoryKeyring

KEY = "sk-test-factory-key-0123456789abcdef"
REPO = Path(__file__).resolve().parents[1]


def generate(request: GenerationRequest) -> GenerationResult:
    return run(DemoProvider(latency=0).generate(request))


def req(**kw: object) -> GenerationRequest:
    return GenerationRequest(
        **{"prompt": "a lighthouse at dusk", "model": "gpt-image-2", "size": "256x160", **kw}  # type: ignore[arg-type]
    )


# -- demo provider -----------------------------------------------------------------------------------


def test_demo_is_deterministic() -> None:
    first = generate(req(n=2))
    second = generate(req(n=2))
    assert [im.data for im in first.images] == [im.data for im in second.images]
    assert first.images[0].data == render("a lighthouse at dusk", 0, (256, 160), "png")


def test_demo_depends_on_the_prompt() -> None:
    assert generate(req()).images[0].data != generate(req(prompt="a lighthouse at dawn")).images[0].data


@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp"])
@pytest.mark.parametrize("size", ["256x160", "160x480", "1024x1024"])
def test_demo_gives_the_requested_size_and_format(fmt: str, size: str) -> None:
    result = generate(req(size=size, output_format=fmt))
    [image] = result.images
    assert image.output_format == fmt
    info = inspect(image.data)
    assert info.format == fmt
    assert f"{info.width}x{info.height}" == size
    assert result.response_meta == {"size": size, "demo": True}


def test_demo_auto_size_is_square() -> None:
    result = generate(req(size="auto"))
    info = inspect(result.images[0].data)
    assert (info.width, info.height) == (1024, 1024)
    assert result.response_meta["size"] == "1024x1024"


def test_demo_n_images_are_distinct() -> None:
    result = generate(req(n=4, size="64x64"))
    assert len(result.images) == 4
    assert len({im.data for im in result.images}) == 4


def test_demo_result_fields() -> None:
    provider = DemoProvider(latency=0)
    assert provider.name == "demo"
    result = run(provider.generate(req(model="gpt-image-2.5-flare")))
    assert result.provider == "demo"
    assert result.model == "gpt-image-2.5-flare"
    assert result.usage.total_tokens == 0  # costs nothing
    assert result.request_id is None
    assert "offline" in run(provider.check())
    assert run(provider.aclose()) is None


def test_demo_generation_can_be_cancelled() -> None:
    async def main() -> bool:
        task = asyncio.ensure_future(DemoProvider(latency=30).generate(req()))
        await asyncio.sleep(0)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            return True
        return False

    assert run(main()) is True


# -- factory ------------------------------------------------------------------------------------------


def test_factory_makes_the_demo_provider_without_a_key() -> None:
    provider = make_provider(Settings(provider="demo"), KeyStore(environ={}), demo_latency=0)
    assert isinstance(provider, DemoProvider)
    assert provider.name == "demo" and provider.latency == 0


def test_factory_openai_without_key_is_no_api_key() -> None:
    with pytest.raises(NoApiKey, match="No API key"):
        make_provider(Settings(provider="openai"), KeyStore(environ={}))


def test_factory_custom_without_base_url_is_config_error() -> None:
    keys = KeyStore(environ={})
    keys.set("custom", KEY)  # even with a key, the URL is needed
    with pytest.raises(ConfigError, match="base URL"):
        make_provider(Settings(provider="custom", base_url=""), keys)


def test_factory_custom_without_key_is_no_api_key() -> None:
    with pytest.raises(NoApiKey):
        make_provider(Settings(provider="custom", base_url="http://127.0.0.1:9/v1"), KeyStore(environ={}))


def test_key_profiles() -> None:
    assert key_profile("openai") == "openai"
    assert key_profile("custom") == "custom"
    assert key_profile("demo") == "openai"


def test_factory_openai_with_a_key_in_the_keyring(memory_keyring: MemoryKeyring) -> None:
    from imagestudio.core.providers.openai_provider import OpenAIProvider

    memory_keyring.set_password(SERVICE, "api-key:openai", KEY)
    provider = make_provider(Settings(provider="openai", request_timeout_s=42.0), KeyStore(environ={}))
    assert isinstance(provider, OpenAIProvider)
    assert provider.name == "openai"
    assert provider._base_url is None
    assert provider._timeout == 42.0
    assert provider._api_key == KEY
    assert KEY not in repr(provider)


def test_factory_custom_uses_its_own_key_and_url(memory_keyring: MemoryKeyring) -> None:
    from imagestudio.core.providers.openai_provider import OpenAIProvider

    memory_keyring.set_password(SERVICE, "api-key:openai", KEY)
    keys = KeyStore(environ={})
    settings = Settings(provider="custom", base_url="http://127.0.0.1:9/v1")
    with pytest.raises(NoApiKey):  # the official key is not sent to a custom server
        make_provider(settings, keys)
    keys.set("custom", "sk-custom-server-key-00000000")
    provider = make_provider(settings, keys)
    assert isinstance(provider, OpenAIProvider)
    assert provider.name == "custom"
    assert provider._base_url == "http://127.0.0.1:9/v1"
    assert provider._api_key == "sk-custom-server-key-00000000"


def test_making_a_provider_does_not_import_openai() -> None:
    code = textwrap.dedent(
        f"""
        import sys
        import imagestudio.core.providers.factory as factory
        from imagestudio.core.secrets import KeyStore
        from imagestudio.core.settings import Settings
        assert "openai" not in sys.modules, "importing the factory imported openai"
        keys = KeyStore(environ={{}})
        keys.set_session("openai", {KEY!r})
        provider = factory.make_provider(Settings(provider="openai"), keys)
        assert type(provider).__name__ == "OpenAIProvider"
        leaked = sorted(m for m in sys.modules if m == "openai" or m.startswith("openai."))
        assert not leaked, leaked
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


@pytest.mark.parametrize("fmt", ["png", "webp"])
def test_demo_honours_a_transparent_background(fmt: str) -> None:
    import io

    from PIL import Image

    [opaque] = generate(req(output_format=fmt)).images
    [clear] = generate(req(output_format=fmt, background="transparent")).images
    with Image.open(io.BytesIO(opaque.data)) as im:
        assert "A" not in im.getbands()
    with Image.open(io.BytesIO(clear.data)) as im:
        alpha = im.convert("RGBA").getchannel("A")
        low, high = alpha.getextrema()
        assert (low, high) == (0, 255)  # see-through background, opaque shapes and DEMO mark
        clear_share = alpha.histogram()[0] / (im.width * im.height)
        assert clear_share > 0.2  # most of the gradient background is gone
        assert alpha.getpixel((2, im.height - 2)) == 255  # the DEMO mark stays readable


def test_demo_transparent_needs_png_or_webp_and_edits_keep_alpha(tmp_path: Path) -> None:
    import io

    from PIL import Image

    [jpeg] = generate(req(output_format="jpeg", background="transparent")).images
    assert inspect(jpeg.data).format == "jpeg"  # like the API: JPEG cannot be transparent
    source = tmp_path / "in.png"
    Image.new("RGBA", (64, 64), (255, 0, 0, 0)).save(source)
    from imagestudio.core.types import EditRequest

    edit = EditRequest(prompt="x", model="gpt-image-2", size="256x160", images=(str(source),),
                       background="transparent")  # fmt: skip
    [image] = run(DemoProvider(latency=0).edit(edit)).images
    with Image.open(io.BytesIO(image.data)) as im:
        assert im.mode == "RGBA" and im.getchannel("A").getextrema()[0] == 0


def test_refine_stamps_chinese_with_a_font_that_has_it() -> None:
    """Pillow's own font has no Chinese: the demo's refine stamp takes a CJK font where the system has one."""
    from pathlib import Path

    import pytest

    from imagestudio.core.providers import demo

    present = [p for p in demo._CJK_FONTS if Path(p).is_file()]
    if not present:
        pytest.skip("no CJK font installed here (make system-deps installs one)")
    font = demo._stamp_font(24, cjk=True)
    assert getattr(font, "path", None) == present[0]
    assert getattr(demo._stamp_font(24, cjk=False), "path", None) not in demo._CJK_FONTS
