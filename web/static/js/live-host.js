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
    $("next").textContent = t.next;
    $("next").disabled = state.index + 1 >= state.total;
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
      bars.append(el("li", {}, el("span", {}, option.label),
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
    const top = results.words.length ? results.words[0].count : 1;
    for (const { word, count } of results.words) {
      words.append(el("li", { className: count >= Math.max(2, top / 2) ? "often" : "" }, word));
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
socket.on("presence", (data) => {
  $("participant-count").textContent = plural(t.joined, data.count);
  renderNames(data.names);
});
socket.on("live:host_replaced", () => {
  replaced = true;
  $("takeover").hidden = false;
});

root.addEventListener("click", async (event) => {
  const action = event.target.closest("[data-action]")?.dataset.action;
  if (!action) return;
  if (action === "reclaim") return claim();
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
  if (action === "end" && !current?.recap) $("host-prompt").textContent = t.ended;
});
