// 非法集资自查: count matched features as the person answers (the form works without it).
(function () {
  "use strict";
  var form = document.getElementById("fundraising-form");
  var live = document.getElementById("live-count");
  if (!form || !live) return;
  function update() {
    var matched = 0, answered = 0;
    form.querySelectorAll("fieldset.feature").forEach(function (fs) {
      var chosen = fs.querySelector("input[type=radio]:checked");
      if (!chosen) return;
      answered += 1;
      if (chosen.value === "unsure" || chosen.value === fs.dataset.riskAnswer) matched += 1;
    });
    live.hidden = answered === 0;
    // The text comes translated from the template (data-msg-count).
    live.textContent = live.getAttribute("data-msg-count").replace("{answered}", answered).replace("{matched}", matched);
  }
  form.addEventListener("change", update);
  update();
})();
