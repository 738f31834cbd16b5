/* Player page: join by nickname (or rejoin with the device token), answer, see results. */
(function () {
  "use strict";
  var LQ = window.LQ;
  var root = LQ.$("lq-play");
  if (!root) { return; }
  var pin = root.getAttribute("data-pin");
  var tokenKey = "lq-token-" + pin;
  var current = null, picked = [], answered = false, finished = false;
  var timer = LQ.countdown("lq-timer");
  var socket;

  function t(name, vars) { return LQ.msg(root, name, vars); }
  function status(text) { LQ.text("lq-status", text); }
  function error(text) { var n = LQ.$("lq-error"); n.textContent = text || ""; n.hidden = !text; }
  function sections(visible) {
    ["lq-join-form", "lq-wait", "lq-question", "lq-feedback", "lq-final"].forEach(function (id) {
      LQ.show(id, visible.indexOf(id) >= 0);
    });
  }

  function renderQuestion(q, remaining, mine) {
    current = q; picked = []; answered = !!mine;
    LQ.text("lq-qnum", t("question-number", { n: q.index + 1, total: q.total }));
    LQ.text("lq-stem", q.stem);
    LQ.show("lq-multi-hint", q.multiple);
    LQ.show("lq-submit", q.multiple && !answered);
    var box = LQ.$("lq-options");
    LQ.clear(box);
    q.options.forEach(function (text, i) {
      var b = LQ.item("button", LQ.letter(i) + ". " + text, "lq-option lq-opt-" + i);
      b.type = "button";
      b.setAttribute("aria-pressed", "false");
      b.disabled = answered;
      b.addEventListener("click", function () { choose(i, b); });
      box.appendChild(b);
    });
    sections(["lq-question"]);
    timer.start(remaining);
    status(t("answer-now"));
    if (mine) { showVerdict(mine.correct, mine.points, null, ""); }
  }

  function choose(i, button) {
    if (answered || !current) { return; }
    if (current.multiple) {
      var at = picked.indexOf(i);
      if (at >= 0) { picked.splice(at, 1); } else { picked.push(i); }
      button.setAttribute("aria-pressed", at >= 0 ? "false" : "true");
      return;
    }
    picked = [i];
    button.setAttribute("aria-pressed", "true");
    submit();
  }

  function submit() {
    if (!picked.length || answered) { return; }
    if (socket.send({ type: "answer", index: current.index, choice: picked })) {
      answered = true;
      Array.prototype.forEach.call(LQ.$("lq-options").children, function (b) { b.disabled = true; });
      LQ.show("lq-submit", false);
      status(t("submitted"));
    }
  }

  function showVerdict(correct, points, answer, explanation) {
    LQ.show("lq-feedback", true);
    var v = LQ.$("lq-verdict");
    v.textContent = correct ? "✔ " + t("right", { n: points }) : "✘ " + t("wrong");
    v.className = "lq-verdict " + (correct ? "lq-right" : "lq-wrong");
    if (answer && current) {
      LQ.text("lq-answer", t("correct-answer") + answer.map(function (i) { return LQ.letter(i) + ". " + current.options[i]; }).join("；"));
    }
    LQ.text("lq-explanation", explanation || "");
  }

  /* closed and ended frames carry this player's own rank and score */
  function standing(data) {
    if (data.score === undefined) { return; }
    LQ.text("lq-score", String(data.score));
    LQ.text("lq-rank", data.rank ? String(data.rank) : "-");
    LQ.show("lq-standing", true);
  }

  function board(list, id) {
    var ol = LQ.$(id);
    LQ.clear(ol);
    list.forEach(function (p) { ol.appendChild(LQ.item("li", p.rank + ". " + p.nickname + " · " + t("points", { n: p.score }))); });
  }

  function joined(data) {
    localStorage.setItem(tokenKey, data.token);
    LQ.text("lq-me-name", data.player.nickname);
    var waiting = data.player.status === "waiting";
    LQ.text("lq-wait-text", waiting ? t("waiting-approval") : t("joined-waiting"));
    sections(["lq-wait"]);
    error("");
    status(waiting ? t("status-waiting") : t("status-joined"));
  }

  LQ.$("lq-submit").addEventListener("click", submit);
  LQ.$("lq-join-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var frame = { type: "join", nickname: LQ.$("lq-nickname").value };
    if (!LQ.$("lq-team-field").hidden) { frame.team = LQ.$("lq-team").value; }
    socket.send(frame);
  });

  socket = LQ.connect(root.getAttribute("data-ws"), {
    frame: function (data) {
      switch (data.type) {
        case "hello":
          LQ.text("lq-title", data.title);
          var select = LQ.$("lq-team");
          LQ.clear(select);
          data.teams.forEach(function (name, i) { var o = LQ.item("option", name); o.value = String(i + 1); select.appendChild(o); });
          LQ.show("lq-team-field", data.teams.length > 0);
          var token = localStorage.getItem(tokenKey);
          if (token) { socket.send({ type: "join", token: token }); status(t("restoring")); }
          else { sections(["lq-join-form"]); status(t("enter-nickname")); }
          break;
        case "joined": joined(data); break;
        case "approved": LQ.text("lq-wait-text", t("approved")); status(t("status-joined")); break;
        case "state":
          LQ.text("lq-score", String(data.score));
          LQ.text("lq-rank", data.rank ? String(data.rank) : "-");
          LQ.show("lq-standing", true);
          if (data.question) { renderQuestion(data.question, data.remaining_ms, data.answered); }
          if (data.status === "paused") { timer.stop(); status(t("paused")); }
          break;
        case "question": renderQuestion(data.question, data.remaining_ms, null); break;
        case "ack":
          LQ.text("lq-score", String(data.score));
          showVerdict(data.correct, data.points, data.answer, data.explanation);
          status(t("answered"));
          break;
        case "closed":
          timer.stop();
          if (!answered && current && current.index === data.index) {
            showVerdict(false, 0, data.answer, data.explanation);
            LQ.text("lq-verdict", t("unanswered"));
          }
          LQ.show("lq-options", true);
          status(data.last ? t("last-closed") : t("closed"));
          standing(data);
          break;
        case "paused": timer.stop(); status(t("paused")); break;
        case "resumed": timer.start(data.remaining_ms); status(t("resumed")); break;
        case "ended":
          finished = true; timer.stop();
          standing(data);
          board(data.leaderboard, "lq-final-board");
          sections(["lq-final"]);
          status(t("ended"));
          break;
        case "kicked":
          finished = true; localStorage.removeItem(tokenKey);
          sections([]); status(t("kicked"));
          break;
        case "error":
          if (data.code === "busy" && current && answered) {
            // Nothing was stored: let the player press again.
            answered = false;
            Array.prototype.forEach.call(LQ.$("lq-options").children, function (b) { b.disabled = false; });
            LQ.show("lq-submit", current.multiple);
          }
          if (data.code === "token_unknown" || data.code === "kicked") {
            localStorage.removeItem(tokenKey);
            if (data.code === "kicked") { finished = true; sections([]); } else { sections(["lq-join-form"]); }
          }
          error(data.message);
          break;
      }
    },
    closed: function (code) {
      if (code === 4404) { status(t("no-game")); return false; }
      if (finished) { return false; }
      status(t("reconnecting"));
      return true;
    }
  });
})();
