/* Big screen: lobby with PIN and QR, question with countdown and live count, results. */
(function () {
  "use strict";
  var LQ = window.LQ;
  var root = LQ.$("lq-screen");
  if (!root) { return; }
  var timer = LQ.countdown("lq-s-timer");
  var current = null;

  function t(name, vars) { return LQ.msg(root, name, vars); }
  function only(id) {
    ["lq-s-lobby", "lq-s-question", "lq-s-board", "lq-s-podium"].forEach(function (s) { LQ.show(s, s === id); });
  }
  function leaders(list, teams) {
    var ol = LQ.$("lq-s-leaders");
    LQ.clear(ol);
    list.forEach(function (p) { ol.appendChild(LQ.item("li", p.nickname + "　" + p.score)); });
    var ul = LQ.$("lq-s-teams");
    LQ.clear(ul);
    (teams || []).forEach(function (team) { ul.appendChild(LQ.item("li", team.name + "　" + t("average", { n: team.average }))); });
  }

  LQ.connect(root.getAttribute("data-ws"), {
    frame: function (data) {
      switch (data.type) {
        case "counts":
          LQ.text("lq-s-players", String(data.players));
          LQ.text("lq-s-answered", String(data.answered));
          if (data.status === "lobby") {
            var ul = LQ.$("lq-s-recent");
            LQ.clear(ul);
            data.recent.forEach(function (name) { ul.appendChild(LQ.item("li", name)); });
          }
          break;
        case "question":
          current = data.question;
          LQ.text("lq-s-qnum", (current.index + 1) + " / " + current.total);
          LQ.text("lq-s-stem", current.stem);
          LQ.text("lq-s-answered", "0");
          var ol = LQ.$("lq-s-options");
          LQ.clear(ol);
          current.options.forEach(function (text, i) {
            var li = LQ.item("li", "", "lq-s-option lq-opt-" + i);
            li.appendChild(LQ.item("span", LQ.letter(i) + ". " + text, "lq-s-label"));
            li.appendChild(LQ.item("span", "", "lq-s-bar"));
            ol.appendChild(li);
          });
          LQ.show("lq-s-explanation", false);
          only("lq-s-question");
          timer.start(data.remaining_ms);
          break;
        case "paused": timer.stop(); LQ.text("lq-s-status", t("paused")); break;
        case "resumed": timer.start(data.remaining_ms); LQ.text("lq-s-status", ""); break;
        case "closed":
          timer.stop();
          LQ.text("lq-s-timer", "0");
          var total = data.distribution.reduce(function (a, b) { return a + b; }, 0) || 1;
          var items = LQ.$("lq-s-options").children;
          data.distribution.forEach(function (count, i) {
            var li = items[i];
            if (!li) { return; }
            if (data.answer.indexOf(i) >= 0) { li.classList.add("lq-s-right"); }
            var bar = li.querySelector(".lq-s-bar");
            bar.textContent = t("people", { n: count });
            bar.style.width = Math.max(8, Math.round(100 * count / total)) + "%";
          });
          LQ.text("lq-s-explanation", t("explanation") + data.explanation);
          LQ.show("lq-s-explanation", true);
          leaders(data.leaderboard, data.teams);
          LQ.show("lq-s-board", true);
          break;
        case "ended":
          timer.stop();
          var podium = LQ.$("lq-s-podium-list");
          LQ.clear(podium);
          data.leaderboard.slice(0, 3).forEach(function (p, i) {
            var li = LQ.item("li", "", "lq-place lq-place-" + (i + 1));
            li.appendChild(LQ.item("span", ["🥇", "🥈", "🥉"][i], "lq-medal"));
            li.appendChild(LQ.item("strong", p.nickname));
            li.appendChild(LQ.item("span", t("points", { n: p.score })));
            podium.appendChild(li);
          });
          leaders(data.leaderboard, data.teams);
          only("lq-s-podium");
          LQ.show("lq-s-board", true);
          break;
      }
    },
    closed: function (code) { return code !== 4404; }
  });
})();
