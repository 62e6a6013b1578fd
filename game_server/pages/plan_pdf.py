"""My plan as a PDF made on the server (fpdf2): A4 portrait, readable, fine in black and white.

The font is fpdf2's built-in Helvetica in the Windows-1252 encoding (the PDF's WinAnsi): no
font file to ship or find at run time, small files, and every character Dutch text needs is
in it whole: é ë ï ö ü, €, ‘ ’ “ ” „, – — and …. A character outside it becomes its closest
letter (ş → s, ł → l), a symbol or emoji is left out, and any other letter becomes "?", so no
text a worker writes can make printing fail.
"""

import re
import unicodedata
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import XPos, YPos

ENCODING = "windows-1252"
FONT = "helvetica"
ACCENT = (0, 62, 122)  # the one colour (title, headings, goal box); dark enough to print grey
GREY = (85, 85, 85)
MARGIN = 20  # mm on every side of the body
BULLET_INDENT = 6  # mm from the margin to the text of a bullet
# Stands for the total of pages in the footer and keeps room for two digits. It must never
# occur in text we print, so it holds a NUL, which printable_text removes from everything else.
TOTAL_PAGES = "\x00N"
FOOTER_LINES = 3  # at most; a longer footer text is cut with "…"

# Letters that do not decompose into a Windows-1252 base letter, and marks with a plain equivalent.
CLOSE = str.maketrans(
    {
        "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "ħ": "h", "Ħ": "H", "ŧ": "t",
        "Ŧ": "T", "ŋ": "n", "Ŋ": "N", "ĸ": "k", "ſ": "s", "ȷ": "j",
        "‐": "-", "‑": "-", "‒": "–", "―": "—", "−": "-", "′": "'", "″": '"',
        "‛": "'", "‟": '"', "→": "->", "←": "<-", "≤": "<=", "≥": ">=", "≠": "!=",
        "\u2028": "\n", "\u2029": "\n", "\t": " ",
    }
)  # fmt: skip
LEFT_OUT = {"So", "Sk", "Mn", "Me", "Cf", "Cc", "Cs", "Co", "Cn"}  # emoji, marks, controls


@dataclass(frozen=True)
class PlanSection:
    title: str  # e.g. "Wat ik belangrijk vind"
    lines: tuple[str, ...]  # items, each one line or a short paragraph; may be empty
    empty: str = ""  # text shown when lines is empty, e.g. "Nog niets. Speel de quest …"


@dataclass(frozen=True)
class PrintablePlan:
    title: str  # "Mijn ontwikkelplan"
    owner: str  # the worker's display name
    made_on: str  # a date already formatted, e.g. "7-12-2026"
    goal: str | None  # the worker's own goal sentence, may be None
    sections: tuple[PlanSection, ...]
    footer: str  # e.g. attribution for occupation data + "Gemaakt met Loopbaan Quest"
    labels: dict[str, str]  # translated small labels: {"page": "Pagina", "of": "van", "goal": …}


def printable_text(text: object) -> str:
    """The text as Helvetica in Windows-1252 can print it (see the module's docstring)."""
    text = unicodedata.normalize("NFC", "" if text is None else str(text))
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(CLOSE)
    try:
        text.encode(ENCODING)
    except UnicodeEncodeError:
        text = "".join(_printable_char(char) for char in text)
        text = re.sub(" {2,}", " ", text)  # where an emoji between two words was left out
    # Controls are encodable but print as nothing or as boxes; the alias's NUL goes with them.
    return "".join(c for c in text if c == "\n" or unicodedata.category(c) != "Cc")


def _printable_char(char: str) -> str:
    try:
        char.encode(ENCODING)
        return char
    except UnicodeEncodeError:
        pass
    # Compatibility decomposition keeps the base letter: ş → s, ǆ → dž, ﬁ → fi, ① → 1.
    base = "".join(
        part
        for part in unicodedata.normalize("NFKD", char)
        if unicodedata.category(part) not in LEFT_OUT and _encodable(part)
    )
    if base:
        return base
    return "" if unicodedata.category(char) in LEFT_OUT else "?"


def _encodable(char: str) -> bool:
    try:
        char.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def _metadata_text(text: str) -> str:
    # The document's properties are UTF-16, so anything goes except controls and surrogates.
    return "".join(c for c in str(text) if unicodedata.category(c) not in {"Cc", "Cs"})


