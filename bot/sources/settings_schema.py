"""The `source:` section's schema (pydantic), imported only when a config file has one."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SourceModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    files: list[str] = Field(default_factory=list)
    exclude_files: list[str] = Field(default_factory=list)
