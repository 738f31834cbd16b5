/* Host console: run the game, watch counts, approve and kick players. */
(function () {
  "use strict";
  var LQ = window.LQ;
  var root = LQ.$("lq-host");
  if (!root) { return; }
  var labels = {
    kick: LQ.$("lq-kick-label").innerHTML,
    approve: LQ.$("lq-approve-label").innerHTML,
    reject: LQ.$("lq-reject-label").innerHTML
  };
  function t(name, vars) { return LQ.msg(root, name, vars); }
  var socket;

  function error(text) { var n = LQ.$("lq-error"); n.textContent = text || ""; n.hidden = !text; }

  function people(id, list, actions) {
    var ul = LQ.$(id);
    LQ.clear(ul);
    list.forEach(function (p) {
      var li = LQ.item("li", (p.rank ? p.rank + ". " : "") + p.nickname + (p.score !== undefined ? " · " + t("points", { n: p.score }) : ""));
      actions.forEach(function (action) {
        var b = LQ.item("button", labels[action], "button secondary lq-small");
        b.type = "button";
        b.setAttribute("data-player", String(p.id));
        b.setAttribute("data-player-action", action);
        b.setAttribute("aria-label", labels[action] + " " + p.nickname);
        li.appendChild(b);
      });
      ul.appendChild(li);
    });
  }

  root.addEventListener("click", function (event) {
    var b = event.target.closest("button");
    if (!b) { return; }
    var action = b.getAttribute("data-action");
    if (action) {
      var confirmText = b.getAttribute("data-confirm");
      if (confirmText && !window.confirm(confirmText)) { return; }
      error("");
      socket.send({ type: action });
      return;
    }
    var playerAction = b.getAttribute("data-player-action");
    if (playerAction) {
      socket.send({ type: playerAction, player: parseInt(b.getAttribute("data-player"), 10) });
      b.disabled = true;
    }
  });
  LQ.$("lq-find").addEventListener("submit", function (event) {
    event.preventDefault();
    socket.send({ type: "find", nickname: LQ.$("lq-find-name").value });
  });

  socket = LQ.connect(root.getAttribute("data-ws"), {
    open: function () { LQ.text("lq-host-status", t("connected")); },
    frame: function (data) {
      switch (data.type) {
        case "counts":
          LQ.text("lq-players", String(data.players));
          LQ.text("lq-answered", String(data.answered));
          LQ.text("lq-index", data.index >= 0 ? String(data.index + 1) : "-");
          LQ.text("lq-remaining", data.status === "open" ? String(Math.ceil(data.remaining_ms / 1000)) : "-");
          LQ.text("lq-host-status", t("status-" + data.status) || data.status);
          var recent = LQ.$("lq-recent");
          LQ.clear(recent);
          data.recent.forEach(function (name) { recent.appendChild(LQ.item("li", name)); });
          LQ.show("lq-waiting-card", data.waiting.length > 0);
          people("lq-waiting", data.waiting, ["approve", "reject"]);
          break;
        case "question":
          LQ.text("lq-host-question", t("question", { n: data.question.index + 1, stem: data.question.stem }));
          break;
        case "closed":
          people("lq-board", data.leaderboard, ["kick"]);
          var teams = LQ.$("lq-teams");
          LQ.clear(teams);
          data.teams.forEach(function (team) { teams.appendChild(LQ.item("li", t("team", { name: team.name, average: team.average, members: team.members }))); });
          LQ.text("lq-host-question", t("question-closed", { n: data.index + 1, answered: data.answered }));
          break;
        case "ended":
          people("lq-board", data.leaderboard, []);
          LQ.text("lq-host-question", t("ended"));
          break;
        case "found":
          people("lq-found", data.players, ["kick"]);
          if (!data.players.length) { error(t("not-found")); }
          break;
        case "error": error(data.message); break;
      }
    },
    closed: function (code) {
      if (code === 4404) { LQ.text("lq-host-status", t("forbidden")); return false; }
      LQ.text("lq-host-status", t("reconnecting"));
      return true;
    }
  });
})();
