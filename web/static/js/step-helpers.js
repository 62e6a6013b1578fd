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
    if (window.speechSynthesis) {
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
