// Checker page: live character count against the 5000 limit, and focus on the verdict.
(function () {
  "use strict";
  var box = document.getElementById("id_text");
  var count = document.getElementById("char-count");
  if (box && count) {
    var update = function () {
      var n = box.value.length;
      count.hidden = false;
      count.textContent = "已输入 " + n + " / 5000 字" + (n > 5000 ? "（超出上限，请删减）" : "");
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
