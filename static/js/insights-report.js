// Poll the report job while it builds; show the download link when it is done.
(function () {
  "use strict";
  var status = document.getElementById("report-status");
  var link = document.getElementById("report-download");
  if (!status) { return; }
  function poll() {
    var state = status.getAttribute("data-status");
    if (state === "done" || state === "failed") { return; }
    fetch(status.getAttribute("data-status-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        status.setAttribute("data-status", data.status);
        status.textContent = data.label + (data.error ? "：" + data.error : "");
        if (data.status === "done") { link.hidden = false; }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
