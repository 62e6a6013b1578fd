"""Step types: one module each in this package, registered by `type`.

Adding a step type is one new module here (its class, decorated with `@step_type`), one
partial in `web/templates/steps/`, and its entry in `docs/content-guide.md`; the modules are
found by looking in this folder, and the content format (the `Step` union below, hence the
loader and the JSON Schema) follows from the registry. See `step_base.py` for the parts a
type has.
"""

import importlib
import pkgutil
from typing import Annotated, Any, Union

from pydantic import Discriminator, Tag

from ..step_base import (
    REFLECTION_MAX_CHARS,
    STEP_TYPES,
    AnswerRejected,
    BaseStep,
    Condition,
    Reader,
    StepText,
)

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

from .action import ActionStep  # noqa: E402
from .choice import ChoiceStep, PollStep  # noqa: E402
from .contact import ContactStep  # noqa: E402
from .info import InfoStep  # noqa: E402
from .peer import PeerStep  # noqa: E402
from .reflection import ReflectionStep  # noqa: E402
from .scale import ScaleStep  # noqa: E402

__all__ = [
    "REFLECTION_MAX_CHARS",
    "STEP_TYPES",
    "ActionStep",
    "AnswerRejected",
    "BaseStep",
    "ChoiceStep",
    "Condition",
    "ContactStep",
    "InfoStep",
    "PeerStep",
    "PollStep",
    "Reader",
    "ReflectionStep",
    "ScaleStep",
    "Step",
    "StepText",
]


def _step_type(value: Any) -> str | None:
    if isinstance(value, dict):
        kind = value.get("type")
        return kind if isinstance(kind, str) and kind in STEP_TYPES else None
    return getattr(value, "type", None)


# Every registered type, told apart by its `type` field (in the order registered).
Step = Annotated[
    Union[tuple(Annotated[cls, Tag(name)] for name, cls in STEP_TYPES.items())],  # noqa: UP007
    Discriminator(
        _step_type,
        custom_error_type="unknown_step_type",
        custom_error_message="type must be one of: " + ", ".join(sorted(STEP_TYPES)),
    ),
]


def text_of(step: BaseStep | None, value: Any, reader: Reader, locale: str) -> str:
    """An answer as text; for a step no longer in the quest, its raw parts joined."""
    if step is not None:
        return step.answer_text(value, reader, locale)
    if isinstance(value, dict):
        return " — ".join(str(v) for v in value.values())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)