class _PlanDocument(FPDF):
    def __init__(self, plan: PrintablePlan):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.core_fonts_encoding = ENCODING
        self.alias_nb_pages(TOTAL_PAGES)  # written in when the document closes
        labels = plan.labels or {}
        self.page_word = printable_text(labels.get("page", "Pagina"))
        self.of_word = printable_text(labels.get("of", "van"))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.footer_text = printable_text(plan.footer)
        self.footer_lines: list[str] = []
        self.footer_height = 0.0
        self.set_title(_metadata_text(plan.title))
        self.set_author(_metadata_text(plan.owner))
        self.set_subject(_metadata_text(plan.title))
        self.set_creator("Loopbaan Quest")
        self.set_lang("nl")

    def add_first_page(self) -> None:
        """Add page 1 and keep the body above the footer on every page."""
        self.add_page()
        self.set_font(FONT, size=8)
        lines = []
        if self.footer_text.strip():  # wrapping it needs a page to measure on
            lines = self.multi_cell(
                self.epw - 32, 3.6, self.footer_text, dry_run=True, output="LINES"
            )
        if len(lines) > FOOTER_LINES:
            lines = lines[: FOOTER_LINES - 1] + [lines[FOOTER_LINES - 1].rstrip()[:-1] + "…"]
        self.footer_lines = lines
        self.footer_height = 4 + 3.6 * max(1, len(lines))  # its rule, its text, some air
        self.set_auto_page_break(auto=True, margin=MARGIN - 8 + self.footer_height + 6)

    def footer(self) -> None:
        top = self.h - (MARGIN - 8) - self.footer_height
        self.set_draw_color(*GREY)
        self.set_line_width(0.2)
        self.line(self.l_margin, top, self.w - self.r_margin, top)
        self.set_text_color(*GREY)
        self.set_font(FONT, size=8)
        self.set_xy(self.l_margin, top + 2)
        for line in self.footer_lines:
            self.cell(self.epw - 32, 3.6, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, size=9)
        self.set_xy(self.w - self.r_margin - 30, top + 2)
        page = f"{self.page_word} {self.page_no()} {self.of_word} {TOTAL_PAGES}"
        self.cell(30, 3.6, page, align="R")


def plan_pdf(plan: PrintablePlan) -> bytes:
    """The plan as a PDF; never raises for any text in the plan."""
    pdf = _PlanDocument(plan)
    pdf.add_first_page()
    _heading(pdf, plan.title, size=22, height=10)
    pdf.set_font(FONT, size=11)
    pdf.set_text_color(*GREY)
    _paragraph(pdf, " · ".join(part for part in (plan.owner, plan.made_on) if part), 6)
    pdf.ln(4)
    if plan.goal and plan.goal.strip():
        _goal(pdf, (plan.labels or {}).get("goal", "Mijn doel"), plan.goal)
    for section in plan.sections:
        _section(pdf, section)
    return bytes(pdf.output())


def _goal(pdf: FPDF, label: str, goal: str) -> None:
    pdf.set_font(FONT, style="B", size=11)
    pdf.set_text_color(*ACCENT)
    _paragraph(pdf, label, 6)
    pdf.set_font(FONT, size=12)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.5)
    pdf.multi_cell(
        0, 6.5, printable_text(goal), border=1, padding=(3, 4), align="L",
        new_x=XPos.LMARGIN, new_y=YPos.NEXT,
    )  # fmt: skip
    pdf.ln(4)


def _section(pdf: FPDF, section: PlanSection) -> None:
    # A heading alone at the foot of a page is no use: start the page with it instead.
    if pdf.will_page_break(8 + 2 * 5.5 + 4):
        pdf.add_page()
    else:
        pdf.ln(3)
    _heading(pdf, section.title, size=14, height=8)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.3)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + 30, pdf.get_y())
    pdf.ln(2)
    pdf.set_font(FONT, size=11)
    # A line with nothing printable in it would be a bullet alone.
    lines = [text for text in map(printable_text, section.lines) if text.strip()]
    if not lines:
        pdf.set_text_color(*GREY)
        pdf.set_font(FONT, style="I", size=11)
        _paragraph(pdf, section.empty, 5.5)
        return
    pdf.set_text_color(0, 0, 0)
    for text in lines:
        _bullet(pdf, text)


def _heading(pdf: FPDF, text: str, *, size: float, height: float) -> None:
    pdf.set_font(FONT, style="B", size=size)
    pdf.set_text_color(*ACCENT)
    _paragraph(pdf, text, height)


def _bullet(pdf: FPDF, text: str) -> None:
    """One printable line as a bullet with a hanging indent."""
    if pdf.will_page_break(5.5):  # the bullet and its first line on one page
        pdf.add_page()
    top = pdf.get_y()
    pdf.cell(BULLET_INDENT, 5.5, "•")
    pdf.set_xy(pdf.l_margin + BULLET_INDENT, top)
    # The hanging indent holds on a following page too: multi_cell keeps its x there.
    pdf.multi_cell(
        pdf.epw - BULLET_INDENT, 5.5, text, align="L",
        new_x=XPos.LMARGIN, new_y=YPos.NEXT,
    )  # fmt: skip
    pdf.ln(1)


def _paragraph(pdf: FPDF, text: str, height: float) -> None:
    # Ragged right (easier to read than justified); a word longer than the line is broken
    # where it must, which fpdf2 does by itself.
    pdf.multi_cell(0, height, printable_text(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
