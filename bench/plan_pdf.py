"""My plan as a PDF: time per page and peak memory of `plan_pdf` for plans of 1, 3 and 10 pages.

    .venv/bin/python bench/plan_pdf.py [--repeats N] [--write]

The plans are generated (seeded, so every run prints the same text): the seven sections of
the real plan page, Dutch lines of the lengths workers write (a value of three words, an
action of one or two sentences with a date and an outcome), accents, curly quotes, dashes and
an amount in euros, and the goal. Each plan has as many lines as fit in exactly 1, 3 or 10
pages (full pages). The baseline is the same text written by fpdf2 with no layout: one `cell`
per line in Helvetica 11 pt (Windows-1252, as ours), A4, automatic page breaks, no wrapping,
no footer, no clean-up of the text. Ours and the baseline take turns plan by plan, the sizes in a rotating
order, so drift of the machine hits them alike. Peak memory is tracemalloc's peak while one
plan is made (Python allocations only, after a warm-up so imports and caches are not in it).
"""

import argparse
import io
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import DOC, ROOT, fmt, write_section  # noqa: E402

sys.path.insert(0, str(ROOT))

from fpdf import FPDF  # noqa: E402
from fpdf.enums import XPos, YPos  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from game_server.pages.plan_pdf import PlanSection, PrintablePlan, plan_pdf  # noqa: E402

PAGES = (1, 3, 10)
REPEATS = 5
PLANS = 20  # plans per size, kind and repeat
WARMUP = 3
SEED = 20261207
SECTION_TITLE = "## Plan PDF"
SECTIONS = (
    "[Soak](#soak) and [Capacity figures](#capacity-figures).",
    "[Soak](#soak), [Capacity figures](#capacity-figures) and [Plan PDF](#plan-pdf).",
)

TITLES = (
    ("Wat ik belangrijk vind", "Nog niets. Speel de quest Waardenkaarten."),
    ("Waar ik goed in ben", "Nog niets. Speel een quest over je sterke kanten."),
    ("Wat ik graag doe", "Nog niets. Speel “Wat doe je graag?”."),
    ("Werk waar ik naar kijk", "Nog niets. Zoek beroepen en zet ze op je plan."),
    ("Wat ik ga doen", "Nog niets. Plan een stap in een quest."),
    ("Cursussen en aanbod", "Nog niets."),
    ("Badges die ik haalde", "Nog geen badges."),
)
WORDS = [
    "werk",
    "collega’s",
    "ideeën",
    "zorg",
    "gesprek",
    "teamleider",
    "cursus",
    "ervaring",
    "geïnteresseerd",
    "vóór",
    "planning",
    "rooster",
    "overleg",
    "reünie",
    "coördinator",
    "financiële",
    "café",
    "klanten",
    "buurt",
    "oefenen",
    "vertrouwen",
    "“stage”",
    "opleiding",
    "–",
    "praktijk",
    "—",
    "begeleiding",
    "examen",
    "sollicitatie",
]
OUTCOMES = ("gedaan", "deels gedaan", "nog niet")


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def _line(rng: random.Random, section: int) -> str:
    if section == 4:  # an action: one or two sentences, a date and maybe an outcome
        text = f"{_sentence(rng, 6, 22)} (uiterlijk {rng.randint(1, 28)}-{rng.randint(1, 12)}-2027)"
        return f"{text}: {rng.choice(OUTCOMES)}" if rng.random() < 0.5 else text
    if section == 5:
        return f"{_sentence(rng, 3, 8)} Kosten € {rng.randint(0, 2500):,}".replace(",", ".")
    return _sentence(rng, 1, 4)[:-1]


def make_plan(lines_per_section: int, seed: int = SEED) -> PrintablePlan:
    rng = random.Random(seed)
    sections = tuple(
        PlanSection(title, tuple(_line(rng, i) for _ in range(lines_per_section)), empty)
        for i, (title, empty) in enumerate(TITLES)
    )
    return PrintablePlan(
        title="Mijn ontwikkelplan",
        owner="Anouk de Vries",
        made_on="7-12-2026",
        goal="Over twee jaar werk ik als verpleegkundige in de ouderenzorg, dichtbij huis.",
        sections=sections,
        footer="Gemaakt met Loopbaan Quest. Beroepen: ESCO © Europese Unie; sectoren en "
        "voorbereiding: Nesta, Mapping Career Causeways (MIT).",
        labels={"page": "Pagina", "of": "van", "goal": "Mijn doel"},
    )


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def plan_of(pages: int) -> PrintablePlan:
    """The plan with the most lines per section that still fills exactly `pages` pages."""
    lines = 1
    while page_count(plan_pdf(make_plan(lines + 1))) <= pages:
        lines += 1
    plan = make_plan(lines)
    if page_count(plan_pdf(plan)) != pages:  # even one line a section is too many: say so
        raise RuntimeError(f"no plan of exactly {pages} pages")
    return plan


