"""Who hears the domain's events: every handler registers here, in one registry.

`services/common/unit_of_work.py` holds the registry and hands each committed event on; the modules
imported below add their handlers to it: the xAPI outbox (in the committing transaction) and
socket publishing (after the commit). Later work (notifications, e-mail) adds its module here.
"""

from flask import Flask

from ..services.common import unit_of_work


def init_app(app: Flask) -> None:
    unit_of_work.install()
    # Imported for their registrations.
    from . import learning_record, sockets  # noqa: F401
