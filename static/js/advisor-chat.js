// 智能顾问 chat page: asks through the API and appends the answer without reloading.
// Without JavaScript the form posts to the page and the server renders the answer.
(function () {
  "use strict";
  var form = document.getElementById("ask-form");
  if (!form || !window.fetch) return;
  var log = document.getElementById("chat-log");
  var input = form.querySelector("textarea[name=question]");
  var button = document.getElementById("ask-button");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  // Texts come translated from the template (data-msg-*), so the page follows the active language.
  function msg(name) { return form.getAttribute("data-msg-" + name) || ""; }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function link(item) {
    var a = el("a", "", item.title);
    a.href = item.url;
    return a;
  }

  function render(question, data) {
    var turn = el("article", "chat-turn");
    var mine = el("p", "bubble bubble-user");
    mine.appendChild(el("span", "visually-hidden", msg("you-asked")));
    mine.appendChild(document.createTextNode(question));
    turn.appendChild(mine);
    var box = el("div", "bubble bubble-advisor status-" + (data.status || "refused"));
    if (data.fraud_warning) {
      var warn = el("div", "fraud-warning");
      warn.setAttribute("role", "alert");
      warn.appendChild(el("h2", "fraud-title", data.fraud_warning.title));
      warn.appendChild(el("p", "", data.fraud_warning.text));
      box.appendChild(warn);
    }
    if (data.status === "not_sure") box.appendChild(el("p", "badge", msg("not-sure")));
    box.appendChild(el("p", "answer-text", data.text));
    if (data.citations && data.citations.length) {
      var cite = el("p", "citations", msg("sources"));
      data.citations.forEach(function (c, i) {
        if (i) cite.appendChild(document.createTextNode("；"));
        cite.appendChild(link(c));
        if (c.source) cite.appendChild(document.createTextNode("（" + c.source + "）"));
      });
      box.appendChild(cite);
    }
    if (data.related && data.related.length) {
      box.appendChild(el("h3", "related-title", data.status === "answered" ? msg("related") : msg("closest")));
      var list = el("ul", "related");
      data.related.forEach(function (r) {
        var li = el("li");
        li.appendChild(link(r));
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("span", "muted", r.kind === "faq" ? msg("faq") : msg("library")));
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    var handoff = form.getAttribute("data-handoff");
    if (data.handoff && handoff) {
      var f = el("form", "handoff-form");
      f.method = "post";
      f.action = handoff;
      [["csrfmiddlewaretoken", token], ["question", question], ["collection", data.collection]].forEach(function (pair) {
        var h = document.createElement("input");
        h.type = "hidden";
        h.name = pair[0];
        h.value = pair[1];
        f.appendChild(h);
      });
      var b = el("button", "secondary", msg("handoff"));
      b.type = "submit";
      f.appendChild(b);
      box.appendChild(f);
    }
    turn.appendChild(box);
    log.appendChild(turn);
    turn.scrollIntoView({ block: "start" });
  }

  function ask(question) {
    button.disabled = true;
    var busy = el("p", "chat-busy", msg("busy"));
    log.appendChild(busy);
    fetch(form.getAttribute("data-api"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ question: question, collection: form.getAttribute("data-collection") })
    })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.error) data = { status: "refused", text: data.error.message };
        render(question, data);
      })
      .catch(function () {
        render(question, { status: "refused", text: msg("network-error") });
      })
      .then(function () {
        busy.remove();
        button.disabled = false;
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var question = input.value.trim();
    ask(question);
    input.value = "";
    input.focus();
  });

  document.querySelectorAll("button.example").forEach(function (b) {
    b.addEventListener("click", function (event) {
      event.preventDefault();
      ask(b.getAttribute("data-question"));
    });
  });
})();