def baseline_pdf(plan: PrintablePlan) -> bytes:
    """The same text, one cell per line, no layout."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    texts = [plan.title, f"{plan.owner} · {plan.made_on}", plan.goal or ""]
    for section in plan.sections:
        texts += [section.title, *(section.lines or (section.empty,))]
    texts.append(plan.footer)
    for text in texts:
        pdf.cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


KINDS = {"baseline": baseline_pdf, "ours": plan_pdf}


def peak_kib(make, plan: PrintablePlan) -> float:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        make(plan)
        return tracemalloc.get_traced_memory()[1] / 1024
    finally:
        tracemalloc.stop()


def run(repeats: int, plans: int) -> dict:
    made = {pages: plan_of(pages) for pages in PAGES}
    for plan in made.values():
        for make in KINDS.values():
            for _ in range(WARMUP):
                make(plan)
    timings = {(pages, kind): [] for pages in PAGES for kind in KINDS}
    for repeat in range(repeats):
        samples = {key: [] for key in timings}
        for n in range(plans):
            order = PAGES[(n + repeat) % len(PAGES) :] + PAGES[: (n + repeat) % len(PAGES)]
            for pages in order:
                kinds = list(KINDS.items())
                for kind, make in kinds if n % 2 else reversed(kinds):
                    began = time.perf_counter()
                    make(made[pages])
                    samples[(pages, kind)].append(time.perf_counter() - began)
        for key, values in samples.items():
            timings[key].append(statistics.median(values))
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "repeats": repeats,
        "plans": plans,
        "lines": {pages: sum(len(s.lines) for s in made[pages].sections) for pages in PAGES},
        "baseline_pages": {pages: page_count(baseline_pdf(made[pages])) for pages in PAGES},
        "bytes": {
            (pages, kind): len(make(made[pages])) for pages in PAGES for kind, make in KINDS.items()
        },
        "ms": {key: statistics.median(values) * 1000 for key, values in timings.items()},
        "peak": {
            (pages, kind): peak_kib(make, made[pages])
            for pages in PAGES
            for kind, make in KINDS.items()
        },
    }


def _ratio(ours: float, base: float) -> str:
    return "n/a" if not base else f"{ours / base:.2f}×"


def table(result: dict) -> list[str]:
    lines = [
        "| Plan | Lines | Metric | Baseline | Ours | Ours / baseline |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for pages in PAGES:
        ms_b, ms_o = result["ms"][(pages, "baseline")], result["ms"][(pages, "ours")]
        kib_b, kib_o = result["peak"][(pages, "baseline")], result["peak"][(pages, "ours")]
        size_b, size_o = result["bytes"][(pages, "baseline")], result["bytes"][(pages, "ours")]
        plan = f"{pages} page{'s' if pages > 1 else ''}"
        lines += [
            f"| {plan} | {result['lines'][pages]} | ms per plan (p50) | {fmt(ms_b, 2)} | "
            f"{fmt(ms_o, 2)} | {_ratio(ms_o, ms_b)} |",
            f"| {plan} | | ms per page of our PDF | {fmt(ms_b / pages, 2)} | "
            f"{fmt(ms_o / pages, 2)} | {_ratio(ms_o, ms_b)} |",
            f"| {plan} | | peak memory (KiB, tracemalloc) | {fmt(kib_b, 0)} | {fmt(kib_o, 0)} "
            f"| {_ratio(kib_o, kib_b)} |",
            f"| {plan} | | file size (KiB) | {fmt(size_b / 1024, 1)} | {fmt(size_o / 1024, 1)} "
            f"| {_ratio(size_o, size_b)} |",
        ]
    return lines


# Written by hand from a cProfile of the 10-page plan; check it still holds.
NOTES = """\
- **Where the time goes:** about 80% in fpdf2's own line breaking (`multi_cell` →
  `get_line`, which measures the line again for every character it adds), the price of
  wrapping; our code (`printable_text`, the page-break checks) is a few percent. A line costs
  about 0.6 ms, so a plan of 10 pages takes about 0.2 s of one core, made only when a worker
  asks for it. Memory stays flat: the PDF is small (the core font is not embedded) and
  tracemalloc's peak is mostly fpdf2's fixed cost, the same for the baseline."""


def section(result: dict) -> list[str]:
    baseline_pages = ", ".join(f"{result['baseline_pages'][pages]} for {pages}" for pages in PAGES)
    return [
        SECTION_TITLE,
        "",
        "Reproduce alone: `.venv/bin/python bench/plan_pdf.py` (`--write` updates this "
        f"section). Measured {result['date']}.",
        "",
        "- Measured: `game_server.pages.plan_pdf.plan_pdf` in the benchmark's process (no "
        "server, no database: the plan comes in already gathered), for generated plans "
        "(seeded) as full as exactly 1, 3 and 10 pages allow: the seven sections of the plan page, Dutch "
        "lines with accents, curly quotes, dashes and euro amounts, a goal in its box, the "
        "footer with page numbers.",
        "- Baseline: the same text by fpdf2 with no layout: one `cell` per line, Helvetica "
        "11 pt, Windows-1252 like ours, automatic page breaks, no wrapping (long lines run off "
        f"the page), no footer, no clean-up of the text; its pages: {baseline_pages}. So the "
        "ratio is the price of our layout (wrapping, bullets, headings kept with their "
        "first line, the goal box, footers) and of `printable_text` on every line.",
        f"- {result['plans']} plans per size and kind in each of {result['repeats']} repeats "
        "(each figure: the median over the repeats of a repeat's median), after "
        f"{WARMUP} warm-up plans each; ours and the baseline take turns plan by plan, the "
        "sizes in a rotating order. Peak memory: tracemalloc's peak while one plan is made "
        "(Python allocations, not RSS), measured apart from the timings, since tracemalloc "
        "slows the code it traces.",
        "",
        *table(result),
        "",
        NOTES,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--plans", type=int, default=PLANS)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    lines = section(run(args.repeats, args.plans))
    print("\n".join(lines))
    if args.write:
        write_section(SECTION_TITLE, lines, sections=SECTIONS)
        print(f"Wrote the plan PDF section of {DOC.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
