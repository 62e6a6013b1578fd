// The phone screen: one big question at a time, following the host's screen.
import { clientId, connect, el, fill, plural, send, stepIn, texts } from "./live-common.js";

const root = document.getElementById("live-play");
const code = root.dataset.code;
const lang = document.documentElement.lang;
const t = texts();
const $ = (id) => root.querySelector(`[data-testid=${id}]`);
const socket = connect();
let answers = {};
let step = null;
let countdown = null;

// A quiz question's countdown, in the step's own fields (the partial's data-countdown).
function startCountdown() {
  clearInterval(countdown);
  const clock = $("phone-input").querySelector("[data-countdown]");
  if (!clock) return;
  let left = Number(clock.dataset.countdown);
  clock.hidden = false;
  countdown = setInterval(() => {
    left = Math.max(0, left - 1);
    clock.querySelector("[data-countdown-left]").textContent = String(left);
    if (!left) clearInterval(countdown);
  }, 1000);
}

// The host showed the right answer: this phone says whether its own answer had it.
function showReveal(data) {
  if (!step || data.step_id !== step.id) return;
  clearInterval(countdown);
  const reveal = data.reveal[lang] || data.reveal.nl;
  const mine = answers[step.id] || [];
  const right = mine.length > 0 && mine.every((id) => reveal.correct.includes(id));
  const said = right ? t.right : fill(t.wrong, { a: reveal.labels.join(" / ") });
  $("phone-reveal").replaceChildren(
    el("p", { className: right ? "reveal-right" : "reveal-wrong" }, said),
    ...(reveal.explain ? [el("p", {}, reveal.explain)] : []),
    el("p", {}, fill(t.score, { r: reveal.right, t: reveal.total })));
  $("phone-reveal").hidden = false;
  $("phone-input").hidden = true;
  $("phone-buttons").hidden = true;
  $("phone-sent").hidden = true;
}

function message(text) {
  $("phone-message").textContent = text;
  $("phone-message").hidden = !text;
}

function showStep(state) {
  if (state.status === "ended") return showEnd(state);
  step = stepIn(state, lang);
  $("phone-error").textContent = "";
  if (!step) {
    $("phone-step").hidden = true;
    $("phone-sent").hidden = true;
    return message(t.waiting);
  }
  message("");
  const fresh = $("phone-step").hidden || $("phone-step").dataset.stepId !== step.id;
  $("phone-step").dataset.stepId = step.id;
  $("phone-prompt").textContent = step.prompt;
  $("phone-body").textContent = step.body || "";
  $("phone-hint").textContent = step.hint || "";
  if (fresh) {
    // The step's answer fields as the server renders them for its type (the same partial
    // the pages use), so this screen knows no step type. Escaped there, from our content.
    const fields = state.fields || {};
    $("phone-input").innerHTML = fields[lang] ?? fields.nl ?? "";
    $("phone-buttons").replaceChildren(...buttonsFor(step));
    $("phone-reveal").hidden = true;
    $("phone-votes").hidden = true;
    $("phone-input").hidden = false;
    $("phone-buttons").hidden = false;
    startCountdown();
  }
  // A slide to read (no answer asked): the room reads it on the big screen, no tap needed.
  $("phone-look").hidden = step.asks_input;
  $("phone-step").hidden = false;
  $("phone-sent").hidden = !(step.id in answers);
  $("phone-sent").textContent = t.sent;
  // A new question moves the focus to it, so nobody is left on a button of the last one.
  if (fresh) $("phone-prompt").focus();
}

function buttonsFor(s) {
  if (!s.asks_input) return [];
  if (s.private) {
    return [el("button", { type: "submit", className: "button", dataset: { share: "1" } }, t.share),
      el("button", { type: "submit", className: "button secondary", dataset: { share: "0" } }, t.keep)];
  }
  return [el("button", { type: "submit", className: "button", dataset: { share: "0" } }, t.send)];
}

// The form's fields as posted (name: values); the server's step type reads its answer.
function fieldsOf(form) {
  const fields = {};
  for (const [name, value] of new FormData(form)) (fields[name] ||= []).push(String(value));
  return fields;
}

$("phone-step").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!step) return;
  const share = event.submitter?.dataset.share === "1";
  const form = fieldsOf($("phone-step"));
  const ack = await send(socket, "live:answer", { code, step_id: step.id, form, share, client_id: clientId() });
  if (!ack.ok) {
    $("phone-error").textContent = ack.error.message;
    return;
  }
  answers[step.id] = ack.value;
  $("phone-error").textContent = "";
  $("phone-sent").hidden = false;
  $("phone-sent").textContent = `${t.sent} ${t.wait_next}`;
});

function showEnd(data) {
  step = null;
  message("");
  $("phone-step").hidden = true;
  $("phone-sent").hidden = true;
  $("phone-end").hidden = false;
  const recap = data && data.recap && (data.recap[lang] || data.recap.nl);
  if (recap) {
    $("phone-recap-xp").textContent = `+${recap.xp}`;
    $("phone-recap-took-part").textContent = plural(t.took_part, recap.took_part);
    $("phone-recap-highlights").replaceChildren(...recap.highlights.map((h) =>
      el("li", {}, el("span", {}, h.prompt), " ", el("strong", {}, h.top))));
    $("phone-recap").hidden = false;
  }
  $("phone-end").querySelector("h1").focus();
}

$("phone-end").addEventListener("click", async (event) => {
  const button = event.target.closest("[data-topic]");
  if (!button) return;
  const contact = root.querySelector("#follow-up-contact").value || null;
  const ack = await send(socket, "live:follow_up", { code, topic: button.dataset.topic, contact, client_id: clientId() });
  if (ack.ok) {
    button.setAttribute("aria-pressed", "true");
    $("follow-up-sent").hidden = false;
  }
});

async function join() {
  const ack = await send(socket, "live:join", { code, client_id: clientId() });
  document.documentElement.dataset.socket = "ready";  // caught up with the server
  if (!ack.ok) return message(ack.error.message);
  answers = ack.seat.answers || {};
  showStep(ack.state);
}

socket.on("connect", join);
socket.on("disconnect", () => message(t.offline));
socket.on("live:step", showStep);
socket.on("live:ended", showEnd);
socket.on("live:reveal", showReveal);
socket.on("live:results", showVotes);

// The phrases the room shared (a short step), once this phone answered: tap "me too".
const voted = new Set();
function showVotes(results) {
  const list = $("phone-votes");
  if (!step || !results || results.step_id !== step.id || !results.votable || !(step.id in answers)) {
    list.hidden = true;
    return;
  }
  const items = (results.words || []).map((w) => el("li", {}, el("button", {
    type: "button", className: "big-option", dataset: { key: w.key },
    ariaPressed: voted.has(`${step.id}|${w.key}`) ? "true" : "false",
  }, w.word, w.votes ? el("span", { className: "votes" }, ` +${w.votes}`) : "")));
  list.querySelector("ul").replaceChildren(...items);
  list.hidden = items.length === 0;
}

$("phone-votes").addEventListener("click", async (event) => {
  const button = event.target.closest("[data-key]");
  if (!button || !step || button.getAttribute("aria-pressed") === "true") return;
  const ack = await send(socket, "live:vote", { code, step_id: step.id, key: button.dataset.key, client_id: clientId() });
  if (ack.ok) {
    voted.add(`${step.id}|${button.dataset.key}`);
    button.setAttribute("aria-pressed", "true");
  }
});
socket.on("session:ended", () => window.location.assign("/login"));
