"""Real work to explore: search the occupation catalog, an occupation in plain words with the
jobs close to it, and browsing by sector. Public: anyone may look."""

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l

from .. import access
from ..current import locale
from ..services.explore.occupations import Reason, catalog
from . import pages

# What the job zone (preparation needed, 1-5) means for getting in, in plain words.
JOB_ZONES = {
    1: _l("You can often start without a diploma. You learn the work on the job."),
    2: _l("You usually need some work experience or a short course (mbo level 1 or 2)."),
    3: _l("You usually need an mbo diploma (level 3 or 4) or a few years of experience."),
    4: _l("You usually need a diploma from a university of applied sciences (hbo)."),
    5: _l("You usually need a university degree and a lot of experience."),
}


@pages.get("/occupations")
@access.allow(access.PUBLIC)
def occupations():
    query = (request.args.get("q") or "").strip()[:80]
    found = catalog()
    return render_template(
        "occupations.html",
        query=query,
        matches=found.search(query, limit=20) if query else [],
        sectors=found.sectors(),
        catalog=found,
        lang=locale(),
    )


@pages.get("/occupations/<occupation_id>")
@access.allow(access.PUBLIC)
def occupation(occupation_id: str):
    found, reasons = catalog(), _reason_texts()
    job = found.get(occupation_id)
    if job is None:
        abort(404)
    return render_template(
        "occupation.html",
        job=job,
        near=[
            (item, ", ".join(str(reasons[r]) for r in item.reasons if r in reasons))
            for item in found.near(occupation_id, limit=8)
        ],
        sector=found.sector(job.sector) if job.sector else None,
        sub_sector=found.sector(job.sub_sector) if job.sub_sector else None,
        zone_text=JOB_ZONES.get(job.job_zone),
        lang=locale(),
    )


@pages.get("/occupations/sectors/<code>")
@access.allow(access.PUBLIC)
def occupation_sector(code: str):
    found = catalog()
    sector = found.sector(code)
    if sector is None:
        abort(404)
    return render_template(
        "occupation_sector.html",
        sector=sector,
        sub_sectors=found.sub_sectors(code),
        jobs=found.in_sector(code),
        lang=locale(),
    )


def _reason_texts() -> dict[str, str]:
    from flask_babel import gettext as _

    return {
        Reason.SAME_SUB_SECTOR: _("the same kind of work"),
        Reason.SAME_SECTOR: _("the same sector"),
        Reason.SIMILAR_PREPARATION: _("about the same training needed"),
        Reason.SAME_ISCO_GROUP: _("the same group of jobs"),
        Reason.SAME_ISCO_MINOR_GROUP: _("a related group of jobs"),
    }
