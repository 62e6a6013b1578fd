// The host screen: joins as host, steps through the quest, shows results as they arrive.
import { clientId, connect, el, fill, plural, send, stepIn, texts } from "./live-common.js";

const root = document.getElementById("live-host");
const code = root.dataset.code;
const lang = document.documentElement.lang;
const t = texts();
const $ = (id) => root.querySelector(`[data-testid=${id}]`);
const socket = connect();
let replaced = false;
let current = null;
let revealedStep = null;
let countdown = null;

// A quiz question's countdown: when it ends, the answer is shown to the room.
function startCountdown(step) {
  clearInterval(countdown);
  $("countdown").hidden = !step.seconds;
  if (!step.seconds) return;
  let left = step.seconds;
  $("countdown").textContent = fill(t.seconds, { n: left });
  countdown = setInterval(() => {
    left -= 1;
    $("countdown").textContent = fill(t.seconds, { n: Math.max(0, left) });
    if (left <= 0) {
      clearInterval(countdown);
      if (revealedStep !== step.id) act("reveal");
    }
  }, 1000);
}

// The right answer on the wall: its bar marked, and the room's score (never who).
function renderReveal(data) {
  const step = current && stepIn(current, lang);
  if (!data || !step || data.step_id !== step.id) return;
  revealedStep = step.id;
  clearInterval(countdown);
  $("countdown").hidden = true;
  $("reveal").hidden = true;
  const reveal = data.reveal[lang] || data.reveal.nl;
  for (const bar of $("bars").children) {
    bar.classList.toggle("correct", reveal.correct.includes(bar.dataset.option));
  }
  const score = reveal.total && reveal.right === reveal.total
    ? t.all_right : fill(t.score, { r: reveal.right, t: reveal.total });
  $("room-score").textContent = reveal.explain ? `${score} ${reveal.explain}` : score;
  $("room-score").hidden = false;
}

function renderState(state) {
  current = state;
  root.className = state.status;  // once running, the join panel makes room for the question
  const step = stepIn(state, lang);
  $("participant-count").textContent = plural(t.joined, state.participants);
  if (state.status === "ended") return renderEnded(state);
  if (step) {
    $("step-counter").textContent = fill(t.step, { i: state.index + 1, t: state.total });
    $("host-prompt").textContent = step.prompt;
    $("host-body").textContent = step.body || "";
    $("host-hint").textContent = step.hint || "";
    // Job names on the screen come from ESCO and Nesta: their terms ask to name them.
    $("host-attribution").hidden = step.type !== "occupation";
    $("next").textContent = t.next;
    $("next").disabled = state.index + 1 >= state.total;
    if (revealedStep !== step.id) {
      $("room-score").hidden = true;
      $("reveal").hidden = !step.revealable;
      startCountdown(step);
    }
  }
}

function renderResults(results) {
  if (!results || !current) return;
  const step = stepIn(current, lang);
  if (!step || results.step_id !== step.id) return;
  $("answer-count").textContent = plural(t.answers, results.total);
  const bars = $("bars");
  const words = $("words");
  bars.replaceChildren();
  words.replaceChildren();
  if (results.counts) {
    const most = Math.max(1, ...Object.values(results.counts));
    for (const option of step.options || []) {
      const n = results.counts[option.id] || 0;
      bars.append(el("li", { dataset: { option: option.id }, className: revealedStep === step.id && current.revealed?.includes(option.id) ? "correct" : "" }, el("span", {}, option.label),
        el("meter", { min: 0, max: most, value: n, title: String(n) }), el("strong", {}, String(n))));
    }
  } else if (results.means) {
    for (const item of step.items || []) {
      const mean = results.means[item.id] || 0;
      bars.append(el("li", {}, el("span", {}, item.text),
        el("meter", { min: 0, max: 5, value: mean }), el("strong", {}, mean.toFixed(1))));
    }
  } else if (results.words) {
    if (!results.words.length) words.append(el("li", {}, t.words_empty));
    // Sized by how many wrote it, and how many said "me too" on their phone.
    const weight = (w) => w.count + (w.votes || 0);
    const top = results.words.length ? weight(results.words[0]) : 1;
    for (const w of results.words) {
      const size = weight(w) >= Math.max(3, top) ? "most" : weight(w) >= Math.max(2, top / 2) ? "often" : "";
      const votes = w.votes ? [el("span", { className: "votes" }, ` +${w.votes}`)] : [];
      words.append(el("li", { className: size }, w.word, ...votes));
    }
  }
}

// The room's recap: how many took part, the XP everyone got, what the room chose.
function renderEnded(data) {
  root.className = "ended";
  $("host-prompt").textContent = t.ended;
  $("host-body").textContent = "";
  $("next").disabled = true;
  $("end").disabled = true;
  const recap = data && data.recap && (data.recap[lang] || data.recap.nl);
  if (!recap) return;
  $("recap-took-part").textContent = plural(t.took_part, recap.took_part);
  $("recap-xp").textContent = `+${recap.xp}`;
  $("recap-highlights").replaceChildren(...recap.highlights.map((h) =>
    el("li", {}, el("span", {}, h.prompt), el("strong", {}, h.top))));
  $("recap").hidden = false;
}

async function claim() {
  const ack = await send(socket, "live:host", { code });
  if (!ack.ok) {
    $("host-message").textContent = ack.error.message;
    return;
  }
  replaced = false;
  $("takeover").hidden = true;
  renderState(ack.state);
  renderResults(ack.results);
  renderNames(ack.names);
  document.documentElement.dataset.socket = "ready";  // caught up with the server
}

function renderNames(names) {
  $("names").replaceChildren(...(names || []).map((name) => el("li", {}, name)));
}

socket.on("connect", () => {
  $("host-message").textContent = "";
  if (!replaced) claim();
});
socket.on("disconnect", () => {
  $("host-message").textContent = t.offline;
});
socket.on("live:step", renderState);
socket.on("live:results", renderResults);
socket.on("live:ended", renderEnded);
socket.on("live:reveal", (data) => {
  if (current) current.revealed = (data.reveal[lang] || data.reveal.nl).correct;
  renderReveal(data);
});
socket.on("presence", (data) => {
  $("participant-count").textContent = plural(t.joined, data.count);
  renderNames(data.names);
});
socket.on("live:host_replaced", () => {
  replaced = true;
  $("takeover").hidden = false;
});

root.addEventListener("click", (event) => {
  const action = event.target.closest("[data-action]")?.dataset.action;
  if (!action) return;
  if (action === "reclaim") return claim();
  act(action);
});

async function act(action) {
  const ack = await send(socket, `live:${action}`, { code, client_id: clientId() });
  if (!ack.ok) {
    $("host-message").textContent = ack.error.code === "conflict" && action === "next" ? t.last : ack.error.message;
    if (ack.error.code === "host_replaced") {
      replaced = true;
      $("takeover").hidden = false;
    }
    return;
  }
  if (action === "next") renderState(ack.state);
  if (action === "reveal") {
    current.revealed = (ack.reveal[lang] || ack.reveal.nl).correct;
    renderReveal(ack);
  }
  if (action === "end" && !current?.recap) $("host-prompt").textContent = t.ended;
}
