"""imagestudio — make and keep images with the OpenAI Images API."""

__version__ = "0.1.0"
APP_ID = "io.github.imagestudio.ImageStudio"
APP_NAME = "imagestudio"
