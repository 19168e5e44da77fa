from typing import Literal

from pydantic import BaseModel, ConfigDict


class ProbeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case: str
    mode: Literal["park", "fail", "compensate"] = "park"
    error_type: str = "probe-trouble"
    employee_number: str | None = None
    cohort: str = "default"
