// The live connection of a signed-in page: shows that it works, pops up a short message when
// XP or a badge arrives, and leaves when the server says this login has ended (logout or a
// password change on another device).
const status = document.querySelector("[data-testid=live-status]");
const toasts = document.querySelector("[data-testid=toasts]");
const lang = document.documentElement.lang;
const socket = window.io({ transports: ["websocket"] });
let leavingOnPurpose = false;

// This tab's own logout or password change ends the login too; its form decides where to go.
for (const form of document.querySelectorAll("form[method=post]")) {
  form.addEventListener("submit", () => {
    leavingOnPurpose = true;
  });
}

function toast(text) {
  if (!toasts) return;
  const note = document.createElement("p");
  note.className = "toast";
  note.setAttribute("role", "status");
  note.textContent = text;
  toasts.append(note);
  setTimeout(() => note.remove(), 8000);
}

socket.on("connect", () => {
  if (status) status.hidden = false;
  // Tests (and anyone curious) can tell when the page has caught up with the server.
  document.documentElement.dataset.socket = "ready";
});
socket.on("disconnect", () => {
  if (status) status.hidden = true;
});
socket.on("xp:gained", (data) => {
  const total = Object.values(data.xp).reduce((sum, xp) => sum + xp, 0);
  toast(lang === "en" ? `+${total} XP` : `+${total} XP erbij`);
});
socket.on("badge:awarded", (data) => {
  const title = data.title || data.badge_id;
  toast(lang === "en" ? `New badge: ${title}` : `Nieuwe badge: ${title}`);
});
socket.on("assignment:new", (data) => {
  toast(lang === "en" ? `New from ${data.coach}: ${data.title}` : `Nieuw van ${data.coach}: ${data.title}`);
});
socket.on("feedback:new", (data) => {
  toast(lang === "en" ? `New feedback from ${data.author}` : `Nieuwe feedback van ${data.author}`);
});
socket.on("coach:link_withdrawn", (data) => {
  // A client page whose worker withdrew consent must not stay on screen.
  if (new RegExp(`^/coach/clients/${Number(data.worker_id)}(/|$)`).test(window.location.pathname)) {
    window.location.assign("/coach");
  }
});
socket.on("reminder:new", (data) => {
  const text = data.kind === "assignment_due" ? data.title : data.text;
  toast(lang === "en" ? `Don't forget: ${text}` : `Niet vergeten: ${text}`);
});
socket.on("session:ended", () => {
  if (!leavingOnPurpose) window.location.assign("/login");
});
