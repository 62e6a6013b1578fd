"""Who hears the domain's events: every handler registers here, in one registry.

`services/common/unit_of_work.py` holds the registry and hands each committed event on; the modules
imported below add their handlers to it: the xAPI outbox (in the committing transaction) and
socket publishing (after the commit), and the e-mail outbox (in the committing transaction).
"""

from flask import Flask

from ..services.common import unit_of_work


def init_app(app: Flask) -> None:
    unit_of_work.install()
    # Imported for their registrations.
    from . import learning_record, mail, sockets  # noqa: F401
