"""Domain messages in the reader's language.

Services and step types write their messages in English, marked `N_` for the catalog, with
`%(name)s` placeholders filled from the error's params. Every door that shows a message to
a person (a page, a socket ack) says it through `said`; the JSON API keeps the English.
"""

from flask_babel import gettext


def said(error) -> str:
    """A DomainError's or AnswerRejected's message, translated for the current request."""
    return gettext(error.template, **error.params)
