// The group page, live: who is online now, and the members, goal and feed as they change.
// Without JavaScript the page still works; it is just not updated until reloaded.
const live = document.getElementById("group-live");
const status = document.querySelector("[data-testid=live-status]");

if (live && window.io) {
  const groupId = Number(live.dataset.groupId);
  const socket = window.io({ transports: ["websocket"] });

  function showOnline(online) {
    const here = new Set(online.map((member) => member.user_id));
    for (const mark of live.querySelectorAll("[data-testid^=online-]")) {
      mark.hidden = !here.has(Number(mark.closest("[data-user-id]").dataset.userId));
    }
  }

  let refreshing = null;
  async function refresh() {
    // Several activities in a row lead to one request.
    if (refreshing) return;
    refreshing = setTimeout(async () => {
      refreshing = null;
      const response = await fetch(live.dataset.liveUrl, { credentials: "same-origin" });
      if (response.status === 404) {
        window.location.assign("/groups"); // no longer a member
        return;
      }
      if (response.ok) live.innerHTML = await response.text();
    }, 150);
  }

  socket.on("connect", () => {
    socket.emit("group:enter", { group_id: groupId }, (answer) => {
      if (answer && answer.ok) {
        if (status) status.hidden = false;
        showOnline(answer.group.online);
      }
      // Tests (and anyone curious) can tell when the page has caught up with the server.
      document.documentElement.dataset.socket = "ready";
    });
  });
  socket.on("disconnect", () => {
    if (status) status.hidden = true;
  });
  socket.on("presence", (data) => {
    if (data.room === `group:${groupId}`) showOnline(data.online);
  });
  socket.on("group:activity", (data) => {
    if (data.group_id === groupId) refresh();
  });
}
