"""Content loading: `load_library` on 1,000 generated quests vs parsing the same files bare.

    .venv/bin/python bench/content_load.py [--files N] [--repeats N] [--profile]

The quests are generated into a temporary folder (seeded, so every run reads the same text):
every step type a solo quest uses (info, choice, scale with 8 to 16 statements, reflection,
action, contact, poll), some `when:` conditions, some `requires`, Dutch and English texts of
the length the real quests in quests/ have. The loader reads each file with the pure-Python
round-trip parser because it reports the line and column of every value; so the baseline is
that parser alone on the same files. `YAML(typ="safe")` is a second reference: ruamel's C
parser when `ruamel.yaml.clib` is installed, otherwise its pure-Python safe loader, as labelled.
"""

import argparse
import cProfile
import gc
import io
import pstats
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml import main as ruamel_main

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import HEADER, ROOT, comparison_row, median_of  # noqa: E402

sys.path.insert(0, str(ROOT))

from game_server.content import loader, yaml_source  # noqa: E402
from game_server.content.schema import Quest, Sector  # noqa: E402
from game_server.content.upgrades import upgrade  # noqa: E402

FILES = 1000
REPEATS = 3
SEED = 20261128
GOAL = 1.5  # the goal: loading at most 1.5× the bare round-trip parse
C_PARSER = ruamel_main.CParser is not None

# -- generating realistic quests ----------------------------------------------------------

