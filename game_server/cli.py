"""Operator commands: `flask --app game_server users create|orgs create|seed-demo`."""

import getpass
import json
import logging
import sys
from datetime import date, timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from .cli_occupations import occupations_cli
from .config import PROJECT_ROOT
from .db import session_scope
from .models import MemberRole, OrganisationKind, Role, ShareLevel, utcnow
from .services.common.errors import DomainError
from .services.funds import challenge_setup, challenges, offers
from .services.funds.challenge_setup import ChallengeDraft
from .services.funds.offers import OfferDraft
from .services.guidance import assignments, coaching
from .services.identity import accounts, organisations, two_factor
from .services.play import runs

log = logging.getLogger(__name__)
users_cli = AppGroup("users", help="Manage accounts.")
orgs_cli = AppGroup("orgs", help="Manage organisations.")
QUESTS_ROOT = PROJECT_ROOT / "quests"

DEMO_PASSWORD = "speel-mee-met-loopbaan"  # noqa: S105 (public demo login, refused in production)
DEMO_ACCOUNTS = [
    ("worker@demo.loopbaanquest.nl", "Sanne (demo)", [Role.WORKER]),
    ("coach@demo.loopbaanquest.nl", "Karim (coach, demo)", [Role.COACH]),
    ("fund@demo.loopbaanquest.nl", "Fonds Transport (demo)", [Role.FUND]),
    ("admin@demo.loopbaanquest.nl", "Beheer (demo)", [Role.ADMIN]),
    ("editor@demo.loopbaanquest.nl", "Redactie (demo)", [Role.EDITOR]),
]
DEMO_ORGANISATIONS = [
    ("Opleidingsfonds Transport (demo)", OrganisationKind.FUND, "fund@demo.loopbaanquest.nl"),
    ("Loopbaancoaching Noord (demo)", OrganisationKind.COACHING, "coach@demo.loopbaanquest.nl"),
]


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Repeat password: "):
            raise click.ClickException("The two passwords differ.")
        return first
    # One line from a pipe; only the line ending is removed, every other character counts.
    return sys.stdin.readline().rstrip("\r\n")


def _fail(error: DomainError) -> None:
    field = f" ({error.field})" if error.field else ""
    raise click.ClickException(f"{error.message}{field}")


@users_cli.command("create")
@click.argument("email")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([role.value for role in Role]),
    help="Repeat for several roles.",
)
@click.option("--name", "display_name", help="Display name (default: the part before @).")
@click.option("--org", "organisation_id", type=int, help="Add the user to this organisation.")
def create_user(email, roles, display_name, organisation_id):
    """Create an account; the password is read from standard input."""
    password = _read_password()
    with session_scope() as session:
        try:
            user = accounts.create_user(
                session,
                email=email,
                password=password,
                display_name=display_name or email.split("@")[0],
                roles=[Role(role) for role in roles],
            )
            if organisation_id is not None:
                organisations.add_member(session, organisation_id=organisation_id, user_id=user.id)
        except DomainError as error:
            _fail(error)
        click.echo(f"Created user {user.id} <{user.email}> with roles {', '.join(roles)}.")


@users_cli.command("reset-2fa")
@click.argument("email")
@click.option("--reason", default="lost phone", show_default=True, help="Kept in the audit log.")
def reset_two_factor(email, reason):
    """Switch off two-factor authentication of EMAIL (a lost phone), audited.

    Every session and API token of the user ends; a coach, fund or admin sets it up again at
    the next login.
    """
    with session_scope() as session:
        user = accounts.find_by_email(session, email)
        if user is None:
            raise click.ClickException(f"No account with the e-mail address {email}.")
        two_factor.reset(session, user_id=user.id, reason=f"operator:reset-2fa:{reason}"[:60])
        log.warning("two-factor authentication of user %s reset by an operator", user.id)
        click.echo(f"Two-factor authentication of user {user.id} <{user.email}> is reset.")


