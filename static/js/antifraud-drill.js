// Drill chat: bring the newest message into view after each choice.
(function () {
  "use strict";
  var latest = document.getElementById("latest");
  if (latest && window.location.hash === "#latest") {
    latest.scrollIntoView({ block: "center" });
  }
})();
