// Checker page: live character count against the 5000 limit, and focus on the verdict.
(function () {
  "use strict";
  var box = document.getElementById("id_text");
  var count = document.getElementById("char-count");
  if (box && count) {
    var update = function () {
      var n = box.value.length;
      count.hidden = false;
      // The texts come translated from the template (data-msg-*).
      count.textContent = count.getAttribute("data-msg-count").replace("{n}", n) + (n > 5000 ? count.getAttribute("data-msg-over") : "");
    };
    box.addEventListener("input", update);
    update();
  }
  var result = document.getElementById("result");
  if (result) {
    result.setAttribute("tabindex", "-1");
    result.focus();
  }
})();
