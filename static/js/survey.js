// Skip logic on the phone: hide a question until the answer it depends on matches.
// The server checks the same rule, so this only spares people irrelevant questions.
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  if (!form) { return; }
  var items = Array.prototype.slice.call(form.querySelectorAll(".survey-item"));
  function answer(key) {
    var item = document.getElementById("item-" + key);
    if (!item || item.hidden) { return null; }
    var kind = item.getAttribute("data-kind");
    var checked = Array.prototype.slice.call(item.querySelectorAll("input:checked"));
    if (!checked.length) { return null; }
    return checked.map(function (i) {
      var v = parseInt(i.value, 10);
      return kind === "scale" ? v : v + 1;
    });
  }
  function update() {
    items.forEach(function (item) {
      var source = item.getAttribute("data-show-if");
      if (!source) { return; }
      var values = answer(source);
      var target = parseInt(item.getAttribute("data-show-value"), 10);
      var hit = values !== null && values.indexOf(target) !== -1;
      var show = values !== null && (item.getAttribute("data-show-op") === "is" ? hit : !hit);
      item.hidden = !show;
      if (!show) {
        item.querySelectorAll("input").forEach(function (i) { i.checked = false; });
        item.querySelectorAll("textarea").forEach(function (t) { t.value = ""; });
      }
    });
  }
  form.addEventListener("change", update);
  update();
})();
