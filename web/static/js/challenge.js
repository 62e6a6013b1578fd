// A challenge page, live: the collective bar moves when others join or complete quests.
// Without JavaScript the page still works; the bar is then as it was when the page loaded.
const together = document.querySelector("[data-testid=together]");

if (together && window.io) {
  const challengeId = Number(together.dataset.challengeId);
  const bar = together.querySelector("[data-testid=goal-bar]");
  const text = together.querySelector("[data-testid=goal-text]");
  const socket = window.io({ transports: ["websocket"] });

  function show(progress) {
    bar.max = progress.goal_target;
    bar.value = progress.goal_reached;
    const template = progress.goal_kind === "quests" ? text.dataset.quests : text.dataset.participants;
    text.textContent = template
      .replace("%(reached)s", progress.goal_reached)
      .replace("%(target)s", progress.goal_target);
  }

  socket.on("connect", () => {
    socket.emit("challenge:enter", { challenge_id: challengeId }, (answer) => {
      if (answer && answer.ok) show(answer.progress);
      // Tests (and anyone curious) can tell when the page has caught up with the server.
      document.documentElement.dataset.socket = "ready";
    });
  });
  socket.on("challenge:progress", (progress) => {
    if (progress.challenge_id === challengeId) show(progress);
  });
}