@orgs_cli.command("create")
@click.argument("name")
@click.option("--kind", required=True, type=click.Choice([kind.value for kind in OrganisationKind]))
def create_organisation(name, kind):
    """Create an organisation (a fund, a coaching organisation or an employer)."""
    with session_scope() as session:
        try:
            organisation = organisations.create(session, name=name, kind=kind)
        except DomainError as error:
            _fail(error)
        click.echo(f"Created organisation {organisation.id}: {organisation.name} ({kind}).")


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Add the demo accounts and organisations from the README (safe to run twice)."""
    if current_app.config["GAME_SETTINGS"].is_production:
        raise click.ClickException(
            "Refusing to create demo accounts with known passwords in production."
        )
    with session_scope() as session:
        missing = [a for a in DEMO_ACCOUNTS if accounts.find_by_email(session, a[0]) is None]
        # End the read before hashing passwords, so a server beside us is not held up.
        session.commit()
        for email, name, roles in missing:
            accounts.create_user(
                session,
                email=email,
                password=DEMO_PASSWORD,
                display_name=name,
                roles=roles,
                demo=True,
            )
        existing = {org.name for org in organisations.list_all(session)}
        for org_name, kind, member_email in DEMO_ORGANISATIONS:
            if org_name in existing:
                continue
            organisation = organisations.create(session, name=org_name, kind=kind)
            member = accounts.find_by_email(session, member_email)
            organisations.add_member(
                session,
                organisation_id=organisation.id,
                user_id=member.id,
                role=MemberRole.MANAGER,
            )
        _demo_coaching(session)
        _demo_challenge(session)
        _demo_participants(session)
    click.echo("Demo data ready. Log in with the accounts listed in README.md.")


def _demo_challenge(session) -> None:
    """The demo fund runs a challenge with an offer and vouchers (once), so the fund's pages
    and the landing page have something to show on the first visit."""
    fund = accounts.find_by_email(session, "fund@demo.loopbaanquest.nl")
    if challenges.of_fund(session, user_id=fund.id):
        return
    catalog = current_app.extensions["catalog_source"].current()
    quests = [q for q in ("one-step-this-month", "talk-with-team-leader") if catalog.quest(q)]
    if not quests:
        return  # a library without the starter quests (tests): no demo challenge
    offer = offers.publish(
        session,
        provider_id=fund.id,
        draft=OfferDraft(
            kind="conversation",
            title_nl="Loopbaangesprek van een uur",
            title_en="A one-hour career conversation",
            description_nl="Praat een uur met een loopbaancoach. Het fonds betaalt.",
            description_en="Talk with a career coach for an hour. The fund pays.",
            capacity=25,
        ),
    )
    now = utcnow()
    challenge_setup.create(
        session,
        catalog,
        user_id=fund.id,
        draft=ChallengeDraft(
            title_nl="Zomer van de chauffeur (demo)",
            title_en="Summer of the driver (demo)",
            description_nl="Doe twee korte quests. Kies een stap voor je werk. "
            "Krijg een tegoedbon voor een cursus.",
            description_en="Play two short quests. Choose a step for your work. "
            "Get a voucher for a course.",
            sectors=["transport"],
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=60),
            quest_ids=quests,
            goal_kind="participants",
            goal_target=500,
            rewards=[
                {
                    "kind": "voucher",
                    "title_nl": "Tegoedbon van 50 euro voor een cursus",
                    "title_en": "A 50 euro course voucher",
                    "quests_needed": len(quests),
                    "codes": [f"DEMO-{n:04d}" for n in range(1, 21)],
                },
                {
                    "kind": "offer",
                    "title_nl": "Een loopbaangesprek",
                    "title_en": "A career conversation",
                    "quests_needed": 1,
                    "offer_id": offer.id,
                },
            ],
        ),
    )


# Who takes part in the demo challenge: enough people per cell (ten or more) that the fund's
# dashboard shows figures by age band and by region. The small cells together hold ten or
# more too (and so do those who did not play yet), else hiding them would not protect them
# and the dashboard would hide the large cells as well.
DEMO_PARTICIPANTS = [
    (age_band, region, quests_played)
    for age_band, region, count, quests_played in (
        ("25-34", "ZH", 12, 2),
        ("45-54", "NB", 12, 1),
        ("55plus", "ZH", 12, 2),
        ("u25", "GR", 4, 1),
        ("35-44", "FR", 5, 0),
        (None, None, 5, 0),
    )
    for _ in range(count)
]


def _demo_participants(session) -> None:
    """Demo players (guests) join the demo challenge and play some of its quests (once)."""
    fund = accounts.find_by_email(session, "fund@demo.loopbaanquest.nl")
    found = challenges.of_fund(session, user_id=fund.id)
    if not found:
        return
    challenge = found[0]
    if challenges.collective(session, challenge)["participants"] >= len(DEMO_PARTICIPANTS):
        return
    catalog = current_app.extensions["catalog_source"].current()
    today = date.today()
    for number, (age_band, region, quests_played) in enumerate(DEMO_PARTICIPANTS, start=1):
        player = accounts.create_guest(session, nickname=f"Demo {number}")
        about = challenges.About(sector="transport", age_band=age_band, region=region)
        challenges.join(session, code=challenge.join_code, user_id=player.id, about=about)
        for quest_id in challenge_setup.quest_ids_of(challenge)[:quests_played]:
            _play_through(session, catalog, player.id, quest_id, today, variant=number)


def _play_through(session, catalog, user_id: int, quest_id: str, today, *, variant: int) -> None:
    quest = catalog.quest(quest_id)
    view, _new = runs.start_or_resume(session, catalog, user_id=user_id, quest_id=quest_id)
    while view.step is not None:
        step = quest.step(view.step.id)
        view = runs.answer_step(
            session,
            catalog,
            user_id=user_id,
            run_id=view.run_id,
            step_id=step.id,
            value=step.example_answer(today, variant),
            today=today,
        )


def _demo_coaching(session) -> None:
    """Sanne has linked with coach Karim, who gave her a track: so the coach's pages and her
    home page show something on the first visit (done once; a withdrawn link stays so)."""
    coach = accounts.find_by_email(session, "coach@demo.loopbaanquest.nl")
    worker = accounts.find_by_email(session, "worker@demo.loopbaanquest.nl")
    if coaching.my_coaches(session, worker_id=worker.id):
        return
    code = coaching.create_invite(session, coach_id=coach.id).code
    coaching.accept(session, worker_id=worker.id, code=code, share=ShareLevel.PROGRESS_AND_ANSWERS)
    catalog = current_app.extensions["catalog_source"].current()
    if "first-steps" in catalog.library.tracks:
        assignments.assign(
            session,
            catalog,
            coach_id=coach.id,
            track_id="first-steps",
            worker_ids=[worker.id],
            due=date.today() + timedelta(days=14),
            message="Begin rustig: één quest per week is genoeg.",
        )


def init_app(app) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(orgs_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(quests_cli)
    app.cli.add_command(credentials_cli)
    app.cli.add_command(occupations_cli)
    app.cli.add_command(mail_cli)


quests_cli = AppGroup("quests", help="Check and describe the content files.")


@quests_cli.command("validate")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--strict",
    is_flag=True,
    help="Treat language warnings (long sentences, hard texts, rare words) as errors.",
)
def validate_quests(path: Path | None, strict: bool):
    """Check every content file under PATH (default: quests/); exit 1 if anything is wrong.

    The Dutch texts are checked for plain language too: warnings, or errors with --strict.
    """
    from .content.language import ALLOWED_WORDS_FILE, read_allowed_words
    from .content.loader import validate_library

    root = path or QUESTS_ROOT
    validation = validate_library(
        root,
        display_root=Path.cwd(),
        allowed_words=read_allowed_words(QUESTS_ROOT / ALLOWED_WORDS_FILE),
    )
    for problem in validation.problems:
        click.echo(str(problem))
    for advice in validation.language:
        # A warning says so at the start of its message, as compilers do, so editors and
        # scripts tell it from a problem; with --strict it is a problem like any other.
        click.echo(str(advice) if strict else _as_warning(advice))
    errors = len(validation.problems) + (len(validation.language) if strict else 0)
    warnings = 0 if strict else len(validation.language)
    if errors:
        summary = f"{errors} problem{'s' if errors != 1 else ''} found"
        if strict and validation.language:
            summary += f" ({len(validation.language)} of them about language)"
        if warnings:
            summary += f", and {_warnings(warnings)}"
        click.echo(summary + ".", err=True)
        sys.exit(1)
    library = validation.library
    summary = (
        f"{len(library.quests)} quests, {len(library.tracks)} tracks, "
        f"{len(library.badges)} badges: no problems"
    )
    if warnings:
        summary += f", {_warnings(warnings)} (--strict makes them errors)"
    click.echo(summary + ".")


def _as_warning(advice) -> str:
    where = f"{advice.file}:{advice.line}:{advice.column}"
    return f"{where}: warning: {advice.field}: {advice.message}"


def _warnings(count: int) -> str:
    return f"{count} language warning{'s' if count != 1 else ''}"


@quests_cli.command("schema")
def quests_schema():
    """Print the JSON Schema of content files (for editors with a YAML language server)."""
    from .content.json_schema import content_json_schema

    click.echo(json.dumps(content_json_schema(), indent=2, ensure_ascii=False))


credentials_cli = AppGroup("credentials", help="Open Badges signing keys.")


@credentials_cli.command("rotate-key")
def rotate_key():
    """Start signing with a new issuer key; earlier credentials keep verifying."""
    from .services.progress import issuer_keys

    with session_scope() as session:
        key = issuer_keys.rotate_issuer_key(session)
        click.echo(f"New signing key {key.kid}; retired keys stay in /.well-known/jwks.json.")


mail_cli = AppGroup("mail", help="The e-mail outbox.")


@mail_cli.command("send")
@with_appcontext
def send_mail() -> None:
    """Send the mail that is due now (what the background job does), and say how much."""
    from flask import current_app

    from . import jobs
    from .db import session_scope
    from .services.outreach import outbox

    sent = jobs.deliver_mail(current_app._get_current_object())
    with session_scope(current_app) as session:
        waiting = outbox.pending_count(session)
    click.echo(f"{sent} sent, {waiting} waiting")