# Dutch and English side by side, in the plain style of the real quests (B1 level).
SENTENCES = [
    (
        "Denk aan een gewone werkdag van de afgelopen week.",
        "Think of a normal working day from the past week.",
    ),
    (
        "Wat deed je die dag het liefst, en waarom?",
        "What did you like doing most that day, and why?",
    ),
    ("Er zijn geen goede of foute antwoorden.", "There are no right or wrong answers."),
    (
        "Je antwoorden zijn alleen voor jou, tenzij je ze zelf deelt.",
        "Your answers are only for you, unless you share them yourself.",
    ),
    (
        "Schrijf het op in je eigen woorden, kort is goed.",
        "Write it down in your own words; short is fine.",
    ),
    (
        "Veel mensen in jouw vak hebben dezelfde vraag.",
        "Many people in your trade have the same question.",
    ),
    (
        "Vraag een collega die je vertrouwt om mee te denken.",
        "Ask a colleague you trust to think along.",
    ),
    (
        "Kijk ook naar wat je buiten je werk doet, bijvoorbeeld bij de club of thuis.",
        "Also look at what you do outside work, for example at the club or at home.",
    ),
    (
        "Je leidinggevende wil vaak graag weten wat jij wilt leren.",
        "Your team leader often wants to know what you would like to learn.",
    ),
    (
        "In veel cao's staat een budget voor opleiding; vraag ernaar bij HR.",
        "Many collective agreements include a training budget; ask HR about it.",
    ),
    (
        "Het werk verandert: nieuwe systemen, nieuwe regels, nieuwe klanten.",
        "Work is changing: new systems, new rules, new customers.",
    ),
    (
        "Wat je nu kunt, kun je vaak ook in ander werk gebruiken.",
        "What you can do now, you can often use in other work too.",
    ),
    (
        "Een kleine stap deze maand telt meer dan een groot plan voor later.",
        "A small step this month counts for more than a big plan for later.",
    ),
    (
        "Kies wat het beste bij jou past, niet wat anderen van je verwachten.",
        "Choose what fits you best, not what others expect of you.",
    ),
    (
        "Over een paar weken vragen we je hoe het ging.",
        "In a few weeks we will ask you how it went.",
    ),
    (
        "Mensen vertellen graag over hun werk als je het ze vraagt.",
        "People like to talk about their work when you ask them.",
    ),
    (
        "Een kort appje of een praatje bij de koffie is genoeg.",
        "A short message or a chat at the coffee machine is enough.",
    ),
    (
        "Schrijf op wat je hebt geleerd, ook als het tegenviel.",
        "Write down what you learned, even if it was disappointing.",
    ),
    (
        "Misschien merk je dat sommige taken je energie geven en andere energie kosten.",
        "You may notice that some tasks give you energy and others cost energy.",
    ),
    (
        "Denk aan het moment waarop je trots was op je werk.",
        "Think of the moment you were proud of your work.",
    ),
    (
        "Wat zou je over vijf jaar nog steeds willen doen?",
        "What would you still like to be doing in five years?",
    ),
    (
        "Bekijk de vacatures in je regio, ook als je niet wilt solliciteren.",
        "Look at the vacancies in your region, even if you do not want to apply.",
    ),
    (
        "Een opleiding hoeft niet lang te duren; er zijn ook korte cursussen.",
        "Training does not have to take long; there are short courses too.",
    ),
    (
        "Vraag bij het UWV of het leerwerkloket welke mogelijkheden er zijn.",
        "Ask the public employment service what options there are.",
    ),
    (
        "Je kunt dit later nog eens spelen en zien wat er veranderd is.",
        "You can play this again later and see what has changed.",
    ),
    (
        "Met je team kun je de antwoorden samen bespreken.",
        "With your team you can talk about the answers together.",
    ),
    (
        "Neem de tijd, maar denk er niet te lang over na.",
        "Take your time, but do not think about it too long.",
    ),
    (
        "Wie in je omgeving doet werk waar je nieuwsgierig naar bent?",
        "Who around you does work you are curious about?",
    ),
    (
        "Als een plan niet lukt, is dat geen mislukking maar informatie.",
        "When a plan does not work out, that is not a failure but information.",
    ),
    (
        "Noteer een datum, dan wordt het een afspraak met jezelf.",
        "Note a date; then it becomes an appointment with yourself.",
    ),
    (
        "Vraag door: wat maakt dat werk zwaar, en wat maakt het leuk?",
        "Ask further: what makes that work hard, and what makes it fun?",
    ),
    (
        "Kijk naar je rooster en zoek een moment dat echt past.",
        "Look at your roster and find a moment that really fits.",
    ),
]
LABELS = [
    ("Vrijheid in mijn werk", "Freedom in my work"),
    ("Een vast contract", "A permanent contract"),
    ("Fijne collega's", "Good colleagues"),
    ("Anderen helpen", "Helping others"),
    ("Vakmanschap", "Craftsmanship"),
    ("Nieuwe dingen leren", "Learning new things"),
    ("Afwisseling", "Variety"),
    ("Goed verdienen", "Good pay"),
    ("Tijd voor thuis", "Time for home"),
    ("Waardering voor wat ik doe", "Appreciation for what I do"),
    ("Gezond blijven", "Staying healthy"),
    ("Buiten werken", "Working outdoors"),
    ("Met mijn handen werken", "Working with my hands"),
    ("Een duidelijke planning", "A clear schedule"),
    ("Zelf beslissen", "Deciding for myself"),
    ("Met klanten praten", "Talking with customers"),
]
TITLES = [
    ("Wat telt voor jou?", "What counts for you?"),
    ("Een gesprek over ander werk", "A talk about other work"),
    ("Waar krijg je energie van?", "What gives you energy?"),
    ("Een stap deze maand", "One step this month"),
    ("Wie kan je helpen?", "Who can help you?"),
    ("Vacatures bekijken", "Looking at vacancies"),
    ("Je werk over vijf jaar", "Your job in five years"),
    ("Een cursus vinden", "Finding a course"),
    ("Praten met je leidinggevende", "Talking with your team leader"),
    ("Waar ben je trots op?", "What are you proud of?"),
    ("Als het plan vastloopt", "When the plan stalls"),
    ("Contact houden", "Keeping in touch"),
]
TOPICS = [
    "talk-with-team-leader",
    "energy-check",
    "proud-moment",
    "values",
    "course-search",
    "vacancy-check",
    "network-map",
    "ask-a-colleague",
    "next-step",
    "learning-budget",
    "changes-in-my-trade",
    "job-in-five-years",
    "skills-inventory",
    "keep-in-touch",
    "interest-scan",
    "plan-b",
    "work-and-health",
    "shift-patterns",
    "new-technology",
    "mentor-talk",
]
# Roughly the mix of quests/ (many info, choice and reflection steps; few scales, which are
# long), with contact and poll a little more often so that every type is well exercised.
STEP_WEIGHTS = {
    "info": 8,
    "choice": 6,
    "reflection": 7,
    "action": 2,
    "poll": 2,
    "contact": 1,
    "scale": 1,
}
COMPETENCIES = ("reflecting", "exploring", "steering", "networking")
DIMENSIONS = ("people", "things", "ideas", "order", "change", "security", "growth", "pace")


