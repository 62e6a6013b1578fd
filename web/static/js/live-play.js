// The phone screen: one big question at a time, following the host's screen.
import { clientId, connect, el, fill, send, stepIn, texts } from "./live-common.js";

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
  if (state.status === "ended") return showEnd();
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
  $("phone-input").replaceChildren(...inputsFor(step, answers[step.id]));
  $("phone-buttons").replaceChildren(...buttonsFor(step));
  $("phone-step").hidden = false;
  $("phone-sent").hidden = !(step.id in answers);
  $("phone-sent").textContent = t.sent;
  // A new question moves the focus to it, so nobody is left on a button of the last one.
  if (fresh) $("phone-prompt").focus();
}

function inputsFor(s, earlier) {
  if (s.type === "choice" || s.type === "poll") {
    const chosen = new Set(earlier || []);
    const hint = s.max > 1 ? [el("p", { className: "hint" }, fill(t.pick, { min: s.min, max: s.max }))] : [];
    const options = s.options.map((o) =>
      el("button", { type: "button", className: "big-option", dataset: { option: o.id },
        "aria-pressed": String(chosen.has(o.id)) }, o.label));
    return [...hint, el("div", { className: "big-options" }, ...options)];
  }
  if (s.type === "scale") {
    return s.items.map((item) => {
      const points = [1, 2, 3, 4, 5].map((n) =>
        el("label", { className: "point" }, el("input", { type: "radio", name: item.id, value: n,
          checked: earlier && earlier[item.id] === n }), String(n)));
      return el("fieldset", { className: "scale-item" }, el("legend", {}, item.text),
        el("div", { className: "scale-points" }, ...points));
    });
  }
  if (s.type === "reflection") {
    return [el("label", { htmlFor: "answer-text", className: "visually-hidden" }, s.prompt),
      el("textarea", { id: "answer-text", rows: 4, value: earlier || "", maxLength: s.max_chars || 2000 })];
  }
  if (s.type === "action") {
    return [field("answer-text", t.what, "text", earlier?.text),
      field("answer-due", t.due, "date", earlier?.due || s.default_due)];
  }
  if (s.type === "contact") {
    return [field("answer-who", t.who, "text", earlier?.who), field("answer-text", t.learned, "text", earlier?.learned)];
  }
  return [];
}

function field(id, label, type, value) {
  return el("div", { className: "field" }, el("label", { htmlFor: id }, label),
    el("input", { id, type, value: value || "" }));
}

function buttonsFor(s) {
  if (s.type === "info") return [el("button", { type: "submit", className: "button", dataset: { share: "0" } }, t.ok)];
  if (s.private) {
    return [el("button", { type: "submit", className: "button", dataset: { share: "1" } }, t.share),
      el("button", { type: "submit", className: "button secondary", dataset: { share: "0" } }, t.keep)];
  }
  return [el("button", { type: "submit", className: "button", dataset: { share: "0" } }, t.send)];
}

function valueOf(s) {
  const form = $("phone-step");
  if (s.type === "choice" || s.type === "poll") {
    return [...form.querySelectorAll("[aria-pressed=true]")].map((b) => b.dataset.option);
  }
  if (s.type === "scale") {
    const value = {};
    for (const item of s.items) {
      const picked = form.querySelector(`input[name="${item.id}"]:checked`);
      if (picked) value[item.id] = Number(picked.value);
    }
    return value;
  }
  if (s.type === "reflection") return form.querySelector("#answer-text").value;
  if (s.type === "action") return { text: form.querySelector("#answer-text").value, due: form.querySelector("#answer-due").value };
  if (s.type === "contact") return { who: form.querySelector("#answer-who").value, learned: form.querySelector("#answer-text").value };
  return null;
}

$("phone-step").addEventListener("click", (event) => {
  const option = event.target.closest("[data-option]");
  if (!option || !step) return;
  const pressed = option.getAttribute("aria-pressed") === "true";
  if (step.max === 1) {
    for (const other of root.querySelectorAll("[data-option]")) other.setAttribute("aria-pressed", "false");
  }
  option.setAttribute("aria-pressed", String(!pressed));
});

$("phone-step").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!step) return;
  const share = event.submitter?.dataset.share === "1";
  const value = valueOf(step);
  const ack = await send(socket, "live:answer", { code, step_id: step.id, value, share, client_id: clientId() });
  if (!ack.ok) {
    $("phone-error").textContent = ack.error.message;
    return;
  }
  answers[step.id] = ack.value;
  $("phone-error").textContent = "";
  $("phone-sent").hidden = false;
  $("phone-sent").textContent = `${t.sent} ${t.wait_next}`;
});

function showEnd() {
  step = null;
  message("");
  $("phone-step").hidden = true;
  $("phone-sent").hidden = true;
  $("phone-end").hidden = false;
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
