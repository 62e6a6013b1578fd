// Two helpers for every step screen (the solo and group players, a live session's phone):
// - "Read aloud": the browser's own speech reads the question and its options, in the page's
//   language (nothing leaves the phone);
// - a long list of statements (steps/scale.html) is shown six at a time, with "Next".
// Both only add to the page: without this script every statement shows and nothing is read.
// Steps put into the page later (a live phone) are picked up too.
(() => {
  "use strict";

  const voiceLang = () => (document.documentElement.lang === "en" ? "en-GB" : "nl-NL");

  function textOf(form) {
    const parts = [];
    const prompt = form.querySelector(".prompt, [data-testid=phone-prompt]");
    if (prompt) parts.push(prompt.innerText);
    const body = form.querySelector(".lead, [data-testid=phone-body]");
    if (body && body.innerText.trim()) parts.push(body.innerText);
    for (const label of form.querySelectorAll("label, legend")) {
      if (label.closest("[hidden]") || label.classList.contains("visually-hidden")) continue;
      if (label.innerText.trim()) parts.push(label.innerText);
    }
    return parts.join(". ");
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-read-aloud]");
    if (!button) return;
    const speech = window.speechSynthesis;
    if (speech.speaking) {
      speech.cancel();
      button.setAttribute("aria-pressed", "false");
      return;
    }
    const said = new SpeechSynthesisUtterance(textOf(button.closest("form") || document.body));
    said.lang = voiceLang();
    said.rate = 0.95;
    said.onend = () => button.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-pressed", "true");
    speech.speak(said);
  });

  // -- statements six at a time ----------------------------------------------------------

  function showPage(scale, number) {
    const pages = [...scale.querySelectorAll("[data-scale-page]")];
    pages.forEach((page, i) => { page.hidden = i + 1 !== number; });
    scale.dataset.scaleAt = String(number);
    const last = number === pages.length;
    const nav = scale.querySelector("[data-scale-nav]");
    nav.hidden = false;
    nav.querySelector("[data-scale-where]").textContent =
      nav.dataset.where.replace("{n}", number).replace("{t}", pages.length);
    nav.querySelector("[data-scale-back]").hidden = number === 1;
    nav.querySelector("[data-scale-next]").hidden = last;
    // The step's own buttons (save, send) come with the last page.
    const form = scale.closest("form");
    for (const submit of form ? form.querySelectorAll("[type=submit]:not([formaction])") : []) {
      submit.hidden = !last;
    }
  }

  function setUp(scale) {
    if (scale.dataset.scaleAt) return;
    showPage(scale, 1);
  }

  function answered(page) {
    const names = new Set([...page.querySelectorAll("input[type=radio]")].map((r) => r.name));
    return [...names].every((name) => page.querySelector(`input[name="${name}"]:checked`));
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-scale-next], [data-scale-back]");
    if (!button) return;
    const scale = button.closest("[data-scale-pages]");
    const at = Number(scale.dataset.scaleAt);
    const page = scale.querySelector(`[data-scale-page="${at}"]`);
    const warning = scale.querySelector("[data-scale-warning]");
    if (button.hasAttribute("data-scale-next") && !answered(page)) {
      warning.hidden = false;
      return;
    }
    warning.hidden = true;
    const to = button.hasAttribute("data-scale-next") ? at + 1 : at - 1;
    showPage(scale, to);
    const first = scale.querySelector(`[data-scale-page="${to}"] legend`);
    if (first) {
      first.setAttribute("tabindex", "-1");
      first.focus();
    }
  });

  function scan(root) {
    for (const scale of root.querySelectorAll("[data-scale-pages]")) setUp(scale);
    // Only where the browser can speak: otherwise the button stays hidden.
    if (window.speechSynthesis && window.SpeechSynthesisUtterance) {
      for (const button of root.querySelectorAll("[data-read-aloud][hidden]")) button.hidden = false;
    }
  }

  const start = () => {
    scan(document);
    new MutationObserver(() => scan(document)).observe(document.body, { childList: true, subtree: true });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// -- occupation steps: search the catalog while typing ------------------------------------
// steps/occupation.html has a search box; matches from /api/v1/occupations come as boxes to
// tick beside the suggestions. Ticking one clears the box, so the words typed are not also
// looked up when the form is sent (which is what happens without this script).
(() => {
  "use strict";
  const timers = new WeakMap();

  function optionFor(match, multiple) {
    const label = document.createElement("label");
    label.className = "option";
    const input = document.createElement("input");
    input.type = multiple ? "checkbox" : "radio";
    input.name = "occupation";
    input.value = match.id;
    const name = document.createElement("span");
    name.textContent = match.name;
    label.append(input, name);
    return label;
  }

  async function search(box) {
    const results = box.closest("fieldset").querySelector("[data-occupation-results]");
    const words = box.value.trim();
    results.replaceChildren();
    if (words.length < 2) return;
    let found = [];
    try {
      const lang = document.documentElement.lang === "en" ? "en" : "nl";
      const response = await fetch(
        `/api/v1/occupations?limit=6&locale=${lang}&q=${encodeURIComponent(words)}`,
        { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      found = await response.json();
    } catch (error) {
      return; // offline: the words typed are looked up when the form is sent
    }
    if (box.value.trim() !== words) return; // a newer search is on its way
    const fieldset = box.closest("fieldset");
    const shown = new Set([...fieldset.querySelectorAll("[data-occupation-picked] input")]
      .map((input) => input.value));
    const multiple = box.dataset.multiple === "true";
    const fresh = found.filter((match) => !shown.has(match.id));
    if (!fresh.length) {
      const none = document.createElement("p");
      none.className = "hint";
      none.textContent = results.dataset.none;
      results.append(none);
      return;
    }
    for (const match of fresh) results.append(optionFor(match, multiple));
  }

  document.addEventListener("input", (event) => {
    const box = event.target.closest("[data-occupation-search]");
    if (!box) return;
    clearTimeout(timers.get(box));
    timers.set(box, setTimeout(() => search(box), 200));
  });

  document.addEventListener("change", (event) => {
    const input = event.target;
    if (input.name !== "occupation" || !input.closest("[data-occupation-results]")) return;
    const fieldset = input.closest("fieldset");
    const picked = fieldset.querySelector("[data-occupation-picked]");
    if (input.type === "radio") {
      for (const other of picked.querySelectorAll("input")) other.checked = false;
    }
    picked.append(input.closest("label")); // stays with the choices, ticked
    fieldset.querySelector("[data-occupation-search]").value = "";
    fieldset.querySelector("[data-occupation-results]").replaceChildren();
  });
})();