def _q(text: str) -> str:
    """A double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _pair(rng: random.Random, sentences: int) -> tuple[str, str]:
    chosen = rng.sample(SENTENCES, sentences)
    return " ".join(nl for nl, _ in chosen), " ".join(en for _, en in chosen)


def _text_block(indent: str, name: str, pair: tuple[str, str], flow: bool) -> list[str]:
    if flow:
        return [f"{indent}{name}: {{nl: {_q(pair[0])}, en: {_q(pair[1])}}}"]
    return [f"{indent}{name}:", f"{indent}  nl: {_q(pair[0])}", f"{indent}  en: {_q(pair[1])}"]


def _options(rng: random.Random, count: int, flow: bool) -> tuple[list[str], list[str]]:
    ids, lines = [], ["    options:"]
    for number, (nl, en) in enumerate(rng.sample(LABELS, count)):
        option_id = f"option-{number + 1}"
        ids.append(option_id)
        label = f"{{nl: {_q(nl)}, en: {_q(en)}}}"
        if flow:
            lines.append(f"      - {{id: {option_id}, label: {label}}}")
        else:
            lines += [f"      - id: {option_id}", f"        label: {label}"]
    return ids, lines


def _step(
    rng: random.Random, kind: str, step_id: str, earlier: list[dict]
) -> tuple[dict, list[str]]:
    """One step's lines; `earlier` lists the steps above it (for `when:`)."""
    flow = rng.random() < 0.4
    lines = [f"  - id: {step_id}", f"    type: {kind}"]
    meta: dict = {"id": step_id, "type": kind}
    if earlier and rng.random() < 0.3:  # as often as in quests/
        target = rng.choice(earlier)
        if target["type"] in ("choice", "poll"):
            when = f"{{step: {target['id']}, includes: {rng.choice(target['options'])}}}"
        elif target["type"] == "scale":
            dimension = rng.choice(target["dimensions"])
            bound = rng.choice(["at_least: 3.5", "at_most: 2.5"])
            when = f"{{step: {target['id']}, dimension: {dimension}, {bound}}}"
        else:
            when = f"{{step: {target['id']}, answered: true}}"
        lines.append(f"    when: {when}")
        meta["when"] = True
    lines += _text_block("    ", "prompt", _pair(rng, rng.randint(1, 2)), flow)
    if kind == "info":
        lines += _text_block("    ", "body", _pair(rng, rng.randint(2, 4)), flow=False)
    elif kind in ("choice", "poll"):
        count = rng.randint(3, 8) if kind == "choice" else rng.randint(2, 6)
        meta["options"], option_lines = _options(rng, count, flow)
        lines += option_lines
        if kind == "choice" and rng.random() < 0.5:
            low = rng.randint(1, min(3, count))
            lines += [f"    min: {low}", f"    max: {rng.randint(low, count)}"]
    elif kind == "scale":
        dimensions = rng.sample(DIMENSIONS, rng.randint(2, 4))
        meta["dimensions"] = dimensions
        items = rng.randint(8, 16)
        meta["items"] = items
        lines += [
            f"    low: {{nl: {_q('helemaal niet')}, en: {_q('not at all')}}}",
            f"    high: {{nl: {_q('helemaal wel')}, en: {_q('completely')}}}",
            "    dimensions:",
        ]
        for dimension in dimensions:
            label = f"{{nl: {_q(dimension.title() + ' (nl)')}, en: {_q(dimension.title())}}}"
            lines.append(f"      - {{id: {dimension}, label: {label}}}")
        lines.append("    items:")
        for number in range(items):
            dimension = dimensions[number % len(dimensions)]  # every dimension gets items
            nl, en = rng.choice(SENTENCES)
            lines += [f"      - id: {dimension}-{number + 1}", f"        dimension: {dimension}"]
            if rng.random() < 0.2:
                lines.append("        reverse: true")
            lines += ["        text:", f"          nl: {_q(nl)}", f"          en: {_q(en)}"]
    elif kind == "reflection":
        lines.append(f"    min_words: {rng.randint(0, 10)}")
    elif kind == "action":
        lines.append(f"    due_days: {rng.choice([7, 14, 21, 30, 60])}")
    return meta, lines


