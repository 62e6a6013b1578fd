"""`flask occupations search|show`: content editors find the ids they write in quest files."""

import click
from flask.cli import AppGroup

from .services.explore.occupations import catalog

occupations_cli = AppGroup("occupations", help="Find occupations in the ESCO catalog.")


@occupations_cli.command("search")
@click.argument("words", nargs=-1, required=True)
@click.option("--limit", default=10, show_default=True)
def search(words: tuple[str, ...], limit: int) -> None:
    """Print id, name and the matched name of the best matching occupations."""
    matches = catalog().search(" ".join(words), limit=limit)
    if not matches:
        raise click.ClickException("no occupation matches; try another word")
    for match in matches:
        also = "" if match.matched_name == match.occupation.name else f"  ({match.matched_name})"
        click.echo(f"{match.occupation.id}  {match.occupation.name}{also}")


@occupations_cli.command("show")
@click.argument("occupation_id")
def show(occupation_id: str) -> None:
    """Print one occupation: names, codes, sector, job zone, risk and description."""
    found = catalog()
    occupation = found.get(occupation_id)
    if occupation is None:
        raise click.ClickException(f"no occupation with id {occupation_id}")
    sector = found.sector(occupation.sub_sector or "") or found.sector(occupation.sector or "")
    click.echo(f"id:          {occupation.id}")
    click.echo(f"name:        {occupation.name}")
    click.echo(f"also called: {', '.join(occupation.alt_names) or '-'}")
    click.echo(f"ESCO code:   {occupation.code}  (ISCO {occupation.isco})")
    click.echo(f"sector:      {f'{sector.code} {sector.name_nl}' if sector else '-'}")
    click.echo(f"job zone:    {occupation.job_zone or '-'}")
    click.echo(f"high risk:   {'-' if occupation.high_risk is None else occupation.high_risk}")
    click.echo(f"description: {occupation.description}")
