// Open the live connection with the login cookie; show that it works, and leave when the
// server says this login has ended (logout or password change on another device).
const status = document.querySelector("[data-testid=live-status]");
const socket = window.io({ transports: ["websocket"] });

socket.on("connect", () => {
  if (status) status.hidden = false;
});
socket.on("disconnect", () => {
  if (status) status.hidden = true;
});
socket.on("session:ended", () => {
  window.location.assign("/login");
});