def quest_text(
    rng: random.Random, quest_id: str, main: str, earlier_ids: list[str]
) -> tuple[str, list[dict]]:
    competencies = {main: rng.choice([10, 15, 20, 25])}
    for other in rng.sample([c for c in COMPETENCIES if c != main], rng.randint(0, 2)):
        competencies[other] = 5
    modes = rng.choice([["solo"]] * 3 + [["solo", "group"], ["solo", "group", "live"]])
    sectors = sorted(rng.sample([s.value for s in Sector], rng.choice([0, 0, 1, 2, 3])))
    requires = rng.sample(earlier_ids, 1) if earlier_ids and rng.random() < 0.15 else []
    lines = [
        "kind: quest",
        "schema_version: 1",
        f"id: {quest_id}",
        *_text_block("", "title", rng.choice(TITLES), flow=rng.random() < 0.5),
        *_text_block("", "summary", _pair(rng, 2), flow=False),
        "competencies: {" + ", ".join(f"{k}: {v}" for k, v in competencies.items()) + "}",
        f"minutes: {rng.randint(5, 20)}",
        f"modes: [{', '.join(modes)}]",
    ]
    if sectors:
        lines.append(f"sectors: [{', '.join(sectors)}]")
    if requires:
        lines.append(f"requires: [{', '.join(requires)}]")
    lines += [f"public: {'true' if rng.random() < 0.2 else 'false'}", "steps:"]
    kinds = list(STEP_WEIGHTS)
    weights = list(STEP_WEIGHTS.values())
    steps: list[dict] = []
    step_lines: list[str] = []
    count = rng.randint(5, 12)
    for index in range(count):
        kind = "info" if index == 0 else rng.choices(kinds, weights)[0]
        meta, more = _step(rng, kind, f"{kind}-{index + 1}", steps)
        steps.append(meta)
        step_lines += [*more, ""]
    return "\n".join(lines + step_lines), steps


def generate(root: Path, count: int = FILES, seed: int = SEED) -> dict:
    """Write `count` quests under root/<competency>/<id>.yaml; return what was written."""
    rng = random.Random(seed)
    ids: list[str] = []
    kinds: Counter = Counter()
    conditions = scale_items = size = 0
    for number in range(count):
        main = COMPETENCIES[number % len(COMPETENCIES)]
        quest_id = f"{rng.choice(TOPICS)}-{number + 1:04d}"
        text, steps = quest_text(rng, quest_id, main, ids)
        folder = root / main
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{quest_id}.yaml").write_text(text, encoding="utf-8")
        ids.append(quest_id)
        size += len(text.encode())
        kinds.update(step["type"] for step in steps)
        conditions += sum(1 for step in steps if step.get("when"))
        scale_items += sum(step.get("items", 0) for step in steps)
    return {
        "files": count,
        "bytes": size,
        "steps": sum(kinds.values()),
        "kinds": dict(kinds),
        "conditions": conditions,
        "scale_items": scale_items,
    }


