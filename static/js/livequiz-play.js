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

  function status(text) { LQ.text("lq-status", text); }
  function error(text) { var n = LQ.$("lq-error"); n.textContent = text || ""; n.hidden = !text; }
  function sections(visible) {
    ["lq-join-form", "lq-wait", "lq-question", "lq-feedback", "lq-final"].forEach(function (id) {
      LQ.show(id, visible.indexOf(id) >= 0);
    });
  }

  function renderQuestion(q, remaining, mine) {
    current = q; picked = []; answered = !!mine;
    LQ.text("lq-qnum", "第 " + (q.index + 1) + " / " + q.total + " 题");
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
    status("请作答");
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
      status("已提交，等待判定……");
    }
  }

  function showVerdict(correct, points, answer, explanation) {
    LQ.show("lq-feedback", true);
    var v = LQ.$("lq-verdict");
    v.textContent = correct ? "✔ 答对了！+" + points + " 分" : "✘ 答错了";
    v.className = "lq-verdict " + (correct ? "lq-right" : "lq-wrong");
    if (answer && current) {
      LQ.text("lq-answer", "正确答案：" + answer.map(function (i) { return LQ.letter(i) + ". " + current.options[i]; }).join("；"));
    }
    LQ.text("lq-explanation", explanation || "");
  }

  function board(list, id) {
    var ol = LQ.$(id);
    LQ.clear(ol);
    list.forEach(function (p) { ol.appendChild(LQ.item("li", p.rank + ". " + p.nickname + " · " + p.score + " 分")); });
  }

  function joined(data) {
    localStorage.setItem(tokenKey, data.token);
    LQ.text("lq-me-name", data.player.nickname);
    var waiting = data.player.status === "waiting";
    LQ.text("lq-wait-text", waiting ? "已申请加入，请等待主持人批准。" : "已加入，等待主持人开始。");
    sections(["lq-wait"]);
    error("");
    status(waiting ? "等待批准" : "已加入");
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
          if (token) { socket.send({ type: "join", token: token }); status("正在恢复……"); }
          else { sections(["lq-join-form"]); status("请输入昵称加入"); }
          break;
        case "joined": joined(data); break;
        case "approved": LQ.text("lq-wait-text", "主持人已批准，等待开始。"); status("已加入"); break;
        case "state":
          LQ.text("lq-score", String(data.score));
          LQ.text("lq-rank", data.rank ? String(data.rank) : "-");
          LQ.show("lq-standing", true);
          if (data.question) { renderQuestion(data.question, data.remaining_ms, data.answered); }
          if (data.status === "paused") { timer.stop(); status("已暂停"); }
          break;
        case "question": renderQuestion(data.question, data.remaining_ms, null); break;
        case "ack":
          LQ.text("lq-score", String(data.score));
          showVerdict(data.correct, data.points, data.answer, data.explanation);
          status("已作答");
          break;
        case "closed":
          timer.stop();
          if (!answered && current && current.index === data.index) {
            showVerdict(false, 0, data.answer, data.explanation);
            LQ.text("lq-verdict", "本题结束，未作答");
          }
          LQ.show("lq-options", true);
          status(data.last ? "最后一题结束" : "本题结束，等待下一题");
          break;
        case "standing":
          LQ.text("lq-score", String(data.score));
          LQ.text("lq-rank", data.rank ? String(data.rank) : "-");
          LQ.show("lq-standing", true);
          break;
        case "paused": timer.stop(); status("已暂停"); break;
        case "resumed": timer.start(data.remaining_ms); status("继续作答"); break;
        case "ended":
          finished = true; timer.stop();
          board(data.leaderboard, "lq-final-board");
          sections(["lq-final"]);
          status("答题结束，谢谢参与！");
          break;
        case "kicked":
          finished = true; localStorage.removeItem(tokenKey);
          sections([]); status("你已被主持人移出本场答题。");
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
      if (code === 4404) { status("没有找到这场答题，请核对游戏码。"); return false; }
      if (finished) { return false; }
      status("连接中断，正在重新连接……");
      return true;
    }
  });
})();
