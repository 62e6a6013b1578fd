// Open the live connection with the login cookie; show that it works, and leave when the
// server says this login has ended (logout or password change on another device).
const status = document.querySelector("[data-testid=live-status]");
const socket = window.io({ transports: ["websocket"] });
let leavingOnPurpose = false;

// This tab's own logout or password change ends the login too; its form decides where to go.
for (const form of document.querySelectorAll("form[method=post]")) {
  form.addEventListener("submit", () => {
    leavingOnPurpose = true;
  });
}

socket.on("connect", () => {
  if (status) status.hidden = false;
});
socket.on("disconnect", () => {
  if (status) status.hidden = true;
});
socket.on("session:ended", () => {
  if (!leavingOnPurpose) window.location.assign("/login");
});
