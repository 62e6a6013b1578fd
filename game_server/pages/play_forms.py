"""Turn a submitted step form into the answer value the API would receive."""

from typing import Any

from werkzeug.datastructures import MultiDict

from ..services.errors import InvalidInput
from ..services.step_views import StepView


def value_from_form(step: StepView, form: MultiDict) -> Any:
    """The JSON value for `step` from plain form fields (the step type checks it after)."""
    if step.type == "info":
        return None
    if step.type in ("choice", "poll"):
        return form.getlist("option")
    if step.type == "scale":
        scores = {}
        for item in step.items or []:
            raw = form.get(f"item-{item.id}", "")
            if not raw.isdigit():
                raise InvalidInput(f"Give a score for: {item.text}", field="value")
            scores[item.id] = int(raw)
        return scores
    if step.type == "reflection":
        return form.get("text", "")
    if step.type == "action":
        return {"text": form.get("text", ""), "due": form.get("due", "")}
    if step.type == "contact":
        return {"who": form.get("who", ""), "learned": form.get("learned", "")}
    raise InvalidInput("This step is played in a group.", field="value")
