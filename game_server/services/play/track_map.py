"""A track as a map: its quests in order, each done, next up, or still ahead."""

from pydantic import BaseModel
from sqlmodel import Session

from ...content.catalog import Catalog
from .runs import completed_quest_ids


class Stop(BaseModel):
    quest_id: str
    title: str
    minutes: int
    # done; next (the first not done: where to go on); ahead
    state: str


class TrackMap(BaseModel):
    track_id: str
    title: str
    summary: str
    done: int
    stops: list[Stop]


def track_maps(session: Session, catalog: Catalog, *, user_id: int, locale: str) -> list[TrackMap]:
    done = completed_quest_ids(session, user_id=user_id)
    maps = []
    for track in catalog.library.tracks.values():
        stops, seen_next = [], False
        for quest_id in track.quests:
            quest = catalog.quest(quest_id)
            if quest is None:
                continue
            if quest_id in done:
                state = "done"
            elif not seen_next:
                state, seen_next = "next", True
            else:
                state = "ahead"
            stops.append(
                Stop(
                    quest_id=quest_id,
                    title=quest.title.get(locale),
                    minutes=quest.minutes,
                    state=state,
                )
            )
        maps.append(
            TrackMap(
                track_id=track.id,
                title=track.title.get(locale),
                summary=track.summary.get(locale),
                done=sum(1 for stop in stops if stop.state == "done"),
                stops=stops,
            )
        )
    return maps
