// The phone screen: one big question at a time, following the host's screen.
import { clientId, connect, el, plural, send, stepIn, texts } from "./live-common.js";

const root = document.getElementById("live-play");
const code = root.dataset.code;
const lang = document.documentElement.lang;
const t = texts();
const $ = (id) => root.querySelector(`[data-testid=${id}]`);
const socket = connect();
let answers = {};
let step = null;

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
  if (fresh) {
    // The step's answer fields as the server renders them for its type (the same partial
    // the pages use), so this screen knows no step type. Escaped there, from our content.
    const fields = state.fields || {};
    $("phone-input").innerHTML = fields[lang] ?? fields.nl ?? "";
    $("phone-buttons").replaceChildren(...buttonsFor(step));
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
socket.on("session:ended", () => window.location.assign("/login"));