# -- measuring ----------------------------------------------------------------------------


def _bare(root: Path, yaml_factory) -> None:
    for path in loader.content_files(root):
        yaml_factory().load(path.read_text(encoding="utf-8"))


def _rt() -> YAML:
    return YAML(typ="rt", pure=True)


def _safe() -> YAML:
    return YAML(typ="safe")


WAYS = {
    "loader": lambda root: loader.load_library(root),
    "bare_rt": lambda root: _bare(root, _rt),
    "bare_safe": lambda root: _bare(root, _safe),
}


def _timed(action, root: Path) -> dict:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    action(root)
    return {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}


def _find(attribute: str, *modules: str):
    """The loader's own function `attribute` from the first of `modules` that has it."""
    import importlib

    for name in modules:
        try:
            module = importlib.import_module(f"game_server.content.{name}")
        except ImportError:
            continue
        if hasattr(module, attribute):
            return getattr(module, attribute)
    return None


def breakdown(paths: list[Path]) -> dict[str, float]:
    """The loader's work split into its parts, each timed on its own (one pass over `paths`).

    Calls the loader's own (internal) functions in the loader's order, so the parts add up to
    about one `load_library` of these files; "the parse itself" is the baseline's work. The
    loader is being worked on: a part whose function is gone is left out (the shape check)
    or stops the breakdown with a note ({"error": ...}) instead of failing the whole run.
    """
    shape = _find("_shape_problems", "yaml_source")
    plain = _find("_plain", "yaml_source")
    make_yaml = _find("_yaml", "yaml_source")
    quest_problems = _find("quest_problems", "checks", "quest_checks")
    library_problems = _find("library_problems", "library_checks", "checks")
    missing = [
        name
        for name, found in [
            ("yaml_source._plain", plain),
            ("yaml_source._yaml", make_yaml),
            ("quest_problems", quest_problems),
            ("library_problems", library_problems),
        ]
        if found is None
    ]
    if missing:
        return {"error": f"the loader changed; not found: {', '.join(missing)}"}
    parts: Counter = Counter()
    loaded = []

    def clock(name: str, action, *args):
        began = time.perf_counter()
        result = action(*args)
        parts[name] += time.perf_counter() - began
        return result

    gc.collect()
    began = time.perf_counter()
    try:
        for path in paths:
            text = clock("reading the files", path.read_text, "utf-8")
            if shape is not None:
                clock(SHAPE, shape, path.name, text)
            document = clock(PARSE, lambda text: make_yaml().load(text), text)
            source = yaml_source.Source(path.name)
            data = clock("positions + copy to plain data (`_plain`)", plain, document, (), source)
            data, _ = clock("schema upgrade (`upgrade`)", upgrade, "quest", data)
            model = clock(
                "pydantic validation (`Quest.model_validate`)", Quest.model_validate, data
            )
            clock("checks inside a quest (`quest_problems`)", quest_problems, model, source)
            loaded.append((model, source))
        clock("checks across files (`library_problems`)", library_problems, loaded)
    except Exception as error:  # noqa: BLE001 (a changed internal signature, say)
        return {"error": f"the loader changed: {type(error).__name__}: {error}"}
    parts["total"] = time.perf_counter() - began
    return dict(parts)


SHAPE = "shape check: a second parse, of the event stream (`_shape_problems`)"
PARSE = 'the parse itself, `YAML(typ="rt", pure=True).load` (= the baseline)'
BREAKDOWN_FILES = 250  # a quarter of the files is enough for the shares


