/* Live quiz: a WebSocket that reconnects by itself, and small DOM helpers. */
(function () {
  "use strict";
  var LQ = {};
  LQ.$ = function (id) { return document.getElementById(id); };
  LQ.show = function (id, on) { var n = LQ.$(id); if (n) { n.hidden = !on; } };
  LQ.text = function (id, value) { var n = LQ.$(id); if (n) { n.textContent = value; } };
  LQ.letter = function (i) { return String.fromCharCode(65 + i); };
  LQ.clear = function (node) { while (node.firstChild) { node.removeChild(node.firstChild); } };
  LQ.item = function (tag, text, cls) {
    var n = document.createElement(tag);
    n.textContent = text;
    if (cls) { n.className = cls; }
    return n;
  };

  /* A text the template rendered, translated, into data-msg-<name> on root; {key} is filled from vars. */
  LQ.msg = function (root, name, vars) {
    var s = root.getAttribute("data-msg-" + name) || "";
    return s.replace(/\{(\w+)\}/g, function (m, k) { return vars && vars[k] !== undefined ? String(vars[k]) : m; });
  };

  /* handlers: open(socket), frame(data), closed(code) -> false to stop reconnecting */
  LQ.connect = function (path, handlers) {
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    var delay = 250;
    var state = { socket: null, stopped: false };
    state.send = function (frame) {
      if (state.socket && state.socket.readyState === 1) {
        state.socket.send(JSON.stringify(frame));
        return true;
      }
      return false;
    };
    state.stop = function () { state.stopped = true; if (state.socket) { state.socket.close(); } };
    function open() {
      var socket = new WebSocket(proto + location.host + path);
      state.socket = socket;
      socket.onopen = function () { delay = 250; if (handlers.open) { handlers.open(state); } };
      socket.onmessage = function (event) {
        var data;
        try { data = JSON.parse(event.data); } catch (e) { return; }
        handlers.frame(data, state);
      };
      socket.onclose = function (event) {
        var again = handlers.closed ? handlers.closed(event.code, state) : true;
        if (again !== false && !state.stopped) {
          // Jitter spreads thousands of phones reconnecting after a server restart;
          // the short cap brings a phone back within seconds once a server answers.
          setTimeout(open, delay / 2 + Math.random() * delay);
          delay = Math.min(delay * 2, 4000);
        }
      };
    }
    open();
    return state;
  };

  /* A countdown that shows whole seconds left in the element with this id. */
  LQ.countdown = function (id) {
    var timer = null, until = 0;
    function tick() {
      var left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      LQ.text(id, String(left));
      if (left <= 0 && timer) { clearInterval(timer); timer = null; }
    }
    return {
      start: function (ms) { until = Date.now() + ms; if (timer) { clearInterval(timer); } timer = setInterval(tick, 250); tick(); },
      stop: function () { if (timer) { clearInterval(timer); timer = null; } }
    };
  };
  window.LQ = LQ;
})();
