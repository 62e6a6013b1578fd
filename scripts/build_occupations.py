"""Build game_server/data/occupations.json.gz from ESCO's Dutch occupations and Nesta's
Mapping Career Causeways data.

    .venv/bin/python scripts/build_occupations.py [DATA_DIR]

DATA_DIR holds esco_occupations_nl.csv and mcc_occupation_data.csv (default
../shared/data/occupations). The output is what the platform reads at run time; the CSVs are
not needed after this. UK earnings are never copied: they are not Dutch pay.
"""

import csv
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "occupations"
TARGET = ROOT / "game_server" / "data" / "occupations.json.gz"
FORMAT_VERSION = 1

# Skills-based sectors and sub-sectors (Nesta's clusters), in plain Dutch (B1) and English.
# The English names are Nesta's, with their spelling slips corrected.
SECTOR_NAMES = {
    "1": (
        "Techniek, bouw, transport en beveiliging",
        "Technicians, construction, transport & security workers",
    ),
    "1.1": ("Technici", "Engineering technicians"),
    "1.2": ("Bouw", "Construction workers & supervisors"),
    "1.3": ("Monteurs en reparatie", "Industrial technicians, mechanics & repairers"),
    "1.4": ("Transport en beveiliging", "Transport & security workers"),
    "1.5": ("Milieu en landbouw", "Environmental & agriculture workers"),
    "1.6": ("Mijnbouw", "Mining engineers & technicians"),
    "2": ("Kantoor en administratie", "Business & administration workers"),
    "2.1": ("Leiding en coördinatie", "Process managers, supervisors & coordinators"),
    "2.2": ("Boekhouding en geldzaken", "Accounting & financial services workers"),
    "2.3": ("Administratie en juridisch werk", "Assistants, clerks & legal workers"),
    "2.4": ("Managers in bedrijven", "Business managers"),
    "2.5": ("Overheid", "Public officials"),
    "3": ("Verkoop en diensten", "Sales & services workers"),
    "3.1": ("Eten, schoonmaak en diensten", "Food, cleaning & services workers"),
    "3.2": ("Klantenservice", "Customer representatives"),
    "3.3": ("Leiding in winkels en diensten", "Shop & services managers"),
    "3.4": ("Winkel en verkoop", "Retail & sales workers"),
    "3.5": ("Groothandel", "Wholesale merchants"),
    "4": ("Fabriek en productie", "Manufacturing workers"),
    "4.1": ("Metaal en machines", "Metal workers & machine operators"),
    "4.2": ("Chemische fabrieken", "Chemical manufacturing workers"),
    "4.3": ("Ambacht en timmerwerk", "Craftspersons & carpenters"),
    "4.4": ("Papier en hout", "Paper & wood manufacturing workers"),
    "5": ("Ingenieurs en onderzoek", "Engineers & researchers"),
    "5.1": ("Onderzoek en laboratorium", "Researchers & science technicians"),
    "5.2": ("Ingenieurs en architecten", "Various engineers & architects"),
    "5.3": ("Machines ontwerpen en tekenen", "Mechanical engineers, designers & drafters"),
    "6": ("Kunst en media", "Arts & media workers"),
    "6.1": ("Techniek voor kunst en media", "Art & media technicians"),
    "6.2": ("Schrijven, uitgeven en muziek", "Journalists, publishers & composers"),
    "6.3": ("Creatief werk en ontwerp", "Creative managers & graphic designers"),
    "6.4": ("Optreden", "Performers"),
    "6.5": ("Beeldende kunst", "Fine artists"),
    "7": ("Onderwijs", "Education workers"),
    "7.1": ("Instructeurs en vakdocenten", "Instructors & vocational teachers"),
    "7.2": ("Leraren en kinderopvang", "Teachers & childcare workers"),
    "7.3": ("Docenten hoger onderwijs", "Lecturers"),
    "7.4": ("Leiding in het onderwijs", "Education administrators"),
    "8": (
        "Textiel, kleding, leer en schoenen",
        "Textile, clothing, leather & footwear manufacturing workers",
    ),
    "8.1": ("Schoenen en leer", "Shoe & leather manufacturing workers"),
    "8.2": ("Textiel", "Textile workers"),
    "8.3": ("Kleding maken", "Clothing manufacturing workers"),
    "9": ("Voedsel en tabak", "Food & tobacco production workers"),
    "9.1": ("Voedsel en tabak maken", "Food & tobacco production workers"),
    "9.2": ("Machines voor voedsel en tabak", "Food & tobacco production operators"),
    "9.3": ("Specialisten voedsel en tabak", "Food & tobacco production specialists"),
    "10": ("Logistiek", "Logistics workers"),
    "10.1": ("Leiding in logistiek", "Logistics & distribution managers"),
    "10.2": ("Import en export", "Import export specialists"),
    "10.3": ("Leiding in import en export", "Import export managers"),
    "11": ("Zorg", "Healthcare workers"),
    "11.1": ("Artsen en therapeuten", "Doctors & specialist therapists"),
    "11.2": ("Techniek en onderzoek in de zorg", "Healthcare technicians & scientists"),
    "11.3": ("Fysiotherapie en natuurgeneeskunde", "Naturopathic & physical therapists"),
    "11.4": ("Assistenten en administratie in de zorg", "Healthcare administrators & assistants"),
    "12": ("ICT", "ICT workers"),
    "12.1": ("ICT-systemen en beheer", "ICT system engineers, administrators & managers"),
    "12.2": ("Software maken en testen", "Developers & testers"),
    "12.3": ("Werken met data", "Data workers"),
    "13": ("Dieren", "Animal care & husbandry workers"),
    "13.1": ("Dieren verzorgen en trainen", "Animal care workers & trainers"),
    "13.2": ("Veehouderij", "Animal husbandry workers"),
    "13.3": ("Vis en schelpdieren kweken", "Aquaculture workers"),
    "14": ("Welzijn en sociaal werk", "Social workers"),
    "14.1": ("Maatschappelijk werk", "Social workers"),
    "14.2": ("Zorg en begeleiding", "Care workers & counsellors"),
    "14.3": ("Andere hulpverleners", "Miscellaneous counsellors"),
}