def run(repeats: int = REPEATS, files: int = FILES, *, safe: bool = True) -> dict:
    """Generate, then alternate loader / bare round-trip (/ bare safe) `repeats` times."""
    with tempfile.TemporaryDirectory(prefix="lq-bench-content-") as tmp:
        root = Path(tmp) / "quests"
        written = generate(root, files)
        # The loader goes first: it raises if a generated file is wrong.
        names = [name for name in WAYS if safe or name != "bare_safe"]
        runs: dict[str, list[dict]] = {name: [] for name in names}
        for repeat in range(repeats):
            for name in names[repeat % len(names) :] + names[: repeat % len(names)]:
                runs[name].append(_timed(WAYS[name], root))
        paths = loader.content_files(root)
        parts = breakdown(paths[:: max(1, len(paths) // BREAKDOWN_FILES)][:BREAKDOWN_FILES])
    return {"written": written, "runs": runs, "parts": parts}


def profile(files: int = FILES, top: int = 25) -> str:
    """cProfile of one `load_library` (slower than unprofiled, pure Python more so)."""
    with tempfile.TemporaryDirectory(prefix="lq-bench-content-") as tmp:
        root = Path(tmp) / "quests"
        generate(root, files)
        loader.load_library(root)
        profiler = cProfile.Profile()
        profiler.enable()
        loader.load_library(root)
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


SAFE_LABEL = (
    'ruamel C parser, `YAML(typ="safe")`'
    if C_PARSER
    else "ruamel pure-Python safe loader (C parser not installed)"
)


def table(result: dict) -> list[str]:
    runs, written = result["runs"], result["written"]
    files, megabytes = written["files"], written["bytes"] / 1e6
    lines = []
    for baseline, label in [
        ("bare_rt", 'round-trip parse only, `YAML(typ="rt", pure=True)`'),
        ("bare_safe", SAFE_LABEL),
    ]:
        if baseline not in runs:
            continue
        what = f"Content, {files:,} quest files ({megabytes:.1f} MB): loader vs {label}"
        for metric, key, scale, digits in [
            ("wall time (s)", "wall_s", 1, 2),
            ("CPU time (s)", "cpu_s", 1, 2),
            ("per file (ms, wall)", "wall_s", 1000 / files, 1),
        ]:
            b = median_of(runs[baseline], key) * scale
            o = median_of(runs["loader"], key) * scale
            lines.append(comparison_row(what, metric, b, o, digits))
    return lines


def verdict(result: dict) -> str:
    runs = result["runs"]
    wall = median_of(runs["loader"], "wall_s") / median_of(runs["bare_rt"], "wall_s")
    cpu = median_of(runs["loader"], "cpu_s") / median_of(runs["bare_rt"], "cpu_s")
    met = "met" if max(wall, cpu) <= GOAL else "missed"
    return (
        f"Goal (loader ≤ {GOAL}× the bare round-trip parse): {met}: {wall:.2f}× wall time, "
        f"{cpu:.2f}× CPU time."
    )


def breakdown_table(result: dict) -> list[str]:
    parts = dict(result["parts"])
    if "error" in parts:
        return [f"No breakdown of the loader's parts: {parts['error']} (update `breakdown`)."]
    total = parts.pop("total")
    bare = parts.get(PARSE, float("nan"))
    files = min(BREAKDOWN_FILES, result["written"]["files"])
    lines = [
        f"| Part of `load_library` (each part timed alone, one pass over {files} of the files) "
        "| Seconds | Share | × the parse |",
        "|---|---:|---:|---:|",
    ]
    for name, seconds in sorted(parts.items(), key=lambda item: -item[1]):
        lines.append(
            f"| {name} | {seconds:.2f} | {seconds / total * 100:.0f}% | {seconds / bare:.2f} |"
        )
    lines.append(f"| all parts | {total:.2f} | 100% | {total / bare:.2f} |")
    return lines


def describe(result: dict) -> str:
    written = result["written"]
    kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(written["kinds"].items()))
    return (
        f"{written['files']:,} quests, {written['bytes'] / 1e6:.1f} MB "
        f"({written['bytes'] / written['files'] / 1000:.1f} kB per file), {written['steps']:,} "
        f"steps ({kinds}); {written['conditions']} steps with `when:`, "
        f"{written['scale_items']:,} scale statements."
    )


# Written by hand from the breakdown and a cProfile of one load; check it still holds.
NOTES = """\
- **Where the extra time goes:** almost all of it is the shape check. `_shape_problems` in
  `game_server/content/yaml_source.py` runs ruamel's pure-Python scanner and parser over the
  whole file a second time, to find anchors, aliases and tags before anything is built; that
  costs about 0.7× the parse itself. The rest is small: copying the document into plain data
  with the position of every value (`_plain`) about 2% of the parse, pydantic validation about
  1% (pydantic-core is compiled), the checks inside and across quests well under 1%. What the
  breakdown does not show is the garbage collector: `load_library` keeps every file's
  `Source` (with its table of positions) alive until the checks across files, so the cyclic
  collector walks a growing heap; switching it off saves about 5% of a full load.
- **What would meet the goal:** check anchors, aliases and tags during the one parse. The
  composer pulls every event through the parser's `get_event`, so a `Parser` subclass that
  notes alias events, anchors and explicit tags there (and is set as `yaml.Parser`) reports
  the same problems at the same positions without a second pass; a prototype of that took the
  same time as the bare parse. The loader would then be about 1.05–1.1× the bare parse.
  Pausing the cyclic collector during the load (or keeping only the positions that problems
  need) would take off most of the collector's share. The game_server code is unchanged by this
  benchmark.
- **In practice:** the server loads the library at start-up (and on each change, with
  reload on), so a library of 1,000 quests costs its load time once per start;
  quests/ itself (21 quests, 2 tracks, 14 badges) loads in about half a second."""


def section(result: dict) -> list[str]:
    """The "Content loading" section of docs/benchmarks.md."""
    safe = (
        f'- Second reference: {SAFE_LABEL}, the same files, one `YAML(typ="safe")` per file.'
        if "bare_safe" in result["runs"]
        else '- Second reference: ruamel\'s C parser (`YAML(typ="safe")`) is not installed '
        "here (ruamel.yaml 0.19 does not pull in `ruamel.yaml.clib`), so `make bench` "
        "measures none; `bench/content_load.py` run alone measures ruamel's pure-Python safe "
        "loader in its place."
    )
    repeats = len(result["runs"]["loader"])
    return [
        "## Content loading",
        "",
        "Reproduce alone: `.venv/bin/python bench/content_load.py` (`--profile` adds a cProfile "
        "of one load, `--files N` another library size).",
        "",
        f"- Files: generated by the run into a temporary folder (seeded): {describe(result)} "
        "Every step type a solo quest uses, `when:` conditions of all three kinds, "
        "`requires` between quests, Dutch and English texts as long as in quests/; every file "
        "is valid (the loader's first pass would fail otherwise).",
        "- Ours: `game_server.content.loader.load_library(root)`: read, shape check, parse, "
        "positions, schema upgrade, pydantic validation, checks inside each quest and across "
        "files.",
        '- Baseline: the same files, each read and parsed with `YAML(typ="rt", pure=True)` '
        "and nothing else: the parser the loader uses, which it needs for the line and "
        "column of every value.",
        safe,
        f"- Median of {repeats} repeats; loader and baseline alternate in one process. CPU time "
        "is this process's own (other work on the machine does not count in it).",
        "",
        *HEADER,
        *table(result),
        "",
        verdict(result),
        "",
        *breakdown_table(result),
        "",
        NOTES,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=FILES)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--no-safe", action="store_true", help="skip the typ=safe reference")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of one load")
    args = parser.parse_args()
    result = run(args.repeats, args.files, safe=not args.no_safe)
    print(describe(result))
    print("\n".join(HEADER + table(result)))
    print(verdict(result))
    print()
    print("\n".join(breakdown_table(result)))
    if args.profile:
        print(profile(args.files))


if __name__ == "__main__":
    main()
