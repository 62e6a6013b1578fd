// Shared by the host screen and the phone screen of a live session.
export function clientId() {
  // crypto.randomUUID needs a secure context; a workplace may reach us over plain http.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function texts() {
  return JSON.parse(document.getElementById("live-text").textContent);
}

export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));
}

// [one, other] forms, as Dutch and English both have them.
export function plural(forms, n) {
  return fill(forms[n === 1 ? 0 : 1], { n });
}

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

// Send an event and wait for its ack; a lost connection retries with the same client_id,
// which the server treats as the same message (so nothing is stored twice). So does a
// "rate_limited" ack (too many messages from this phone) and an "unavailable" one (the
// database is away, or too busy to take it now): nothing was stored, so it is sent again.
export function send(socket, event, payload, { retries = 5 } = {}) {
  return new Promise((resolve) => {
    const attempt = (left) => {
      socket.timeout(5000).emit(event, payload, (err, ack) => {
        const code = !err && ack && ack.error && ack.error.code;
        const limited = code === "rate_limited" || code === "unavailable";
        if ((err || limited) && left > 0) {
          setTimeout(() => attempt(left - 1), 1000 + Math.random() * 1000);
        } else resolve(err ? { ok: false, error: { code: "timeout", message: "" } } : ack);
      });
    };
    attempt(retries);
  });
}

export function stepIn(state, lang) {
  return (state.steps && state.steps[lang]) || state.step;
}

export function connect() {
  return window.io({ transports: ["websocket"] });
}