def _lines(cell: str) -> list[str]:
    return [line.strip().rstrip(";").strip() for line in cell.splitlines() if line.strip()]


def _unique(names: list[str], *without: str) -> list[str]:
    seen = {name.casefold() for name in without}
    kept = []
    for name in names:
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            kept.append(name)
    return kept


def _float(cell: str) -> float | None:
    return float(cell) if cell.strip() else None


def read_mcc(path: Path) -> dict[str, dict]:
    """Nesta's rows by ESCO id: sector, sub-sector, risk, job zone, remote share."""
    rows = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            zone = _float(row["job_zone"])
            risk = row["risk_category"].strip()
            remote = _float(row["remote_labor_index"])
            rows[row["concept_uri"].rsplit("/", 1)[-1]] = {
                "sector": row["skills_based_sector_code"].strip() or None,
                "sub_sector": row["sub_sector_code"].strip() or None,
                "job_zone": int(zone) if zone is not None else None,
                "high_risk": {"High risk": True, "Lower risk": False}.get(risk),
                "remote_share": round(remote, 4) if remote is not None else None,
            }
    return rows


def read_esco(path: Path, mcc: dict[str, dict]) -> list[dict]:
    occupations = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            occupation_id = row["conceptUri"].rsplit("/", 1)[-1]
            name = row["preferredLabel"].strip()
            alt = _unique(_lines(row["altLabels"]), name)
            extra = mcc.get(occupation_id, {})
            occupations.append(
                {
                    "id": occupation_id,
                    "code": row["code"].strip(),
                    "isco": row["iscoGroup"].strip(),
                    "name": name,
                    "alt_names": alt,
                    "hidden_names": _unique(_lines(row["hiddenLabels"]), name, *alt),
                    "description": row["description"].strip(),
                    "sector": extra.get("sector"),
                    "sub_sector": extra.get("sub_sector"),
                    "job_zone": extra.get("job_zone"),
                    "high_risk": extra.get("high_risk"),
                    "remote_share": extra.get("remote_share"),
                }
            )
    occupations.sort(key=lambda o: o["id"])
    return occupations


def sectors(occupations: list[dict]) -> list[dict]:
    sizes = Counter()
    for occupation in occupations:
        sizes.update(code for code in (occupation["sector"], occupation["sub_sector"]) if code)
    unnamed = set(sizes) - set(SECTOR_NAMES)
    if unnamed:
        raise SystemExit(f"give these sectors a Dutch name in SECTOR_NAMES: {sorted(unnamed)}")
    return [
        {
            "code": code,
            "parent": code.split(".")[0] if "." in code else None,
            "name_nl": nl,
            "name_en": en,
            "size": sizes[code],
        }
        for code, (nl, en) in SECTOR_NAMES.items()
        if sizes[code]
    ]


def build(source: Path, target: Path = TARGET) -> dict:
    mcc = read_mcc(source / "mcc_occupation_data.csv")
    occupations = read_esco(source / "esco_occupations_nl.csv", mcc)
    document = {
        "format": FORMAT_VERSION,
        "sources": "ESCO v1.1 (nl) © European Union; Nesta, Mapping Career Causeways (MIT)",
        "sectors": sectors(occupations),
        "occupations": occupations,
    }
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same input gives the same bytes, so a rebuild shows no diff.
    with target.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as packed:
        packed.write(text.encode("utf-8"))
    return document


def main(argv: list[str]) -> None:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    document = build(source)
    occupations = document["occupations"]
    joined = sum(1 for o in occupations if o["sector"])
    print(
        f"{TARGET.relative_to(ROOT)}: {len(occupations)} occupations "
        f"({joined} with sector data), {len(document['sectors'])} sectors, "
        f"{TARGET.stat().st_size // 1024} KiB"
    )


if __name__ == "__main__":
    main(sys.argv)
