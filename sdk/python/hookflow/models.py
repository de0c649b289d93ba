"""The API's request and answer shapes as pydantic models, generated from its OpenAPI document."""

from ._generated.models import *  # noqa: F401,F403
