"""What a group run shows beyond solo play: the group's poll totals and the shared answers a
peer step responds to. Only answers shared with this group, by current members, ever appear.
"""

import json
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, select

from ...content.schema import Quest
from ...content.steps import (
    STEP_TYPES,
    AnswerRejected,
    BaseStep,
    PeerStep,
    PollStep,
    Reader,
    text_of,
)
from ...models import Answer, AnswerShare, Audience, GroupMember, GroupRun, User
from ..common.errors import N_, InvalidInput

# Answers a worker may share with the group: what others can read and respond to.
SHAREABLE_TYPES = frozenset(name for name, kind in STEP_TYPES.items() if kind.shareable)


class PollOption(BaseModel):
    id: str
    label: str
    count: int


class PollResult(BaseModel):
    step_id: str
    prompt: str
    answers: int
    options: list[PollOption]


class PeerAnswer(BaseModel):
    """A member's answer, shared with the group, that a peer step can respond to."""

    answer_id: int
    user_id: int
    name: str
    text: str


def group_of_run(session: Session, run) -> int | None:
    """The group this run is played in, while its player is still a member (else None)."""
    return session.exec(
        select(GroupRun.group_id)
        .join(
            GroupMember,
            (GroupMember.group_id == GroupRun.group_id) & (GroupMember.user_id == run.user_id),
        )
        .where(GroupRun.run_id == run.id)
    ).first()


def answer_text(step: BaseStep | None, value: Any, locale: str) -> str:
    """An answer as one readable text for the group (the feed, peer steps)."""
    return text_of(step, value, Reader.GROUP, locale)


def _shared_in_group(group_id: int, quest_id: str, step_id: str):
    """Answers to one step, shared with this group, written in its runs, by current members."""
    return (
        select(Answer, User.display_name)
        .join(
            AnswerShare,
            (AnswerShare.answer_id == Answer.id)
            & (AnswerShare.audience == Audience.GROUP)
            & (AnswerShare.audience_id == group_id),
        )
        .join(GroupRun, (GroupRun.run_id == Answer.run_id) & (GroupRun.group_id == group_id))
        .join(
            GroupMember,
            (GroupMember.group_id == group_id) & (GroupMember.user_id == Answer.user_id),
        )
        .join(User, User.id == Answer.user_id)
        .where(GroupRun.quest_id == quest_id, Answer.step_id == step_id)
    )


def peer_answers(
    session: Session, *, group_id: int, quest: Quest, step: PeerStep, user_id: int, locale: str
) -> list[PeerAnswer]:
    """Other members' shared answers to the step this peer step responds to, oldest first."""
    source = next((s for s in quest.steps if s.id == step.of_step), None)
    rows = session.exec(
        _shared_in_group(group_id, quest.id, step.of_step)
        .where(Answer.user_id != user_id)
        .order_by(Answer.updated_at, Answer.id)
    ).all()
    return [
        PeerAnswer(
            answer_id=answer.id,
            user_id=answer.user_id,
            name=name,
            text=answer_text(source, json.loads(answer.value), locale),
        )
        for answer, name in rows
    ]


def is_peer_target(
    session: Session, *, group_id: int, quest_id: str, step: PeerStep, user_id: int, answer_id: int
) -> bool:
    found = session.exec(
        _shared_in_group(group_id, quest_id, step.of_step).where(
            Answer.id == answer_id, Answer.user_id != user_id
        )
    ).first()
    return found is not None


def poll_results(
    session: Session, *, group_id: int, quest: Quest, step_ids: list[str], locale: str
) -> list[PollResult]:
    """Totals of the group's votes per poll step: each current member's latest vote counts once."""
    polls = [s for s in quest.steps if isinstance(s, PollStep) and s.id in step_ids]
    if not polls:
        return []
    rows = session.exec(
        select(Answer.user_id, Answer.step_id, Answer.value)
        .join(GroupRun, (GroupRun.run_id == Answer.run_id) & (GroupRun.group_id == group_id))
        .join(
            GroupMember,
            (GroupMember.group_id == group_id) & (GroupMember.user_id == Answer.user_id),
        )
        .where(GroupRun.quest_id == quest.id, Answer.step_id.in_([s.id for s in polls]))
        .order_by(Answer.updated_at, Answer.id)
    ).all()
    latest: dict[tuple[str, int], list[str]] = {}
    for user_id, step_id, value in rows:
        latest[(step_id, user_id)] = json.loads(value)
    results = []
    for step in polls:
        votes = [v for (step_id, _u), v in latest.items() if step_id == step.id]
        results.append(
            PollResult(
                step_id=step.id,
                prompt=step.prompt.get(locale),
                answers=len(votes),
                options=[
                    PollOption(
                        id=o.id,
                        label=o.label.get(locale),
                        count=sum(1 for vote in votes if o.id in vote),
                    )
                    for o in step.options
                ],
            )
        )
    return results


def peer_response(session: Session, run, quest: Quest, step: PeerStep, value: Any) -> dict | None:
    """The value to store for a peer step: a response to an answer shared with this run's
    group right now, by another current member. None passes the step by, which is allowed
    only while nobody has shared an answer to respond to (so nobody gets stuck)."""
    group_id = group_of_run(session, run)
    if value is None:
        if group_id is None or not peer_answers(
            session, group_id=group_id, quest=quest, step=step, user_id=run.user_id, locale="nl"
        ):
            return None
        raise InvalidInput(N_("Choose an answer of your group and respond to it."), field="value")
    try:
        stored = step.check_answer(value)
    except AnswerRejected as rejected:
        raise InvalidInput(rejected.template, field="value", **rejected.params) from rejected
    if group_id is None or not is_peer_target(
        session,
        group_id=group_id,
        quest_id=quest.id,
        step=step,
        user_id=run.user_id,
        answer_id=stored["to_answer"],
    ):
        raise InvalidInput(
            N_("Respond to one of the answers your group shared for this step."), field="value"
        )
    return stored
